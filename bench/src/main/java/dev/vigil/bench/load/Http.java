package dev.vigil.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One keep-alive HTTP/1.1 client for all workers. Requests carry the headers the Flink reporter
 * sends (its JDK's default User-Agent and Accept), so targets see the same requests.
 */
public final class Http {
    public static final String TEXT_004 = "text/plain; version=0.0.4; charset=utf-8";
    private static final String USER_AGENT = "Java/" + System.getProperty("java.version");
    private static final String ACCEPT = "text/html, image/gif, image/jpeg, */*; q=0.2";

    private final HttpClient client;
    private final Duration timeout;

    public Http(Duration timeout) {
        this(timeout, null);
    }

    /** @param tls for https targets, or null for the JDK's default trust */
    public Http(Duration timeout, javax.net.ssl.SSLContext tls) {
        this.timeout = timeout;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.client = b.build();
    }

    /** The answer's status and body (bodies are small: push answers and query JSON). */
    public record Answer(int status, String body) {
    }

    public Answer send(String method, URI uri, byte[] body, String contentType) {
        return send(method, uri, body, body == null ? 0 : body.length, contentType);
    }

    /** Sends the first {@code length} bytes of {@code body} (a reused buffer). */
    public Answer send(String method, URI uri, byte[] body, int length, String contentType) {
        return send(method, uri, body, length, contentType, new String[0]);
    }

    /** Remote write 1.0's headers, for {@link #send(String, URI, byte[], int, String, String...)}. */
    public static final String[] REMOTE_WRITE_HEADERS = {"Content-Encoding", "snappy", "X-Prometheus-Remote-Write-Version", "0.1.0"};
    public static final String PROTOBUF = "application/x-protobuf";
    /** The Accept header the Flink reporter's JDK client sends, for raw clients. */
    public static final String[] FLINK_ACCEPT = {"Accept", ACCEPT};

    /** As {@link #send(String, URI, byte[], int, String)}, with extra header name/value pairs. */
    public Answer send(String method, URI uri, byte[] body, int length, String contentType, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("User-Agent", USER_AGENT).header("Accept", ACCEPT);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        for (int i = 0; i + 1 < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body, 0, length));
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            return new Answer(Stats.IO_ERROR, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(Stats.IO_ERROR, "interrupted");
        }
    }

    public Answer get(URI uri) {
        return send("GET", uri, null, null);
    }
}
