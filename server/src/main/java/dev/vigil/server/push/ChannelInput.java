package dev.vigil.server.push;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.xnio.channels.StreamSourceChannel;

/**
 * A request body as a stream read straight from the request channel into the caller's array:
 * each read takes what the socket holds (up to {@link #READ_BYTES}), where the blocking stream
 * copies through a pooled 16 KiB buffer and waits for the I/O thread once per buffer. On a busy
 * machine each of those waits is a trip through the scheduler.
 */
final class ChannelInput extends InputStream {
    /** Most bytes one read asks for: the JDK keeps a native buffer this large per thread (see BodyReader). */
    private static final int READ_BYTES = 256 << 10;

    private final StreamSourceChannel ch;

    ChannelInput(StreamSourceChannel ch) {
        this.ch = ch;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        ByteBuffer buf = ByteBuffer.wrap(b, off, Math.min(len, READ_BYTES));
        while (true) {
            int n = ch.read(buf);
            if (n != 0) {
                return n;
            }
            ch.awaitReadable();
        }
    }
}
