package dev.vigil.tsdb.io;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A bounds-checked reader of {@link ByteOut}'s encodings over a byte array region. Every read
 * past the end throws {@link MalformedException}: decoders never trust lengths read from disk.
 */
public final class ByteIn {
    private byte[] buf;
    private int pos;
    private int end;
    private byte[] scratch = new byte[0];

    public ByteIn() {
    }

    public ByteIn(byte[] buf, int off, int len) {
        reset(buf, off, len);
    }

    public ByteIn reset(byte[] b, int off, int len) {
        this.buf = b;
        this.pos = off;
        this.end = off + len;
        return this;
    }

    /**
     * Reads {@code [from, to)} of a buffer: a heap buffer in place, a mapping through a copy into
     * a scratch array this reader keeps (one memcpy instead of a bounds-checked call per byte).
     */
    public ByteIn reset(ByteBuffer b, int from, int to) {
        if (b.hasArray()) {
            return reset(b.array(), b.arrayOffset() + from, to - from);
        }
        int n = to - from;
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, scratch.length * 2)];
        }
        b.get(from, scratch, 0, n);
        return reset(scratch, 0, n);
    }

    public int position() {
        return pos;
    }

    public void position(int p) {
        if (p < 0 || p > end) {
            throw new MalformedException("position " + p + " outside the data");
        }
        pos = p;
    }

    public int remaining() {
        return end - pos;
    }

    public boolean hasMore() {
        return pos < end;
    }

    public byte[] array() {
        return buf;
    }

    public int getByte() {
        if (pos >= end) {
            throw new MalformedException("truncated data at " + pos);
        }
        return buf[pos++] & 0xFF;
    }

    public int getInt() {
        if (end - pos < 4) {
            throw new MalformedException("truncated data at " + pos);
        }
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8) | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long getLong() {
        long hi = getInt() & 0xFFFFFFFFL;
        return (hi << 32) | (getInt() & 0xFFFFFFFFL);
    }

    public long getUvarint() {
        long v = 0;
        for (int shift = 0; shift < 70; shift += 7) {
            if (pos >= end) {
                throw new MalformedException("truncated varint at " + pos);
            }
            int b = buf[pos++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new MalformedException("varint longer than 10 bytes at " + pos);
    }

    public long getVarint() {
        return ByteOut.unzigzag(getUvarint());
    }

    /** A uvarint that must fit a non-negative int no larger than {@code max}. */
    public int getUvarintInt(int max, String what) {
        long v = getUvarint();
        if (v < 0 || v > max) {
            throw new MalformedException(what + " " + v + " out of range [0, " + max + "]");
        }
        return (int) v;
    }

    /** Copies the next {@code n} bytes into {@code dst} from index 0. */
    public void getBytes(byte[] dst, int n) {
        need(n);
        System.arraycopy(buf, pos, dst, 0, n);
        pos += n;
    }

    /** A uvarint length, then that many UTF-8 bytes. */
    public String getString() {
        long n = getUvarint();
        if (n < 0 || n > Integer.MAX_VALUE) {
            throw new MalformedException("string too long at " + pos);
        }
        need((int) n);
        String s = new String(buf, pos, (int) n, StandardCharsets.UTF_8);
        pos += (int) n;
        return s;
    }

    public void skip(int n) {
        need(n);
        pos += n;
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) { // not pos + n > end: that overflows for n near 2^31
            throw new MalformedException("truncated data at " + pos);
        }
    }
}
