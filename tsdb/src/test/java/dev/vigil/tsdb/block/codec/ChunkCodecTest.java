package dev.vigil.tsdb.block.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.block.FlinkShapedData;
import dev.vigil.tsdb.io.ByteIn;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.MalformedException;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ChunkCodecTest {
    private final ChunkCodec codec = new ChunkCodec();

    private ByteOut encode(long[] t, double[] v) {
        ByteOut out = new ByteOut(64);
        codec.encode(t, v, t.length, -1, out);
        return out;
    }

    private void roundTrip(long[] t, double[] v) {
        ByteOut out = encode(t, v);
        long[] t2 = new long[ChunkCodec.MAX_SAMPLES];
        double[] v2 = new double[ChunkCodec.MAX_SAMPLES];
        int n = codec.decode(out.array()[0] & 0xFF, new ByteIn(out.array(), 1, out.length() - 1), t2, v2, null);
        assertEquals(t.length, n);
        assertTrue(Arrays.equals(t, 0, n, t2, 0, n), "timestamps differ");
        for (int i = 0; i < n; i++) {
            assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(v2[i]), "value " + i + " of " + v[i]);
        }
    }

    private static long[] steady(int n, long start, long step, int jitter, SplittableRandom r) {
        long[] t = new long[n];
        for (int i = 0; i < n; i++) {
            t[i] = start + i * step + (jitter == 0 ? 0 : r.nextInt(-jitter, jitter + 1));
        }
        return t;
    }

    @Test
    void specialValuesSurviveBitForBit() {
        SplittableRandom r = new SplittableRandom(1);
        long[] t = steady(100, 1_700_000_000_000L, 10_000, 3, r);
        double[] v = new double[100];
        for (int i = 0; i < 100; i++) {
            v[i] = i;
        }
        v[10] = Values.STALE_NAN;
        v[20] = Double.NaN;
        v[30] = Double.longBitsToDouble(0x7ff8dead0000beefL);
        v[40] = -0.0;
        v[50] = Double.POSITIVE_INFINITY;
        v[99] = Values.STALE_NAN;
        roundTrip(t, v);
        // Same specials in a chunk that must fall back to XOR.
        for (int i = 0; i < 100; i++) {
            if (i % 10 != 0) {
                v[i] = r.nextDouble();
            }
        }
        roundTrip(t, v);
        double[] allStale = new double[5];
        Arrays.fill(allStale, Values.STALE_NAN);
        roundTrip(Arrays.copyOf(t, 5), allStale);
    }

    @Test
    void everyModeRoundTrips() {
        SplittableRandom r = new SplittableRandom(2);
        for (int round = 0; round < 150; round++) {
            int n = 1 + r.nextInt(round < 20 ? 5 : 3000);
            long[] t;
            switch (r.nextInt(4)) {
                case 0 -> t = steady(n, r.nextLong(-1L << 40, 1L << 42), 1 + r.nextInt(60_000), 0, r);
                case 1 -> t = steady(n, 1_700_000_000_000L, 10_000, r.nextInt(50), r);
                case 2 -> {
                    t = new long[n];
                    long x = r.nextLong(0, 1L << 44);
                    for (int i = 0; i < n; i++) {
                        x += 1 + (r.nextInt(10) == 0 ? r.nextLong(1, 1L << 35) : r.nextInt(20_000));
                        t[i] = x;
                    }
                }
                default -> {
                    t = steady(n, 1_700_000_000_000L, 15_000, 5, r);
                    for (int i = 1; i < n; i++) {
                        if (t[i] <= t[i - 1]) {
                            t[i] = t[i - 1] + 1;
                        }
                        if (r.nextInt(50) == 0) {
                            for (int j = i; j < n; j++) {
                                t[j] += 60_000; // a missed push shifts the grid
                            }
                        }
                    }
                }
            }
            double[] v = new double[n];
            int kind = r.nextInt(7);
            long step = 1 + r.nextInt(4096);
            long walk = r.nextLong(-1L << 40, 1L << 40);
            double x = r.nextDouble() * 1000;
            for (int i = 0; i < n; i++) {
                v[i] = switch (kind) {
                    case 0 -> 42.0;
                    case 1 -> (double) r.nextLong(-1L << 52, 1L << 52);
                    case 2 -> Math.round(r.nextDouble() * 1e6) / 1000.0;
                    case 3 -> r.nextInt(100_000) / 60.0;
                    case 4 -> Double.longBitsToDouble(r.nextLong());
                    case 5 -> (walk += step * r.nextInt(-1000, 1000)) / 100.0;
                    default -> x += r.nextGaussian();
                };
            }
            roundTrip(t, v);
        }
    }

    @Test
    void extremeTimestampsRoundTrip() {
        double[] v = {1, 2, 3, 4, 5, 6};
        roundTrip(new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE}, v);
        roundTrip(new long[] {0, 10, 20, Long.MAX_VALUE / 2, Long.MAX_VALUE / 2 + 10, Long.MAX_VALUE / 2 + 20}, v);
        roundTrip(new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 10, Long.MIN_VALUE + 20, 0, 10, 20}, v);
    }

    @Test
    void damagedChunksFailCleanly() {
        SplittableRandom r = new SplittableRandom(3);
        List<FlinkShapedData.Series> data = FlinkShapedData.generate(4, 1, 1_700_000_000_000L, 500, 10_000, 4);
        long[] t2 = new long[ChunkCodec.MAX_SAMPLES];
        double[] v2 = new double[ChunkCodec.MAX_SAMPLES];
        for (FlinkShapedData.Series s : data) {
            ByteOut out = encode(s.t(), s.v());
            for (int k = 0; k < 5; k++) {
                byte[] b = out.toByteArray();
                int cut = r.nextInt(b.length);
                if (r.nextBoolean()) {
                    b[cut] ^= (byte) (1 << r.nextInt(8));
                } else {
                    b = Arrays.copyOf(b, cut);
                }
                if (b.length == 0) {
                    continue;
                }
                byte[] bb = b;
                try {
                    codec.decode(bb[0] & 0xFF, new ByteIn(bb, 1, bb.length - 1), t2, v2, null);
                } catch (MalformedException expected) {
                    // the only failure allowed
                }
            }
        }
        assertThrows(MalformedException.class, () -> codec.decode(9, new ByteIn(new byte[] {1}, 0, 1), t2, v2, null));
        // Random bytes behind every encoding/mode combination: decoding fails cleanly or yields samples.
        for (int k = 0; k < 5_000; k++) {
            byte[] b = new byte[1 + r.nextInt(64)];
            r.nextBytes(b);
            b[0] = (byte) (1 + r.nextInt(2));
            if (b.length > 2) {
                b[1] = (byte) r.nextInt(1, 20); // small sample count, so modes get exercised
                b[2] = (byte) r.nextInt(4);
            }
            try {
                codec.decode(b[0], new ByteIn(b, 1, b.length - 1), t2, v2, (back, ts) -> {
                    throw new MalformedException("no other chunks here");
                });
            } catch (MalformedException expected) {
                // fine
            }
        }
    }
}
