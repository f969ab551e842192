package dev.vigil.tsdb.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads the encodings of {@link EncBuf} from a region of a {@link ByteBuffer} (possibly a
 * mapping) without copying it. Running past the region throws {@link CorruptException}.
 */
public final class DecBuf {
    private ByteBuffer b;
    private int pos;
    private int end;

    public DecBuf reset(ByteBuffer b, int from, int to) {
        this.b = b;
        this.pos = from;
        this.end = to;
        return this;
    }

    public int position() {
        return pos;
    }

    public boolean hasMore() {
        return pos < end;
    }

    private void need(int n) {
        if (n < 0 || n > end - pos) { // not pos + n > end: that overflows for n near 2^31
            throw new CorruptException("record ends early at " + pos);
        }
    }

    public int getByte() {
        need(1);
        return b.get(pos++) & 0xff;
    }

    public long getLong() {
        need(8);
        long v = b.getLong(pos);
        pos += 8;
        return v;
    }

    public long getUvarint() {
        long r = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int x = getByte();
            r |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return r;
            }
        }
        throw new CorruptException("varint too long at " + pos);
    }

    public long getVarint() {
        long z = getUvarint();
        return (z >>> 1) ^ -(z & 1);
    }

    /** Copies the next {@code n} bytes into {@code dst} from index 0. */
    public void getBytes(byte[] dst, int n) {
        need(n);
        b.get(pos, dst, 0, n);
        pos += n;
    }

    public String getString() {
        long n = getUvarint();
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new CorruptException("string too long at " + pos);
        }
        need((int) n);
        byte[] tmp = new byte[(int) n];
        b.get(pos, tmp, 0, (int) n);
        pos += (int) n;
        return new String(tmp, StandardCharsets.UTF_8);
    }

    /** Malformed bytes inside a record that passed or skipped its checksum. */
    public static final class CorruptException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public CorruptException(String message) {
            super(message);
        }
    }
}
