package dev.vigil.server.remoteread;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32C;

/**
 * The frames of a streamed remote-read response: each message is preceded by its length as an
 * unsigned varint and its CRC-32 (Castagnoli) as four big-endian bytes, and flushed at once so
 * the client can decode while the server reads on.
 */
public final class ChunkedFrames {
    /** The content type of a streamed response. */
    public static final String CONTENT_TYPE = "application/x-streamed-protobuf; proto=prometheus.ChunkedReadResponse";

    private final OutputStream out;
    private final byte[] head = new byte[14];
    private final CRC32C crc = new CRC32C();

    public ChunkedFrames(OutputStream out) {
        this.out = out;
    }

    public void write(byte[] message) throws IOException {
        if (message.length == 0) {
            return;
        }
        int n = 0;
        long len = message.length;
        while ((len & ~0x7FL) != 0) {
            head[n++] = (byte) ((len & 0x7F) | 0x80);
            len >>>= 7;
        }
        head[n++] = (byte) len;
        crc.reset();
        crc.update(message, 0, message.length);
        int c = (int) crc.getValue();
        head[n++] = (byte) (c >>> 24);
        head[n++] = (byte) (c >>> 16);
        head[n++] = (byte) (c >>> 8);
        head[n++] = (byte) c;
        out.write(head, 0, n);
        out.write(message);
        out.flush();
    }
}
