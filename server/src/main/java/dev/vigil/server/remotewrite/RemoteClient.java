package dev.vigil.server.remotewrite;

import dev.vigil.ingest.scrape.TlsContexts;
import dev.vigil.ingest.scrape.ScrapeJob;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Posts snappy-compressed WriteRequests to one remote with the protocol's headers. Thread-safe. */
final class RemoteClient {
    /** What a post came to. */
    enum Outcome { OK, RETRY, DROP }

    /** The result of one post: outcome, status (0 for a connection error) and a short reason. */
    record Result(Outcome outcome, int status, String reason, long retryAfterMs) {
    }

    private final HttpClient http;
    private final URI url;
    private final Duration timeout;
    private final Map<String, String> headers;
    private final String userAgent;
    private final boolean retryOn429;

    RemoteClient(RemoteWriteConfig c, String userAgent) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(Math.min(c.remoteTimeoutMs(), 30_000)))
                .version(HttpClient.Version.HTTP_1_1);
        if (c.url().startsWith("https:") && !c.tls().equals(ScrapeJob.TlsConfig.DEFAULT)) {
            b.sslContext(TlsContexts.of(c.tls()));
        }
        this.http = b.build();
        this.url = URI.create(c.url());
        this.timeout = Duration.ofMillis(c.remoteTimeoutMs());
        this.headers = c.headers();
        this.userAgent = userAgent;
        this.retryOn429 = c.queue().retryOnHttp429();
    }

    Result post(byte[] body, int len) throws InterruptedException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(url).timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body, 0, len))
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("User-Agent", userAgent)
                .header("X-Prometheus-Remote-Write-Version", "0.1.0");
        headers.forEach(rb::header);
        HttpResponse<String> r;
        try {
            r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            String where = url.getHost() + ":" + url.getPort();
            String why = e instanceof java.net.ConnectException ? "cannot connect to " + where + " (ConnectException)"
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new Result(Outcome.RETRY, 0, why, 0);
        }
        int s = r.statusCode();
        if (s / 100 == 2) {
            return new Result(Outcome.OK, s, "", 0);
        }
        String body1 = r.body() == null ? "" : r.body();
        String reason = "server returned HTTP status " + s + ": " + body1.substring(0, Math.min(body1.length(), 256)).strip();
        if (s / 100 == 5 || s == 429 && retryOn429) {
            long after = 0;
            if (s == 429) {
                try {
                    after = Long.parseLong(r.headers().firstValue("Retry-After").orElse("0").strip()) * 1000;
                } catch (NumberFormatException e) {
                    after = 0;
                }
            }
            return new Result(Outcome.RETRY, s, reason, after);
        }
        return new Result(Outcome.DROP, s, reason, 0);
    }
}
