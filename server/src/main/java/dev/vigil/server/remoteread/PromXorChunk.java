package dev.vigil.server.remoteread;

import java.util.Arrays;

/**
 * Builds one chunk in Prometheus's XOR encoding ({@code chunkenc.EncXOR}), the only float chunk
 * format a remote-read client understands; Vigil's own chunks use a different codec. Layout: a
 * big-endian 16-bit sample count, then a bit stream (most significant bit first): the first
 * timestamp as a zig-zag varint and its value's 64 bits; the second timestamp's delta as a
 * varint; after that delta-of-deltas in 1, 16, 20, 24 or 68 bits; and every value after the
 * first as Gorilla's XOR with the previous one, reusing the leading/trailing zero window when
 * it fits. Reusable: {@link #reset()} starts a new chunk.
 */
public final class PromXorChunk {
    /** Prometheus cuts head chunks at 120 samples; remote-read chunks follow the same size. */
    public static final int MAX_SAMPLES = 120;

    private byte[] buf = new byte[256];
    /** Bytes in use, the two count bytes included. */
    private int len;
    /** Unused bits at the end of the last byte in use. */
    private int free;
    private int count;
    private long minT;
    private long t;
    private long tDelta;
    private long vBits;
    private int leading;
    private int trailing;

    public PromXorChunk() {
        reset();
    }

    /** Empties the chunk. */
    public void reset() {
        Arrays.fill(buf, 0, Math.min(buf.length, len + 1), (byte) 0);
        len = 2;
        free = 0;
        count = 0;
        leading = 0xff;
        trailing = 0;
    }

    public int count() {
        return count;
    }

    public boolean isFull() {
        return count >= MAX_SAMPLES;
    }

    /** Timestamp of the first sample; undefined when empty. */
    public long minTime() {
        return minT;
    }

    /** Timestamp of the last sample; undefined when empty. */
    public long maxTime() {
        return t;
    }

    /** Appends a sample; timestamps must increase. Values are kept bit-exact (NaNs, stale markers). */
    public void append(long ts, double v) {
        long bits = Double.doubleToRawLongBits(v);
        if (count == 0) {
            minT = ts;
            writeVarint((ts << 1) ^ (ts >> 63));
            writeBits(bits, 64);
        } else if (count == 1) {
            tDelta = ts - t;
            writeVarint(tDelta);
            writeValue(bits);
        } else {
            long delta = ts - t;
            long dod = delta - tDelta;
            if (dod == 0) {
                writeBits(0, 1);
            } else if (fits(dod, 14)) {
                writeBits(0b10, 2);
                writeBits(dod, 14);
            } else if (fits(dod, 17)) {
                writeBits(0b110, 3);
                writeBits(dod, 17);
            } else if (fits(dod, 20)) {
                writeBits(0b1110, 4);
                writeBits(dod, 20);
            } else {
                writeBits(0b1111, 4);
                writeBits(dod, 64);
            }
            tDelta = delta;
            writeValue(bits);
        }
        t = ts;
        vBits = bits;
        count++;
    }

    /** The chunk's bytes: the count, then the bit stream, its last byte padded with zero bits. */
    public byte[] toBytes() {
        byte[] out = Arrays.copyOf(buf, len);
        out[0] = (byte) (count >>> 8);
        out[1] = (byte) count;
        return out;
    }

    /** Prometheus's asymmetric range for an n-bit delta-of-delta: -(2^(n-1) - 1) to 2^(n-1). */
    private static boolean fits(long x, int n) {
        return -((1L << (n - 1)) - 1) <= x && x <= 1L << (n - 1);
    }

    private void writeValue(long bits) {
        long delta = bits ^ vBits;
        if (delta == 0) {
            writeBits(0, 1);
            return;
        }
        writeBits(1, 1);
        int lead = Math.min(Long.numberOfLeadingZeros(delta), 31);
        int trail = Long.numberOfTrailingZeros(delta);
        if (leading != 0xff && lead >= leading && trail >= trailing) {
            writeBits(0, 1);
            writeBits(delta >>> trailing, 64 - leading - trailing);
            return;
        }
        leading = lead;
        trailing = trail;
        int sig = 64 - lead - trail;
        writeBits(1, 1);
        writeBits(lead, 5);
        // 64 significant bits do not fit in 6; they are written as 0 and read back as 64.
        writeBits(sig, 6);
        writeBits(delta >>> trail, sig);
    }

    private void writeVarint(long v) {
        while ((v & ~0x7FL) != 0) {
            writeBits((v & 0x7F) | 0x80, 8);
            v >>>= 7;
        }
        writeBits(v, 8);
    }

    /** Writes the low {@code n} bits of {@code v}, most significant first: whole bytes, then bits. */
    private void writeBits(long v, int n) {
        v <<= 64 - n;
        while (n >= 8) {
            writeByte((int) (v >>> 56));
            v <<= 8;
            n -= 8;
        }
        while (n > 0) {
            writeBit(v < 0);
            v <<= 1;
            n--;
        }
    }

    private void writeBit(boolean one) {
        if (free == 0) {
            grow();
        }
        if (one) {
            buf[len - 1] |= (byte) (1 << (free - 1));
        }
        free--;
    }

    /**
     * As Prometheus's bit stream does, a byte write leaves a fresh byte behind even when it ends
     * on a byte boundary, so a chunk may end with a zero byte: the lengths must agree.
     */
    private void writeByte(int b) {
        if (free == 0) {
            grow();
        }
        buf[len - 1] |= (byte) ((b & 0xff) >>> (8 - free));
        ensure(len + 1);
        len++;
        buf[len - 1] = (byte) ((b << free) & 0xff);
    }

    private void grow() {
        ensure(len + 1);
        len++;
        free = 8;
    }

    private void ensure(int bytes) {
        if (bytes > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(bytes, buf.length * 2));
        }
    }
}
