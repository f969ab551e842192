package dev.vigil.tsdb.chunkenc;

import java.util.Arrays;

/**
 * Encodes samples into a VXOR chunk (docs/format/head-chunks.md). Timestamps must strictly
 * increase; the caller decides when to cut a new chunk. Not thread-safe: readers take a
 * {@link #snapshot copy}. The buffer grows on demand, so a fresh series costs a few dozen bytes.
 */
public final class VxorAppender {
    static final long STALE = 0x7ff0000000000002L;
    private static final double TWO_53 = 9007199254740992.0;

    private byte[] buf;
    private int bitPos = 16; // after the u16 sample count
    private int count;
    private long minT;
    private long prevT;
    private long prevDelta;
    private long refBits;
    private int leading = -1;
    private int trailing;

    public VxorAppender() {
        this(32);
    }

    public VxorAppender(int initialBytes) {
        buf = new byte[Math.max(initialBytes, 4)];
    }

    public int count() {
        return count;
    }

    /** Bytes the chunk occupies now (header, data, padding). */
    public int byteLength() {
        return (bitPos + 7) >>> 3;
    }

    public long minT() {
        return minT;
    }

    public long maxT() {
        return prevT;
    }

    /** Heap bytes held by the buffer, for accounting. */
    public int capacity() {
        return buf.length;
    }

    /** Appends a sample; {@code t} must be greater than {@link #maxT()} unless the chunk is empty. */
    public void append(long t, double v) {
        long bits = Double.doubleToRawLongBits(v);
        ensure(byteLength() + 20);
        if (count == 0) {
            writeUvarint((t << 1) ^ (t >> 63));
            writeBits(bits, 64);
            minT = t;
            refBits = bits;
        } else if (count == 1) {
            long delta = t - prevT;
            if (delta <= 0) {
                throw new IllegalArgumentException("timestamps must increase: " + t + " after " + prevT);
            }
            writeUvarint(delta);
            writeValue(bits);
            prevDelta = delta;
        } else {
            long delta = t - prevT;
            if (delta <= 0) {
                throw new IllegalArgumentException("timestamps must increase: " + t + " after " + prevT);
            }
            long dod = delta - prevDelta;
            if (dod == 0) {
                if (bits == refBits) {
                    writeBits(0, 1);
                } else {
                    writeBits(0b10, 2);
                    writeValue(bits);
                }
            } else {
                if (dod >= -32 && dod <= 31) {
                    writeBits(0b110, 3);
                    writeBits(dod, 6);
                } else if (dod >= -8192 && dod <= 8191) {
                    writeBits(0b1110, 4);
                    writeBits(dod, 14);
                } else if (dod >= -(1L << 25) && dod < (1L << 25)) {
                    writeBits(0b11110, 5);
                    writeBits(dod, 26);
                } else {
                    writeBits(0b11111, 5);
                    writeBits(dod, 64);
                }
                writeValue(bits);
            }
            prevDelta = delta;
        }
        prevT = t;
        count++;
        buf[0] = (byte) (count >>> 8);
        buf[1] = (byte) count;
    }

    private void writeValue(long bits) {
        if (bits == refBits) {
            writeBits(0, 1);
            return;
        }
        if (bits == STALE) {
            writeBits(0b110, 3);
            return; // the reference stays: a series back from staleness does not pay for the NaN
        }
        double v = Double.longBitsToDouble(bits);
        double r = Double.longBitsToDouble(refBits);
        if (isSmallInteger(v) && isSmallInteger(r)) {
            long d = (long) v - (long) r;
            if (d >= -32768 && d < 32768 && Double.doubleToRawLongBits((double) ((long) r + d)) == bits) {
                if (d >= -128 && d < 128) {
                    writeBits(0b11100, 5);
                    writeBits(d, 8);
                } else {
                    writeBits(0b11101, 5);
                    writeBits(d, 16);
                }
                refBits = bits;
                return;
            }
        }
        long xor = bits ^ refBits;
        int lead = Long.numberOfLeadingZeros(xor);
        int trail = Long.numberOfTrailingZeros(xor);
        if (leading >= 0 && lead >= leading && trail >= trailing) {
            writeBits(0b10, 2);
            writeBits(xor >>> trailing, 64 - leading - trailing);
        } else {
            int sig = 64 - lead - trail;
            writeBits(0b1111, 4);
            writeBits(lead, 6);
            writeBits(sig - 1, 6);
            writeBits(xor >>> trail, sig);
            leading = lead;
            trailing = trail;
        }
        refBits = bits;
    }

