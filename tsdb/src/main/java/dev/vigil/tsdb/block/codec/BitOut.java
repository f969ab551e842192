package dev.vigil.tsdb.block.codec;

import dev.vigil.tsdb.io.ByteOut;

/** Writes bits MSB first into a {@link ByteOut}; {@link #flush()} pads the last byte with zeros. */
final class BitOut {
    private final ByteOut out;
    private long acc;
    private int nacc;

    BitOut(ByteOut out) {
        this.out = out;
    }

    void write(long bits, int n) {
        // n ≤ 64; split so the accumulator never holds more than 64 bits.
        if (n > 32) {
            write(bits >>> 32, n - 32);
            write(bits & 0xFFFFFFFFL, 32);
            return;
        }
        if (n == 0) {
            return;
        }
        acc = (acc << n) | (bits & ((1L << n) - 1));
        nacc += n;
        while (nacc >= 8) {
            nacc -= 8;
            out.putByte((int) (acc >>> nacc));
        }
    }

    void writeBit(boolean b) {
        write(b ? 1 : 0, 1);
    }

    void flush() {
        if (nacc > 0) {
            out.putByte((int) (acc << (8 - nacc)));
            nacc = 0;
        }
        acc = 0;
    }
}
