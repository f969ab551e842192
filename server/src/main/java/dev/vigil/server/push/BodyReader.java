package dev.vigil.server.push;

import dev.vigil.ingest.Ingest;
import dev.vigil.ingest.IngestException;
import dev.vigil.ingest.Lender;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.xnio.channels.StreamSourceChannel;

/**
 * Reads request bodies whole into pooled buffers, refused once over the configured limit. The
 * buffer grows as bytes arrive, never to a declared Content-Length up front: a client cannot make
 * the server allocate what it does not send.
 */
final class BodyReader {
    /** The largest array the JVM hands out. */
    private static final int MAX_ARRAY = Integer.MAX_VALUE - 16;

    /**
     * Most bytes one read asks for. The JDK reads a socket into a heap array through a native
     * buffer of the size asked for, and each thread keeps that buffer for its next read: asking
     * for the rest of a 1-2 MB body buffer left every request worker holding a native buffer that
     * large (up to tens of MiB of RSS over 16 workers). Under a flood a read returned about 530 KB
     * on average, so a 1 MB push takes about four reads instead of two.
     */
    private static final int READ_BYTES = 256 << 10;

    /**
     * One request's body (see {@link Lender}). A Flink push is about 1 MB: a fresh array per
     * request would be a large allocation for the collector every time; the parsers keep no
     * reference to it after they return.
     */
    static final class Buffer {
        /** Larger buffers are dropped after the request instead of being kept for the next. */
        static final int KEEP_BYTES = 16 << 20;
        private static final int INITIAL = 64 << 10;
        byte[] b = new byte[INITIAL];
        int len;

        /** Doubles the array, to at least {@code n + 1} bytes and at most one byte past {@code limit}. */
        void grow(int n, long limit) {
            long want = Math.max(2L * b.length, n + 1L);
            if (limit > 0) {
                want = Math.min(want, limit + 1);
            }
            b = Arrays.copyOf(b, (int) Math.min(want, MAX_ARRAY));
        }

        void trim() {
            if (b.length > KEEP_BYTES) {
                b = new byte[INITIAL];
            }
        }
    }

    /** Where the bytes come from: the request channel, or the (decoded) request stream. */
    interface Source {
        /** Up to {@code len} bytes into {@code b} at {@code off}; -1 at the end, 0 when none are there yet. */
        int read(byte[] b, int off, int len) throws IOException;

        /** Waits until a read can return bytes. */
        void await() throws IOException;
    }

    private final Lender<Buffer> buffers = new Lender<>(Buffer::new, Lender.KEEP);

    Buffer take() {
        return buffers.take();
    }

    void give(Buffer bb) {
        bb.trim();
        buffers.give(bb);
    }

    /**
     * Reads the whole body into {@code bb}: straight from the request channel (each read takes
     * what the socket holds, no copy through a pooled 16 KB buffer) unless the exchange is in
     * blocking mode or the body has a content encoding, then from the request stream decoded.
     *
     * @param limit bytes, 0 for none
     * @throws IngestException.TooLarge over {@code limit}
     * @throws IngestException.BadInput when the decoding finds the body damaged
     */
    void read(HttpServerExchange ex, long limit, Buffer bb) throws IOException, IngestException {
        String encoding = ex.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING);
        boolean identity = encoding == null || encoding.equals("identity");
        if (identity && limit > 0 && ex.getRequestContentLength() > limit) {
            throw tooLarge(limit);
        }
        bb.len = 0;
        Source source;
        if (identity && !ex.isBlocking()) {
            StreamSourceChannel ch = ex.getRequestChannel();
            if (ch == null) {
                return; // already read (cannot happen on these routes)
            }
            source = new Source() {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return ch.read(ByteBuffer.wrap(b, off, len));
                }

                @Override
                public void await() throws IOException {
                    ch.awaitReadable();
                }
            };
        } else {
            if (!ex.isBlocking()) {
                ex.startBlocking();
            }
            InputStream in = Ingest.decoded(ex.getInputStream(), encoding);
            source = new Source() {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public void await() {
                }
            };
        }
        try {
            read(source, limit, bb);
        } catch (IOException e) {
            IngestException bad = IngestException.ofRead(e);
            if (bad != null) {
                throw bad;
            }
            throw new ClientGone(e);
        }
    }

    /** The client stopped sending before its body was whole (it hung up or was cut off): its fault, not the server's. */
    static final class ClientGone extends IOException {
        ClientGone(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    static void read(Source in, long limit, Buffer bb) throws IOException, IngestException {
        int n = 0;
        boolean retried = false;
        while (true) {
            if (n == bb.b.length) {
                if (n >= MAX_ARRAY) {
                    throw new IngestException.TooLarge(MAX_ARRAY, "request body exceeds the limit of " + MAX_ARRAY + " bytes");
                }
                bb.grow(n, limit);
            }
            int r = in.read(bb.b, n, Math.min(bb.b.length - n, READ_BYTES));
            if (r < 0) {
                break;
            }
            if (r == 0) {
                // Over TLS a read returns 0 whenever Undertow's 17 KB network buffer ends inside a
                // record, about once per 16 KB record, though the socket holds the rest: the next
                // read fetches it. Waiting instead registers the socket with a selector first.
                if (retried) {
                    in.await();
                }
                retried = !retried;
                continue;
            }
            retried = false;
            n += r;
            if (limit > 0 && n > limit) {
                throw tooLarge(limit);
            }
        }
        bb.len = n;
    }

    private static IngestException.TooLarge tooLarge(long limit) {
        return new IngestException.TooLarge(limit, "request body exceeds the limit of " + limit + " bytes (--push.max-body-size)");
    }
}
