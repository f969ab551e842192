package dev.vigil.server.remotewrite;

import dev.vigil.ingest.scrape.ScrapeJob;
import dev.vigil.ingest.scrape.TlsContexts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactoryBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Posts snappy-compressed WriteRequests to one remote with the protocol's headers. Thread-safe.
 *
 * <p>A blocking HTTP/1.1 client (Apache HttpClient 5, classic) with a pool of kept-alive
 * connections, so each shard's post runs on the shard's own thread: the JDK's HttpClient handed
 * every request through its executor and selector threads, and that cost more CPU per post than
 * encoding and compressing the batch (docs/PERFORMANCE-push.md, "Remote write out").
 */
final class RemoteClient implements AutoCloseable {
    /** What a post came to. */
    enum Outcome { OK, RETRY, DROP }

    /** The result of one post: outcome, status (0 for a connection error) and a short reason. */
    record Result(Outcome outcome, int status, String reason, long retryAfterMs) {
    }

    private static final ContentType PROTOBUF = ContentType.create("application/x-protobuf");
    /** Response bytes read for the error message; a longer body closes the connection instead of being read. */
    private static final int BODY_LIMIT = 1024;

    private final CloseableHttpClient http;
    private final PoolingHttpClientConnectionManager pool;
    private final URI url;
    private final Map<String, String> headers;
    private final String userAgent;
    private final boolean retryOn429;

    RemoteClient(RemoteWriteConfig c, String userAgent) {
        Timeout timeout = Timeout.ofMilliseconds(c.remoteTimeoutMs());
        PoolingHttpClientConnectionManagerBuilder pb = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnPerRoute(c.queue().maxShards() + 2).setMaxConnTotal(c.queue().maxShards() + 2)
                .setDefaultSocketConfig(SocketConfig.custom().setSoTimeout(timeout).setTcpNoDelay(true).build())
                .setValidateAfterInactivity(TimeValue.ofSeconds(1));
        if (c.url().startsWith("https:")) {
            pb.setSSLSocketFactory(SSLConnectionSocketFactoryBuilder.create().setSslContext(sslContext(c.tls()))
                    .setHostnameVerifier(hostnames(c.tls())).build());
        }
        this.pool = pb.build();
        this.http = HttpClients.custom().setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setConnectTimeout(Timeout.ofMilliseconds(Math.min(c.remoteTimeoutMs(), 30_000)))
                        .setResponseTimeout(timeout).setConnectionRequestTimeout(timeout).build())
                // As the JDK client and Prometheus: no redirects, no retries below the shard's own,
                // no cookies; disableConnectionState lets TLS client-certificate connections be reused.
                .disableAutomaticRetries().disableRedirectHandling().disableCookieManagement()
                .disableContentCompression().disableAuthCaching().disableConnectionState()
                .build();
        this.url = URI.create(c.url());
        this.headers = c.headers();
        this.userAgent = userAgent;
        this.retryOn429 = c.queue().retryOnHttp429();
    }

    private static SSLContext sslContext(ScrapeJob.TlsConfig tls) {
        if (tls.equals(ScrapeJob.TlsConfig.DEFAULT)) {
            try {
                return SSLContext.getDefault();
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return TlsContexts.of(tls);
    }

    /**
     * The URL's host is checked against the certificate unless {@code insecure_skip_verify}
     * (nothing is) or {@code server_name} (the trust manager checks that name instead) is set.
     */
    private static HostnameVerifier hostnames(ScrapeJob.TlsConfig tls) {
        return tls.insecureSkipVerify() || !tls.serverName().isEmpty() ? NoopHostnameVerifier.INSTANCE : new DefaultHostnameVerifier();
    }

    Result post(byte[] body, int len) throws InterruptedException {
        HttpPost rq = new HttpPost(url);
        rq.setEntity(new ByteArrayEntity(body, 0, len, PROTOBUF, "snappy"));
        rq.setHeader("User-Agent", userAgent);
        rq.setHeader("X-Prometheus-Remote-Write-Version", "0.1.0");
        headers.forEach(rq::setHeader);
        int s;
        String text;
        long after = 0;
        try (CloseableHttpResponse r = http.execute(rq)) {
            s = r.getCode();
            text = head(r.getEntity());
            Header ra = r.getFirstHeader("Retry-After");
            if (s == 429 && ra != null) {
                try {
                    after = Long.parseLong(ra.getValue().strip()) * 1000;
                } catch (NumberFormatException e) {
                    after = 0;
                }
            }
        } catch (IOException e) {
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while posting");
            }
            String where = url.getHost() + ":" + url.getPort();
            String why = e instanceof java.net.ConnectException ? "cannot connect to " + where + " (ConnectException)"
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            return new Result(Outcome.RETRY, 0, why, 0);
        }
        if (s / 100 == 2) {
            return new Result(Outcome.OK, s, "", 0);
        }
        String reason = "server returned HTTP status " + s + ": " + text.substring(0, Math.min(text.length(), 256)).strip();
        if (s / 100 == 5 || s == 429 && retryOn429) {
            return new Result(Outcome.RETRY, s, reason, after);
        }
        return new Result(Outcome.DROP, s, reason, 0);
    }

    /**
     * The first bytes of an answer (Prometheus and VictoriaMetrics send none with a 2xx). Read whole, the connection goes back to the pool; a
     * longer body is left unread and closing the response closes the connection, so a receiver
     * cannot hold a shard reading.
     */
    private static String head(HttpEntity e) throws IOException {
        if (e == null) {
            return "";
        }
        InputStream in = e.getContent();
        byte[] b = in.readNBytes(BODY_LIMIT);
        if (in.read() < 0) {
            in.close();
        }
        return new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        pool.close(CloseMode.IMMEDIATE);
    }
}
