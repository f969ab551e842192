package dev.vigil.tsdb.chunkenc;

import dev.vigil.tsdb.SampleIterator;

/**
 * Decodes a VXOR chunk. {@link #reset} points it at new bytes so one instance serves many
 * chunks. The bytes must come from a {@link VxorAppender} (or a CRC-checked copy of one);
 * malformed input ends the iteration rather than reading out of bounds.
 */
public final class VxorIterator implements SampleIterator {
    private static final java.lang.invoke.VarHandle BIG_ENDIAN_LONG =
            java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class, java.nio.ByteOrder.BIG_ENDIAN);
    private byte[] buf;
    private int limitBits;
    private int pos;
    private int count;
    private int read;
    private long t;
    private long bits;
    private long delta;
    private long refBits;
    private int leading;
    private int trailing;
    private boolean failed;
    private boolean done;

    public VxorIterator() {
    }

    public VxorIterator(byte[] data, int len) {
        reset(data, len);
    }

    /** Starts over on {@code data[0, len)}. */
    public VxorIterator reset(byte[] data, int len) {
        this.buf = data;
        this.limitBits = len * 8;
        this.count = len >= 2 ? ((data[0] & 0xff) << 8) | (data[1] & 0xff) : 0;
        this.pos = 16;
        this.read = 0;
        this.leading = -1;
        this.trailing = 0;
        this.failed = false;
        this.done = false;
        return this;
    }

    /** Number of samples in the chunk. */
    public int count() {
        return count;
    }

    /** True if decoding stopped on malformed bytes. */
    public boolean failed() {
        return failed;
    }

    @Override
    public boolean next() {
        if (read >= count || failed) {
            done = true;
            return false;
        }
        try {
            if (read == 0) {
                long z = readUvarint();
                t = (z >>> 1) ^ -(z & 1);
                bits = readBits(64);
                refBits = bits;
            } else if (read == 1) {
                delta = readUvarint();
                t += delta;
                readValue();
            } else {
                if (readBit() == 0) {
                    bits = refBits;
                } else if (readBit() == 0) {
                    readValue();
                } else {
                    long dod;
                    if (readBit() == 0) {
                        dod = signed(readBits(6), 6);
                    } else if (readBit() == 0) {
                        dod = signed(readBits(14), 14);
                    } else if (readBit() == 0) {
                        dod = signed(readBits(26), 26);
                    } else {
                        dod = readBits(64);
                    }
                    delta += dod;
                    readValue();
                }
                t += delta;
            }
        } catch (IndexOutOfBoundsException e) {
            failed = true;
            done = true;
            return false;
        }
        read++;
        return true;
    }

    private void readValue() {
        if (readBit() == 0) {
            bits = refBits;
            return;
        }
        if (readBit() == 0) {
            if (leading < 0) {
                throw new IndexOutOfBoundsException("window reuse before a window");
            }
            long xor = readBits(64 - leading - trailing) << trailing;
            bits = refBits ^ xor;
            refBits = bits;
            return;
        }
        if (readBit() == 0) {
            bits = VxorAppender.STALE;
            return;
        }
        if (readBit() == 0) {
            long d = readBit() == 0 ? signed(readBits(8), 8) : signed(readBits(16), 16);
            bits = Double.doubleToRawLongBits((double) ((long) Double.longBitsToDouble(refBits) + d));
            refBits = bits;
            return;
        }
        int lead = (int) readBits(6);
        int sig = (int) readBits(6) + 1;
        long xor = readBits(sig) << (64 - lead - sig);
        leading = lead;
        trailing = 64 - lead - sig;
        if (trailing < 0) {
            throw new IndexOutOfBoundsException("bad window");
        }
        bits = refBits ^ xor;
        refBits = bits;
    }

    private static long signed(long v, int n) {
        return (v << (64 - n)) >> (64 - n);
    }

    private long readUvarint() {
        long r = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            long b = readBits(8);
            r |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return r;
            }
        }
        throw new IndexOutOfBoundsException("varint too long");
    }

    private int readBit() {
        if (pos >= limitBits) {
            throw new IndexOutOfBoundsException("end of chunk");
        }
        int b = (buf[pos >>> 3] >>> (7 - (pos & 7))) & 1;
        pos++;
        return b;
    }

    private long readBits(int n) {
        if (pos + n > limitBits) {
            throw new IndexOutOfBoundsException("end of chunk");
        }
        int at = pos >>> 3;
        if (n <= 56 && n > 0 && at + 8 <= buf.length) {
            // One big-endian 8-byte load holds the n bits wherever they start in the first byte.
            long w = (long) BIG_ENDIAN_LONG.get(buf, at);
            pos += n;
            return (w << ((pos - n) & 7)) >>> (64 - n);
        }
        long r = 0;
        while (n > 0) {
            int avail = 8 - (pos & 7);
            int take = Math.min(avail, n);
            int b = ((buf[pos >>> 3] & 0xff) >>> (avail - take)) & ((1 << take) - 1);
            r = (r << take) | b;
            pos += take;
            n -= take;
        }
        return r;
    }

    @Override
    public boolean seek(long target) {
        if (done) {
            return false;
        }
        if (read > 0 && t >= target) {
            return true;
        }
        while (next()) {
            if (t >= target) {
                return true;
            }
        }
        return false;
    }

    @Override
    public long t() {
        return t;
    }

    @Override
    public double v() {
        return Double.longBitsToDouble(bits);
    }

    /** The raw bits of the current value. */
    public long bits() {
        return bits;
    }
}
