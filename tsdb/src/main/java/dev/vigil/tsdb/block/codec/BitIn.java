package dev.vigil.tsdb.block.codec;

import dev.vigil.tsdb.io.ByteIn;

/** Reads bits MSB first from a {@link ByteIn}, bounds-checked. */
final class BitIn {
    private final ByteIn in;
    private long acc;
    private int nacc;

    BitIn(ByteIn in) {
        this.in = in;
    }

    long read(int n) {
        if (n > 32) {
            long hi = read(n - 32);
            return (hi << 32) | read(32);
        }
        while (nacc < n) {
            acc = (acc << 8) | in.getByte();
            nacc += 8;
        }
        nacc -= n;
        return n == 0 ? 0 : (acc >>> nacc) & ((1L << n) - 1);
    }

    boolean readBit() {
        return read(1) != 0;
    }

    /** Drops the padding bits of the current byte. */
    void align() {
        nacc = 0;
        acc = 0;
    }
}
