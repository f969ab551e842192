package dev.vigil.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Sends one warm-up call to the server's own plain-HTTP listener, as Grafana sends it (GET for
 * label values and series, a form POST for queries, gzip asked for every other call), and reads
 * the answer to its end. The in-process calls compile the API and the engine; a request through
 * the listener also compiles what runs once per request (Undertow's parsing and dispatch, the
 * handler, the form body, the response buffer, gzip), which the first minute's few requests
 * would otherwise run interpreted.
 */
final class LoopbackCall {
    private static final int TIMEOUT_MS = 10_000;
    /** Warm-up answers are small; a larger one is read and dropped in pieces of this size. */
    private static final int READ = 16 * 1024;

    private final InetSocketAddress address;
    private final String prefix;
    private final String header;
    private final byte[] buffer = new byte[READ];
    private int sent;
    private String status = "";

    /**
     * {@code base}: http://host:port/prefix of the listener; {@code header}: a header line
     * ("Name: value") that marks the call as the warm-up's, so the request counters leave it out.
     */
    LoopbackCall(URI base, String header) {
        this.address = new InetSocketAddress(base.getHost(), base.getPort());
        String p = base.getPath() == null ? "" : base.getPath();
        this.prefix = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
        this.header = header;
    }

    /** Sends {@code call} (the warm-up's parameters, with "kind"); true when answered 200. */
    boolean send(Map<String, List<String>> call) throws IOException {
        String kind = call.get("kind").get(0);
        String path = switch (kind) {
            case "range" -> "/api/v1/query_range";
            case "instant" -> "/api/v1/query";
            case "values" -> "/api/v1/label/" + call.get("name").get(0) + "/values";
            default -> "/api/v1/series";
        };
        String form = form(call);
        boolean post = kind.equals("range") || kind.equals("instant");
        StringBuilder req = new StringBuilder(256);
        req.append(post ? "POST " : "GET ").append(prefix).append(path).append(post ? "" : "?" + form).append(" HTTP/1.1\r\n")
                .append("Host: ").append(address.getHostString()).append(':').append(address.getPort()).append("\r\n")
                .append("User-Agent: vigil-warmup\r\n").append(header).append("\r\n").append("Connection: close\r\n");
        if (sent++ % 2 == 0) {
            req.append("Accept-Encoding: gzip\r\n");
        }
        byte[] body = post ? form.getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (post) {
            req.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        req.append("\r\n");
        try (Socket s = new Socket()) {
            s.connect(address, TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.UTF_8));
            out.write(body);
            out.flush();
            InputStream in = s.getInputStream();
            int n = in.readNBytes(buffer, 0, 12);
            status = new String(buffer, 0, n, StandardCharsets.US_ASCII);
            boolean ok = status.equals("HTTP/1.1 200");
            while (in.read(buffer) >= 0) {
                // Connection: close; the answer ends with the stream.
            }
            return ok;
        }
    }

    /** The status line's start of the last answer ("HTTP/1.1 200"), for the log. */
    String lastStatus() {
        return status;
    }

    private static String form(Map<String, List<String>> call) {
        StringBuilder f = new StringBuilder();
        for (Map.Entry<String, List<String>> e : call.entrySet()) {
            if (e.getKey().equals("kind") || e.getKey().equals("name") || e.getKey().equals(ApiWarmup.HTTP)) {
                continue;
            }
            for (String v : e.getValue()) {
                if (f.length() > 0) {
                    f.append('&');
                }
                f.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                        .append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
        return f.toString();
    }
}
