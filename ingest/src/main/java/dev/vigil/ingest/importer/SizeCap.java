package dev.vigil.ingest.importer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * A stream that fails once more than a set number of bytes came through it. Placed both before
 * and after gzip decoding, so a small compressed body cannot expand past the limit (a bomb).
 */
final class SizeCap extends FilterInputStream {
    /** The cap was passed; an {@link IOException} so it leaves the parser's read loop as any read error does. */
    static final class Exceeded extends IOException {
        private static final long serialVersionUID = 1L;
        final long limit;

        Exceeded(long limit, String what) {
            super(what + " exceeds the limit of " + limit + " bytes (--import.max-body-size)");
            this.limit = limit;
        }
    }

    private final long limit;
    private final String what;
    private long count;

    private SizeCap(InputStream in, long limit, String what) {
        super(in);
        this.limit = limit;
        this.what = what;
    }

    /** {@code in} capped at {@code limit} bytes; {@code in} itself when {@code limit} is 0 (no limit). */
    static InputStream of(InputStream in, long limit, String what) {
        return limit > 0 ? new SizeCap(in, limit, what) : in;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            counted(1);
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        // Asks for at most one byte past the limit: enough to tell, and a bomb is never expanded further.
        int n = in.read(b, off, (int) Math.min(len, limit - count + 1));
        if (n > 0) {
            counted(n);
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long s = in.skip(Math.min(n, limit - count + 1));
        counted(s);
        return s;
    }

    private void counted(long n) throws Exceeded {
        count += n;
        if (count > limit) {
            throw new Exceeded(limit, what);
        }
    }
}
