package dev.vigil.bench.load;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A minimal HTTP/1.1 client over one keep-alive socket, for the flood's pushers: request line,
 * headers and body go out in one write, the answer is read by its Content-Length (or chunks).
 * The JDK's client costs about as much CPU per megabyte as a store spends ingesting it, and the
 * generator shares the machine with the store it measures. One per worker; not thread-safe.
 */
public final class RawHttp implements AutoCloseable {
    private final int timeoutMs;
    private Socket socket;
    private OutputStream out;
    private InputStream in;
    private String hostPort;
    private byte[] head = new byte[1024];
    private final byte[] line = new byte[8192];

    private final javax.net.ssl.SSLSocketFactory tls;

    public RawHttp(java.time.Duration timeout) {
        this(timeout, null);
    }

    /** @param tls for https targets: the sockets' TLS layer (one factory for all workers: sessions resume) */
    public RawHttp(java.time.Duration timeout, javax.net.ssl.SSLSocketFactory tls) {
        this.timeoutMs = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        this.tls = tls;
    }

    /** Sends the request and reads the answer; I/O failures come back as {@link Stats#IO_ERROR}. */
    public Http.Answer send(String method, URI uri, byte[] body, int length, String contentType, String... headers) {
        for (int attempt = 0; attempt < 2; attempt++) {
            boolean fresh = false;
            try {
                if (socket == null) {
                    connect(uri);
                    fresh = true;
                }
                write(method, uri, body, length, contentType, headers);
                return read();
            } catch (IOException e) {
                close();
                if (fresh || attempt == 1) {
                    return new Http.Answer(Stats.IO_ERROR, e.toString());
                }
                // A kept-alive connection the server closed meanwhile: once more on a new one.
            }
        }
        return new Http.Answer(Stats.IO_ERROR, "unreachable");
    }

    private void connect(URI uri) throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
        s.setSoTimeout(timeoutMs);
        if ("https".equals(uri.getScheme())) {
            if (tls == null) {
                s.close();
                throw new IOException("an https target needs a TLS context (--cacert or --insecure)");
            }
            javax.net.ssl.SSLSocket t = (javax.net.ssl.SSLSocket) tls.createSocket(s, uri.getHost(), uri.getPort(), true);
            t.startHandshake();
            s = t;
        }
        socket = s;
        out = s.getOutputStream();
        in = new BufferedInputStream(s.getInputStream(), 16 << 10);
        hostPort = uri.getHost() + ":" + uri.getPort();
    }

    private void write(String method, URI uri, byte[] body, int length, String contentType, String[] headers) throws IOException {
        StringBuilder sb = new StringBuilder(256);
        String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(hostPort)
                .append("\r\nUser-Agent: Java/").append(System.getProperty("java.version"))
                .append("\r\nContent-Length: ").append(body == null ? 0 : length).append("\r\n");
        if (contentType != null) {
            sb.append("Content-Type: ").append(contentType).append("\r\n");
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            sb.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        sb.append("\r\n");
        int h = sb.length();
        if (head.length < h) {
            head = new byte[h * 2];
        }
        for (int i = 0; i < h; i++) {
            head[i] = (byte) sb.charAt(i);
        }
        out.write(head, 0, h);
        if (body != null && length > 0) {
            out.write(body, 0, length);
        }
        out.flush();
    }

    private Http.Answer read() throws IOException {
        String status = readLine();
        if (status == null || !status.startsWith("HTTP/1.")) {
            throw new IOException("bad status line: " + status);
        }
        int code = Integer.parseInt(status.substring(9, 12));
        long contentLength = -1;
        boolean chunked = false;
        boolean close = status.startsWith("HTTP/1.0");
        String h;
        while ((h = readLine()) != null && !h.isEmpty()) {
            int colon = h.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = h.substring(0, colon).trim();
            String value = h.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                contentLength = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding") && value.equalsIgnoreCase("chunked")) {
                chunked = true;
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                close = true;
            }
        }
        String body;
        if (chunked) {
            StringBuilder sb = new StringBuilder();
            while (true) {
                String size = readLine();
                int n = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (n == 0) {
                    readLine();
                    break;
                }
                sb.append(new String(in.readNBytes(n), StandardCharsets.UTF_8));
                readLine();
            }
            body = sb.toString();
        } else if (contentLength >= 0) {
            body = new String(in.readNBytes((int) contentLength), StandardCharsets.UTF_8);
        } else if (code == 204 || code == 304 || code / 100 == 1) {
            body = "";
        } else {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            close = true;
        }
        if (close) {
            close();
        }
        return new Http.Answer(code, body);
    }

    private String readLine() throws IOException {
        int n = 0;
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                break;
            }
            if (c != '\r' && n < line.length) {
                line[n++] = (byte) c;
            }
        }
        if (c < 0 && n == 0) {
            throw new IOException("connection closed");
        }
        return new String(line, 0, n, StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            socket = null;
        }
    }
}
