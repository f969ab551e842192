package dev.vigil.server.api;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An API answer's body, held in memory while it fits in {@code limit} bytes and then handed to
 * the connection's I/O thread whole, so the exchange ends there: ending it on a pool thread makes
 * Undertow's I/O thread spin on the connection's state while the pool thread re-arms reads (18 %
 * of a small query's CPU in a profile, and whole time slices when the pool thread is preempted).
 * A body past the limit is streamed through the blocking response stream, {@code limit} bytes a
 * write. Not thread-safe: one per exchange.
 */
final class ResponseBuffer extends OutputStream {
    private static final int INITIAL = 8 << 10;

    private final HttpServerExchange ex;
    private final int limit;
    private byte[] buf;
    private int n;
    /** The blocking response stream once the body outgrew the limit; null before. */
    private OutputStream stream;
    private boolean closed;

    ResponseBuffer(HttpServerExchange ex, int limit) {
        this.ex = ex;
        this.limit = limit;
        this.buf = new byte[Math.min(INITIAL, limit)];
    }

    /** Whether bytes have gone to the client (the status line with them). */
    boolean committed() {
        return stream != null;
    }

    @Override
    public void write(int b) throws IOException {
        if (n == buf.length) {
            room(1);
        }
        buf[n++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (n == buf.length) {
                room(len);
            }
            int k = Math.min(len, buf.length - n);
            System.arraycopy(b, off, buf, n, k);
            n += k;
            off += k;
            len -= k;
        }
    }

    /** Grows the buffer up to the limit, then sends what it holds to make room. */
    private void room(int want) throws IOException {
        if (buf.length < limit) {
            buf = Arrays.copyOf(buf, (int) Math.min(limit, Math.max((long) buf.length * 2, (long) n + want)));
            return;
        }
        if (stream == null) {
            ex.startBlocking();
            stream = ex.getOutputStream();
        }
        stream.write(buf, 0, n);
        n = 0;
    }

    /** Kept in memory: a flush mid-answer would only split it into more writes. */
    @Override
    public void flush() {
    }

    /**
     * Ends the answer: a body that fitted goes to the I/O thread, which sends it with its length
     * and ends the exchange once this pool thread has returned; a streamed one is finished here.
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
        ByteBuffer body = ByteBuffer.wrap(buf, 0, n);
        ex.setResponseContentLength(n);
        ex.dispatch(ex.getIoThread(), (HttpHandler) e -> e.getResponseSender().send(body));
    }
}
