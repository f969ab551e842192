package dev.vigil.tsdb.block.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.tsdb.io.ByteIn;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.MalformedException;

/**
 * Fuzz targets for the block chunk codec: any bytes decode or throw {@link MalformedException},
 * and whatever samples are encoded decode bit for bit. Plain {@code mvn verify} replays the
 * seeds in {@code ChunkCodecFuzzTestInputs/}; {@code JAZZER_FUZZ=1 mvn test
 * -Dtest=ChunkCodecFuzzTest#decode} fuzzes one target.
 */
class ChunkCodecFuzzTest {
    private static final ChunkCodec WARM = new ChunkCodec();
    private static final long[] T = new long[ChunkCodec.MAX_SAMPLES];
    private static final double[] V = new double[ChunkCodec.MAX_SAMPLES];

    /** First byte: the encoding byte; the rest: the chunk's data. */
    @FuzzTest(maxDuration = "30s")
    void decode(byte[] data) {
        if (data.length == 0) {
            return;
        }
        int encoding = data[0] & 0xff;
        String a = decode(new ChunkCodec(), encoding, data);
        String b = decode(WARM, encoding, data);
        assertEquals(a, b, "a reused codec decides like a new one");
        try {
            WARM.decodeTimestamps(encoding, new ByteIn(data, 1, data.length - 1), new long[ChunkCodec.MAX_SAMPLES]);
        } catch (MalformedException expected) {
            // damage
        }
    }

    private static String decode(ChunkCodec c, int encoding, byte[] data) {
        try {
            // A SAME_AS column resolves to a few evenly spaced timestamps, as a neighbour chunk would.
            int n = c.decode(encoding, new ByteIn(data, 1, data.length - 1), T, V, (back, t) -> {
                int m = (int) Math.min(Math.max(back, 1), 64);
                for (int i = 0; i < m; i++) {
                    t[i] = i * 10_000L;
                }
                return m;
            });
            long h = n;
            for (int i = 0; i < n; i++) {
                h = h * 31 + T[i];
                h = h * 31 + Double.doubleToRawLongBits(V[i]);
            }
            return "ok " + n + " " + h;
        } catch (MalformedException e) {
            return e.getMessage();
        }
    }

    @FuzzTest(maxDuration = "30s")
    void roundTrip(FuzzedDataProvider in) {
        int n = in.consumeInt(1, 600);
        long[] t = new long[n];
        double[] v = new double[n];
        long ts = in.consumeLong(-(1L << 50), 1L << 50);
        int counter = in.consumeInt(0, 1 << 20);
        int got = 0;
        for (int i = 0; i < n && in.remainingBytes() > 0; i++, got++) {
            ts += switch (in.consumeInt(0, 3)) {
                case 0 -> 10_000 + in.consumeInt(-40, 40);
                case 1 -> in.consumeLong(-(1L << 40), 1L << 40);
                case 2 -> 0;
                default -> 10_000;
            };
            t[i] = ts;
            v[i] = switch (in.consumeInt(0, 6)) {
                case 0 -> i == 0 ? 0 : v[i - 1];
                case 1 -> counter += in.consumeInt(0, 1000);
                case 2 -> Double.longBitsToDouble(0x7ff0000000000002L);
                case 3 -> in.consumeInt(0, 1_000_000) / 100.0;
                case 4 -> in.consumeInt(-1000, 1000) / 60.0;
                case 5 -> in.consumeDouble();
                default -> Double.longBitsToDouble(in.consumeLong());
            };
        }
        if (got == 0) {
            return;
        }
        ByteOut out = new ByteOut(64);
        ChunkCodec c = new ChunkCodec();
        c.deflateEnabled(in.consumeBoolean());
        c.encode(t, v, got, -1, out);
        byte[] bytes = out.array();
        long[] t2 = new long[ChunkCodec.MAX_SAMPLES];
        double[] v2 = new double[ChunkCodec.MAX_SAMPLES];
        int m = WARM.decode(bytes[0] & 0xff, new ByteIn(bytes, 1, out.length() - 1), t2, v2, null);
        assertEquals(got, m);
        for (int i = 0; i < got; i++) {
            assertEquals(t[i], t2[i], "timestamp " + i);
            assertEquals(Double.doubleToRawLongBits(v[i]), Double.doubleToRawLongBits(v2[i]), "value bits " + i);
        }
    }
}
