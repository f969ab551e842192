package dev.vigil.server.api;

import io.undertow.io.IoCallback;
import io.undertow.io.Sender;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * An API answer's body, held in memory while it fits in {@code limit} bytes and then written
 * whole, the exchange ended on the connection's I/O thread: ending it on a pool thread makes
 * Undertow's I/O thread spin on the connection's state while the pool thread re-arms reads (18 %
 * of a small query's CPU in a profile, and whole time slices when the pool thread is preempted).
 * A body past the limit is streamed through the blocking response stream, {@code limit} bytes a
 * write. Not thread-safe: one per exchange.
 */
final class ResponseBuffer extends OutputStream {
    private static final int FIRST = 8 << 10;
    private static final int CHUNK = 64 << 10;

    private final HttpServerExchange ex;
    private final int limit;
    /** Filled chunks before {@link #buf}: kept apart, so growing copies nothing. */
    private final List<ByteBuffer> full = new ArrayList<>();
    private int held;
    private byte[] buf = new byte[FIRST];
    private int n;
    /** The blocking response stream once the body outgrew the limit; null before. */
    private OutputStream stream;
    private boolean closed;

    ResponseBuffer(HttpServerExchange ex, int limit) {
        this.ex = ex;
        this.limit = limit;
    }

    /** Whether bytes have gone to the client (the status line with them). */
    boolean committed() {
        return stream != null;
    }

    @Override
    public void write(int b) throws IOException {
        if (n == buf.length) {
            next();
        }
        buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (n == buf.length) {
                next();
            }
            int k = Math.min(len, buf.length - n);
            System.arraycopy(b, off, buf, n, k);
            n += k;
            off += k;
            len -= k;
        }
    }

    /** Sets the full chunk aside while the body is under the limit; past it, sends it. */
    private void next() throws IOException {
        if (stream == null && held + n + CHUNK <= limit) {
            full.add(ByteBuffer.wrap(buf, 0, n));
            held += n;
            buf = new byte[CHUNK];
            n = 0;
            return;
        }
        if (stream == null) {
            ex.startBlocking();
            stream = ex.getOutputStream();
            for (ByteBuffer b : full) {
                stream.write(b.array(), 0, b.limit());
            }
            full.clear();
        }
        stream.write(buf, 0, n);
        if (buf.length < CHUNK) {
            buf = new byte[CHUNK];
        }
        n = 0;
    }

    /** Kept in memory: a flush mid-answer would only split it into more writes. */
    @Override
    public void flush() {
    }

    /**
     * Ends the answer. A body that fitted is written from this thread without blocking (the
     * client has it at once, no wait for the I/O thread to be scheduled), and the exchange is
     * ended on the I/O thread; if the socket takes only part, the I/O thread writes the rest.
     * A streamed body is finished here.
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (stream != null) {
            stream.write(buf, 0, n);
            stream.close();
            return;
        }
        full.add(ByteBuffer.wrap(buf, 0, n));
        ByteBuffer[] body = full.toArray(new ByteBuffer[0]);
        ex.setResponseContentLength(held + n);
        ex.getResponseSender().send(body, END_ON_IO_THREAD);
    }

    private static final IoCallback END_ON_IO_THREAD = new IoCallback() {
        @Override
        public void onComplete(HttpServerExchange e, Sender sender) {
            if (e.isInIoThread()) {
                e.endExchange();
            } else {
                e.dispatch(e.getIoThread(), (HttpHandler) HttpServerExchange::endExchange);
            }
        }

        @Override
        public void onException(HttpServerExchange e, Sender sender, IOException failure) {
            IoCallback.END_EXCHANGE.onException(e, sender, failure);
        }
    };
}
