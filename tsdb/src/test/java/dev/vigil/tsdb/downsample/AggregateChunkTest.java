package dev.vigil.tsdb.downsample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.block.codec.ChunkCodec;
import dev.vigil.tsdb.io.ByteIn;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.MalformedException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The aggregate chunk encoding: round trips bit for bit, and bad bytes are reported as damage. */
class AggregateChunkTest {
    static final long T0 = RollupExactnessTest.T0;

    private static AggregateChunk.Decoded roundTrip(Windows w, boolean withCounter) {
        ByteOut out = new ByteOut(1 << 12);
        new AggregateChunk().encode(w, 0, w.size(), withCounter, true, -1, out);
        byte[] b = out.toByteArray();
        AggregateChunk.Decoded d = new AggregateChunk.Decoded();
        int n = new AggregateChunk().decode(b[0] & 0xFF, new ByteIn(b, 1, b.length - 1), null, d);
        assertEquals(w.size(), n);
        return d;
    }

    private static double[] bits(double[] a, int n) {
        return Arrays.copyOf(a, n);
    }

    @Test
    void aGaugeRoundTripsBitForBitWithNaNsAndInfinities() {
        SplittableRandom r = new SplittableRandom(3);
        int len = 2000;
        long[] t = new long[len];
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            t[i] = T0 + 15_000 + i * 30_000L + r.nextInt(-500, 500);
            v[i] = i == 100 ? Double.NaN : i == 200 ? Double.POSITIVE_INFINITY : i == 300 ? Values.STALE_NAN : r.nextDouble(-5, 5);
        }
        Windows w = new Windows().rollup(t, v, len, Rollups.RES_5M);
        AggregateChunk.Decoded d = roundTrip(w, false);
        assertFalse(d.monotonic);
        for (int i = 0; i < w.size(); i++) {
            assertEquals(w.t(i), d.t[i]);
            assertEquals(Double.doubleToRawLongBits(w.count(i)), Double.doubleToRawLongBits(d.count[i]), "count " + i);
            assertEquals(Double.doubleToRawLongBits(w.sum(i)), Double.doubleToRawLongBits(d.sum[i]), "sum " + i);
            assertEquals(Double.doubleToRawLongBits(w.min(i)), Double.doubleToRawLongBits(d.min[i]), "min " + i);
            assertEquals(Double.doubleToRawLongBits(w.max(i)), Double.doubleToRawLongBits(d.max[i]), "max " + i);
        }
        // The staleness marker is not a sample: its window counts one fewer.
        double total = 0;
        for (int i = 0; i < d.n; i++) {
            total += d.count[i];
        }
        assertEquals(len - 1, total);
    }

    @Test
    void aCounterWithResetsKeepsItsCounterColumnAndLastRawValue() {
        int len = 600;
        long[] t = new long[len];
        double[] v = new double[len];
        double c = 50;
        for (int i = 0; i < len; i++) {
            t[i] = T0 + 10_000 + i * 30_000L;
            c = i == 333 ? 2 : c + 3;
            v[i] = c;
        }
        Windows w = new Windows().rollup(t, v, len, Rollups.RES_5M);
        AggregateChunk.Decoded d = roundTrip(w, RollupWriter.counterTyped(w));
        assertTrue(d.hasCounter);
        assertArrayEquals(bits(w.counter, w.size()), bits(d.counter, d.n));
        assertEquals(v[len - 1], d.lastRaw);
        assertEquals(50 + 3 * 333 + v[len - 1], d.counter[d.n - 1], "resets added back");
    }

    @Test
    void aConstantSeriesCostsAFewBytesBeyondItsTimestamps() {
        int len = 54 * 120;
        long[] t = new long[len];
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            t[i] = T0 + 10_000 + i * 30_000L;
            v[i] = 0.25;
        }
        Windows w = new Windows().rollup(t, v, len, Rollups.RES_5M);
        ByteOut out = new ByteOut(1 << 12);
        new AggregateChunk().encode(w, 0, w.size(), false, true, 7, out); // timestamps shared: a back reference
        assertTrue(out.length() < 48, out.length() + " bytes");
        AggregateChunk.Decoded d = roundTrip(w, false);
        assertTrue(d.monotonic);
        for (int i = 0; i < d.n; i++) {
            assertEquals(0.25, d.min[i]);
            assertEquals(0.25, d.max[i]);
            assertEquals(w.count(i) * 0.25, d.sum[i]);
        }
    }

    @Test
    void damagedBytesAreReportedAsDamageNeverAsAnotherError() {
        SplittableRandom r = new SplittableRandom(9);
        int len = 700;
        long[] t = new long[len];
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            t[i] = T0 + i * 30_000L + r.nextInt(0, 900);
            v[i] = r.nextInt(0, 1000) / 10.0;
        }
        Windows w = new Windows().rollup(t, v, len, Rollups.RES_5M);
        ByteOut out = new ByteOut(1 << 12);
        new AggregateChunk().encode(w, 0, w.size(), false, true, -1, out);
        byte[] good = out.toByteArray();
        int reported = 0;
        for (int trial = 0; trial < 2000; trial++) {
            byte[] b = good.clone();
            int len2 = trial % 3 == 0 ? r.nextInt(1, b.length) : b.length;
            b[r.nextInt(1, len2)] ^= (byte) (1 << r.nextInt(8));
            AggregateChunk.Decoded d = new AggregateChunk.Decoded();
            try {
                new AggregateChunk().decode(b[0] & 0xFF, new ByteIn(b, 1, len2 - 1), (back, ts) -> {
                    throw new MalformedException("no chunk " + back + " back");
                }, d);
            } catch (MalformedException e) {
                reported++;
            }
        }
        assertTrue(reported > 0);
        // A raw read of an aggregate chunk is refused, not misread as samples.
        assertThrows(MalformedException.class, () -> new ChunkCodec().decode(good[0] & 0xFF,
                new ByteIn(good, 1, good.length - 1), new long[8192], new double[8192], null));
    }
}
