package dev.vigil.tsdb.chunkenc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzz targets for the VXOR chunk: any bytes iterate to an end (at most the sample count the
 * header claims, then {@code next()} stays false) without throwing, and whatever samples the
 * appender takes come back bit for bit. Plain {@code mvn verify} replays the seeds in
 * {@code VxorFuzzTestInputs/}; {@code JAZZER_FUZZ=1 mvn test -Dtest=VxorFuzzTest#decode}
 * fuzzes one target.
 */
class VxorFuzzTest {
    private static final VxorIterator WARM = new VxorIterator();

    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        // The chunk may sit in a larger array (head chunk files hand out their buffer).
        byte[] buf = new byte[data.length + 5];
        System.arraycopy(data, 0, buf, 0, data.length);
        VxorIterator it = new VxorIterator(buf, data.length);
        int claimed = it.count();
        int n = 0;
        long[] ts = new long[Math.min(claimed, 65_536)];
        long[] bits = new long[ts.length];
        while (it.next()) {
            ts[n] = it.t();
            bits[n] = it.bits();
            n++;
            assertTrue(n <= claimed, "more samples than the header claims");
        }
        assertFalse(it.next(), "an ended iterator stays ended");
        assertTrue(n == claimed || it.failed(), "fewer samples than claimed only on malformed bytes");

        // A reused iterator decodes the same; seek lands on the first sample at or after t.
        WARM.reset(buf, data.length);
        for (int i = 0; i < n; i++) {
            assertTrue(WARM.next());
            assertEquals(ts[i], WARM.t());
            assertEquals(bits[i], WARM.bits());
        }
        if (n > 0) {
            long target = ts[n / 2];
            VxorIterator s = new VxorIterator(buf, data.length);
            assertTrue(s.seek(target));
            int at = 0;
            while (ts[at] < target) {
                at++;
            }
            assertEquals(ts[at], s.t(), "seek stops at the first sample at or after the target");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void roundTrip(FuzzedDataProvider in) {
        VxorAppender a = new VxorAppender(16);
        int n = in.consumeInt(0, 300);
        long[] ts = new long[n];
        long[] bits = new long[n];
        long t = in.consumeLong();
        int got = 0;
        for (int i = 0; i < n && in.remainingBytes() > 0; i++) {
            if (i > 0) {
                long step = switch (in.consumeInt(0, 3)) {
                    case 0 -> 10_000 + in.consumeInt(-50, 50);
                    case 1 -> in.consumeLong(1, 1L << 40);
                    case 2 -> in.consumeLong(1, Long.MAX_VALUE);
                    default -> 10_000;
                };
                if (t > Long.MAX_VALUE - step) {
                    break;
                }
                t += step;
            }
            long v = switch (in.consumeInt(0, 4)) {
                case 0 -> bits[Math.max(0, got - 1)];
                case 1 -> Double.doubleToRawLongBits(in.consumeInt(-1_000_000, 1_000_000));
                case 2 -> VxorAppender.STALE;
                case 3 -> Double.doubleToRawLongBits(Math.round(in.consumeDouble() * 100) / 100.0);
                default -> in.consumeLong();
            };
            if (a.byteLength() > Encoding.MAX_BYTES) {
                break;
            }
            a.append(t, Double.longBitsToDouble(v));
            ts[got] = t;
            bits[got] = v;
            got++;
        }
        assertEquals(got, a.count());
        byte[] bytes = a.toBytes();
        VxorIterator it = new VxorIterator(bytes, bytes.length);
        for (int i = 0; i < got; i++) {
            assertTrue(it.next(), "sample " + i + " of " + got);
            assertEquals(ts[i], it.t(), "timestamp " + i);
            assertEquals(bits[i], it.bits(), "value bits " + i);
        }
        assertFalse(it.next());
        assertFalse(it.failed());
    }
}
