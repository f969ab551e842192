package dev.vigil.tsdb.prometheus;

import java.util.ArrayList;
import java.util.List;

/**
 * Decodes a Prometheus XOR chunk ({@code chunkenc.EncXOR}, chunks.md "XOR chunk data"): a big-endian 16-bit sample
 * count, then a bit stream, most significant bit first: the first timestamp as a zig-zag varint and its value's 64
 * bits; the second timestamp's delta as an unsigned varint; then per sample a delta-of-delta behind a prefix
 * ({@code 0}: zero, {@code 10}: 14 bits, {@code 110}: 17, {@code 1110}: 20, {@code 1111}: 64) and the value as
 * Gorilla's XOR with the previous one ({@code 0}: same value, {@code 10}: inside the previous leading/trailing zero
 * window, {@code 11}: 5 bits of leading zeros, 6 bits of significant length (0 meaning 64), then those bits).
 */
public final class XorChunkDecoder {
    /** The samples of a chunk. */
    public record Samples(List<Long> t, List<Double> v) {
    }

    private final byte[] b;
    private final int end;
    /** Bit position in {@code b}. */
    private long pos;

    private XorChunkDecoder(byte[] b, int off, int len) {
        this.b = b;
        this.end = off + len;
        this.pos = (long) (off + 2) * 8;
    }

    /** The sample count a chunk declares. */
    public static int count(byte[] chunk, int off) {
        return ((chunk[off] & 0xff) << 8) | (chunk[off + 1] & 0xff);
    }

    /** Decodes a whole chunk (as stored, without the encoding byte), for tests and tools. */
    public static Samples decode(byte[] chunk) {
        int n = count(chunk, 0);
        long[] t = new long[n];
        double[] v = new double[n];
        decode(chunk, 0, chunk.length, t, v, 0);
        List<Long> ts = new ArrayList<>(n);
        List<Double> vs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ts.add(t[i]);
            vs.add(v[i]);
        }
        return new Samples(ts, vs);
    }

    /**
     * Decodes the chunk in {@code chunk[off, off+len)} into {@code t} and {@code v} from index {@code at}, which must
     * have room for {@link #count} samples.
     *
     * @return the number of samples
     * @throws IllegalArgumentException when the bit stream ends before the declared count
     */
    public static int decode(byte[] chunk, int off, int len, long[] t, double[] v, int at) {
        if (len < 2) {
            throw new IllegalArgumentException("XOR chunk of " + len + " bytes has no sample count");
        }
        int n = count(chunk, off);
        XorChunkDecoder r = new XorChunkDecoder(chunk, off, len);
        long ts = 0;
        long delta = 0;
        long bits = 0;
        int leading = 0;
        int trailing = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0) {
                long zz = r.uvarint();
                ts = (zz >>> 1) ^ -(zz & 1);
                bits = r.bits(64);
            } else {
                if (i == 1) {
                    delta = r.uvarint();
                } else {
                    delta += r.dod();
                }
                ts += delta;
                if (r.bits(1) == 1) {
                    int sig;
                    if (r.bits(1) == 1) {
                        leading = (int) r.bits(5);
                        sig = (int) r.bits(6);
                        if (sig == 0) {
                            sig = 64;
                        }
                        trailing = 64 - leading - sig;
                    } else {
                        sig = 64 - leading - trailing;
                    }
                    bits ^= r.bits(sig) << trailing;
                }
            }
            t[at + i] = ts;
            v[at + i] = Double.longBitsToDouble(bits);
        }
        return n;
    }

    private long dod() {
        int size;
        if (bits(1) == 0) {
            return 0;
        } else if (bits(1) == 0) {
            size = 14;
        } else if (bits(1) == 0) {
            size = 17;
        } else if (bits(1) == 0) {
            size = 20;
        } else {
            return bits(64);
        }
        long d = bits(size);
        // Two's complement in `size` bits; the encoder writes -2^(size-1)+1 .. 2^(size-1).
        if (d > (1L << (size - 1))) {
            d -= 1L << size;
        }
        return d;
    }

    private long uvarint() {
        long out = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            long x = bits(8);
            out |= (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return out;
            }
        }
        throw new IllegalArgumentException("XOR chunk: varint longer than 10 bytes");
    }

    private long bits(int n) {
        if (pos + n > (long) end * 8) {
            throw new IllegalArgumentException("XOR chunk ends before its declared sample count");
        }
        long out = 0;
        int left = n;
        while (left > 0) {
            int idx = (int) (pos >>> 3);
            int used = (int) (pos & 7);
            int avail = 8 - used;
            int take = Math.min(avail, left);
            int cur = (b[idx] & 0xff) >>> (avail - take) & ((1 << take) - 1);
            out = (out << take) | cur;
            left -= take;
            pos += take;
        }
        return out;
    }
}
