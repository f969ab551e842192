package dev.vigil.tsdb.block.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.io.ByteIn;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.MalformedException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkCodecDamageTest {
    @Test
    void aClaimedUncompressedLengthAboveTheBoundIsRefusedBeforeAllocating() {
        // 16 MiB used to be accepted: the codec grew (and kept) a 16 MiB buffer for a few bytes.
        ByteOut o = new ByteOut(16);
        o.putUvarint(ChunkCodec.MAX_RAW_BYTES + 1);
        o.putByte(0);
        MalformedException e = assertThrows(MalformedException.class, () -> new ChunkCodec().decode(
                ChunkCodec.ENC_COLUMNAR_DEFLATE, new ByteIn(o.array(), 0, o.length()), new long[8192], new double[8192], null));
        assertTrue(e.getMessage().startsWith("uncompressed length"), e.getMessage());
    }

    @Test
    void theLargestChunkTheEncoderWritesFitsTheBound() {
        // Worst case for size: random timestamps and random value bits, the most samples allowed.
        int n = ChunkCodec.MAX_SAMPLES;
        long[] t = new long[n];
        double[] v = new double[n];
        Random r = new Random(1);
        for (int i = 0; i < n; i++) {
            t[i] = r.nextLong();
            v[i] = Double.longBitsToDouble(r.nextLong());
        }
        ChunkCodec c = new ChunkCodec();
        c.deflateEnabled(false);
        ByteOut o = new ByteOut(1 << 16);
        c.encode(t, v, n, -1, o);
        assertTrue(o.length() - 1 < ChunkCodec.MAX_RAW_BYTES, o.length() + " bytes");
        long[] t2 = new long[n];
        double[] v2 = new double[n];
        assertEquals(n, c.decode(o.array()[0], new ByteIn(o.array(), 1, o.length() - 1), t2, v2, null));
    }
}
