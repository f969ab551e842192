package dev.vigil.server.remoteread;

import java.util.ArrayList;
import java.util.List;

/** Decodes a Prometheus XOR chunk, independently of the encoder, so tests can check what it wrote. */
final class PromXorReader {
    /** The samples of a chunk. */
    record Samples(List<Long> t, List<Double> v) {
    }

    private final byte[] b;
    private long pos;

    private PromXorReader(byte[] b) {
        this.b = b;
        this.pos = 16;
    }

    static Samples decode(byte[] chunk) {
        int n = ((chunk[0] & 0xff) << 8) | (chunk[1] & 0xff);
        PromXorReader r = new PromXorReader(chunk);
        List<Long> ts = new ArrayList<>();
        List<Double> vs = new ArrayList<>();
        long t = 0;
        long delta = 0;
        long v = 0;
        int leading = 0;
        int trailing = 0;
        for (int i = 0; i < n; i++) {
            if (i == 0) {
                long zz = r.varint();
                t = (zz >>> 1) ^ -(zz & 1);
                v = r.bits(64);
            } else {
                if (i == 1) {
                    delta = r.varint();
                } else {
                    int d = 0;
                    for (int k = 0; k < 4; k++) {
                        d <<= 1;
                        if (r.bits(1) == 0) {
                            break;
                        }
                        d |= 1;
                    }
                    int size = switch (d) {
                        case 0b10 -> 14;
                        case 0b110 -> 17;
                        case 0b1110 -> 20;
                        case 0b1111 -> 64;
                        default -> 0;
                    };
                    long dod = 0;
                    if (size == 64) {
                        dod = r.bits(64);
                    } else if (size > 0) {
                        dod = r.bits(size);
                        if (dod > (1L << (size - 1))) {
                            dod -= 1L << size;
                        }
                    }
                    delta += dod;
                }
                t += delta;
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
                    v ^= r.bits(sig) << trailing;
                }
            }
            ts.add(t);
            vs.add(Double.longBitsToDouble(v));
        }
        return new Samples(ts, vs);
    }

    private long varint() {
        long out = 0;
        for (int shift = 0; ; shift += 7) {
            long x = bits(8);
            out |= (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return out;
            }
        }
    }

    private long bits(int n) {
        long out = 0;
        for (int i = 0; i < n; i++) {
            int bit = (b[(int) (pos >>> 3)] >>> (7 - (pos & 7))) & 1;
            out = (out << 1) | bit;
            pos++;
        }
        return out;
    }
}
