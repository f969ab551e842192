package dev.vigil.server.remoteread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.prometheus.XorChunkDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Prometheus XOR chunks decode back to the exact samples, whatever the timestamps and values. */
class PromXorChunkTest {
    private static void roundTrip(long[] t, double[] v) {
        PromXorChunk c = new PromXorChunk();
        for (int i = 0; i < t.length; i++) {
            c.append(t[i], v[i]);
        }
        byte[] bytes = c.toBytes();
        assertEquals(t.length, ((bytes[0] & 0xff) << 8) | (bytes[1] & 0xff), "sample count header");
        XorChunkDecoder.Samples s = XorChunkDecoder.decode(bytes);
        assertEquals(t.length, s.t().size());
        for (int i = 0; i < t.length; i++) {
            assertEquals(t[i], s.t().get(i), "timestamp " + i);
            assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(s.v().get(i)),
                    "value " + i + ": " + v[i] + " came back as " + s.v().get(i));
        }
        assertEquals(t[0], c.minTime());
        assertEquals(t[t.length - 1], c.maxTime());
    }

    @Test
    void specialValuesKeepTheirBits() {
        double[] v = {1, Double.NaN, Values.STALE_NAN, 1, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.MIN_VALUE, Double.MAX_VALUE, Values.STALE_NAN, Values.STALE_NAN, 42.5, 42.5};
        long[] t = new long[v.length];
        for (int i = 0; i < t.length; i++) {
            t[i] = 1_700_000_000_000L + 15_000L * i;
        }
        roundTrip(t, v);
    }

    @Test
    void everyDeltaOfDeltaWidth() {
        // dod 0, the edges of the 14/17/20-bit ranges on both sides, and beyond (64 bits).
        long[] dods = {0, 8192, -8191, 8193, -8192, 65536, -65535, 65537, 524288, -524287, 524289, -524288,
                1L << 40, -(1L << 40), 3, -3};
        long[] t = new long[dods.length + 2];
        t[0] = -5_000; // before 1970: the first timestamp is a signed varint
        t[1] = t[0] + 10_000_000_000L;
        long delta = t[1] - t[0];
        for (int i = 0; i < dods.length; i++) {
            delta += dods[i];
            assertTrue(delta > 0);
            t[i + 2] = t[i + 1] + delta;
        }
        double[] v = new double[t.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 3 == 0 ? i * 1e300 : -i / 7.0;
        }
        roundTrip(t, v);
    }

    @Test
    void randomSeriesOfAFullChunk() {
        Random r = new Random(7);
        for (int round = 0; round < 200; round++) {
            int n = 1 + r.nextInt(PromXorChunk.MAX_SAMPLES);
            long[] t = new long[n];
            double[] v = new double[n];
            long ts = r.nextLong() >> 20;
            double counter = 0;
            for (int i = 0; i < n; i++) {
                ts += 1 + (r.nextInt(4) == 0 ? r.nextInt(1 << 30) : r.nextInt(30_000));
                t[i] = ts;
                switch (r.nextInt(5)) {
                    case 0 -> v[i] = Double.longBitsToDouble(r.nextLong());
                    case 1 -> v[i] = counter += r.nextInt(100);
                    case 2 -> v[i] = r.nextGaussian();
                    case 3 -> v[i] = i > 0 ? v[i - 1] : 0;
                    default -> v[i] = r.nextBoolean() ? Values.STALE_NAN : r.nextInt(3);
                }
            }
            roundTrip(t, v);
        }
    }

    @Test
    void resetStartsAFreshChunk() {
        PromXorChunk c = new PromXorChunk();
        for (int i = 0; i < PromXorChunk.MAX_SAMPLES; i++) {
            c.append(i * 1000L, Double.longBitsToDouble(0x5555_5555_5555_5555L ^ i));
        }
        assertTrue(c.isFull());
        c.reset();
        c.append(5, 2);
        c.append(6, 2);
        XorChunkDecoder.Samples s = XorChunkDecoder.decode(c.toBytes());
        assertEquals(List.of(5L, 6L), s.t());
        assertEquals(new ArrayList<>(List.of(2.0, 2.0)), s.v());
    }
}