    static boolean isSmallInteger(double x) {
        return x == Math.rint(x) && Math.abs(x) < TWO_53;
    }

    private void writeUvarint(long v) {
        while ((v & ~0x7fL) != 0) {
            writeBits((v & 0x7f) | 0x80, 8);
            v >>>= 7;
        }
        writeBits(v, 8);
    }

    /** Writes the low {@code n} bits of {@code v}, most significant first. */
    private void writeBits(long v, int n) {
        if (n > 56) {
            writeBits(v >>> 32, n - 32);
            writeBits(v, 32);
            return;
        }
        int idx = bitPos >>> 3;
        int off = bitPos & 7;
        ensure(idx + 9);
        // Place the n bits right after the off bits already used in buf[idx], then OR the
        // touched bytes in (the buffer beyond bitPos is zero).
        long w = (v & ((1L << n) - 1)) << (64 - off - n);
        int bytes = (off + n + 7) >>> 3;
        for (int k = 0; k < bytes; k++) {
            buf[idx + k] |= (byte) (w >>> (56 - 8 * k));
        }
        bitPos += n;
    }

    private void ensure(int bytes) {
        if (bytes > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(bytes, buf.length + (buf.length >>> 1) + 8));
        }
    }

    /** The raw buffer (valid up to {@link #byteLength()}); do not modify. */
    public byte[] buffer() {
        return buf;
    }

    /** A copy of the chunk bytes, exactly {@link #byteLength()} long. */
    public byte[] toBytes() {
        return Arrays.copyOf(buf, byteLength());
    }

    /** The encoder's position and reference values, so an open chunk can be saved and resumed. */
    public record State(int bitPos, int count, long minT, long prevT, long prevDelta, long refBits, int leading,
            int trailing) {
    }

    public State state() {
        return new State(bitPos, count, minT, prevT, prevDelta, refBits, leading, trailing);
    }

    /**
     * Resumes an open chunk from its bytes and {@link #state()}; appends continue exactly as if
     * the encoder had never stopped. {@code bytes} must hold the chunk's {@link #byteLength()} bytes.
     */
    public static VxorAppender resume(byte[] bytes, State st) {
        int len = (st.bitPos() + 7) >>> 3;
        if (st.bitPos() < 16 || bytes.length < len || st.count() < 0 || st.leading() < -1 || st.leading() > 64
                || st.trailing() < 0 || st.trailing() > 64) {
            throw new IllegalArgumentException("inconsistent chunk state " + st);
        }
        VxorAppender a = new VxorAppender(Math.max(len + 24, 32));
        System.arraycopy(bytes, 0, a.buf, 0, len);
        a.bitPos = st.bitPos();
        a.count = st.count();
        a.minT = st.minT();
        a.prevT = st.prevT();
        a.prevDelta = st.prevDelta();
        a.refBits = st.refBits();
        a.leading = st.leading();
        a.trailing = st.trailing();
        return a;
    }

    /** Copies the chunk into {@code dst} (grown if too small) and returns it. */
    public byte[] snapshot(byte[] dst) {
        int n = byteLength();
        if (dst == null || dst.length < n) {
            dst = new byte[Math.max(n, 64)];
        }
        System.arraycopy(buf, 0, dst, 0, n);
        return dst;
    }
}
