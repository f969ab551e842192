package dev.vigil.server.remotewrite;

import dev.vigil.ingest.scrape.ScrapeJob;
import dev.vigil.ingest.scrape.TlsContexts;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLContext;
import org.apache.hc.client5.http.socket.ConnectionSocketFactory;
import org.apache.hc.client5.http.socket.PlainConnectionSocketFactory;
import org.apache.hc.client5.http.ssl.DefaultHostnameVerifier;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.client5.http.ssl.SSLConnectionSocketFactoryBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.DefaultBHttpClientConnection;
import org.apache.hc.core5.http.impl.io.HttpRequestExecutor;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.http.protocol.HttpProcessor;
import org.apache.hc.core5.http.protocol.HttpProcessorBuilder;
import org.apache.hc.core5.http.protocol.RequestContent;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Posts snappy-compressed WriteRequests to one remote with the protocol's headers. Thread-safe;
 * each shard posts through its own {@link Connection}.
 *
 * <p>Blocking HTTP/1.1 on kept-alive connections, one per shard, driven directly with Apache
 * HttpCore 5 (the connection, the request executor and the content headers), so a post runs on
 * the shard's thread and costs little more than its socket writes and reads. The JDK HttpClient
 * handed every request through executor and selector threads, and HttpClient 5's exec chain and
 * pool (formatting an exchange id per request, leasing a connection) cost as much CPU per post as
 * encoding and compressing the batch (docs/PERFORMANCE.md, "Remote write out").
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
    /** A connection idle longer than this is checked for a close by the receiver before it is used again. */
    private static final long VALIDATE_AFTER_IDLE_NS = 1_000_000_000L;
    private static final Result OK = new Result(Outcome.OK, 200, "", 0);
    /**
     * Request head and a body up to 32 KB (500 Flink samples compress to ~21 KB) leave in one
     * socket write, so the receiver is woken once per request; larger bodies are written directly.
     */
    private static final Http1Config HTTP1 = Http1Config.custom().setBufferSize(32 << 10).setChunkSizeHint(32 << 10).build();

    private final ConnectionSocketFactory sockets;
    private final HttpHost host;
    private final String hostHeader;
    private final String target;
    private final URI url;
    private final Map<String, String> headers;
    private final String userAgent;
    private final boolean retryOn429;
    private final int timeoutMs;
    private final int connectTimeoutMs;
    private final HttpProcessor content = HttpProcessorBuilder.create().add(new RequestContent()).build();
    private final HttpRequestExecutor executor = new HttpRequestExecutor();
    private final Set<Connection> open = ConcurrentHashMap.newKeySet();
    private final Connection shared = new Connection();
    private volatile boolean closed;

    RemoteClient(RemoteWriteConfig c, String userAgent) {
        this.url = URI.create(c.url());
        boolean tls = c.url().startsWith("https:");
        this.sockets = tls ? SSLConnectionSocketFactoryBuilder.create().setSslContext(sslContext(c.tls()))
                .setHostnameVerifier(hostnames(c.tls())).build() : PlainConnectionSocketFactory.INSTANCE;
        int port = url.getPort() != -1 ? url.getPort() : tls ? 443 : 80;
        this.host = new HttpHost(url.getScheme(), url.getHost(), port);
        this.hostHeader = url.getPort() == -1 ? url.getHost() : url.getHost() + ":" + url.getPort();
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        this.target = url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
        this.headers = c.headers();
        this.userAgent = userAgent;
        this.retryOn429 = c.queue().retryOnHttp429();
        this.timeoutMs = (int) Math.min(Integer.MAX_VALUE, c.remoteTimeoutMs());
        this.connectTimeoutMs = (int) Math.min(c.remoteTimeoutMs(), 30_000);
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

    /** A new connection, opened at its first post; for one thread at a time (a shard's). */
    Connection connection() {
        return new Connection();
    }

    /** Posts through a connection shared by the callers that are not shards (metadata). */
    Result post(byte[] body, int len) throws InterruptedException {
        synchronized (shared) {
            return shared.post(body, len);
        }
    }

    /**
     * The answer's body (Prometheus and VictoriaMetrics send none with a 2xx), or null if it is
     * longer than {@link #BODY_LIMIT}: then it is left unread and the connection closed, so a
     * receiver cannot hold a shard reading.
     */
    private static String head(HttpEntity e) throws IOException {
        if (e == null) {
            return "";
        }
        InputStream in = e.getContent();
        byte[] b = in.readNBytes(BODY_LIMIT);
        if (in.read() >= 0) {
            return null;
        }
        in.close();
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Closes every connection at once, so a post in progress ends with an error. */
    @Override
    public void close() {
        closed = true;
        shared.shutdown();
        for (Connection c : open) {
            c.shutdown();
        }
    }

    /**
     * One kept-alive HTTP/1.1 connection to the remote, reopened after an error, a
     * {@code Connection: close} or an answer too long to read. Posts from one thread at a time;
     * {@link #shutdown} may come from any.
     */
    final class Connection implements AutoCloseable {
        private final HttpCoreContext context = HttpCoreContext.create();
        private volatile DefaultBHttpClientConnection conn;
        private long idleSince;

        Result post(byte[] body, int len) throws InterruptedException {
            BasicClassicHttpRequest rq = new BasicClassicHttpRequest("POST", target);
            rq.setHeader("Host", hostHeader);
            rq.setHeader("User-Agent", userAgent);
            rq.setHeader("X-Prometheus-Remote-Write-Version", "0.1.0");
            headers.forEach(rq::setHeader);
            rq.setEntity(new ByteArrayEntity(body, 0, len, PROTOBUF, "snappy"));
            int s;
            String text;
            long after = 0;
            try {
                DefaultBHttpClientConnection c = ready();
                content.process(rq, rq.getEntity(), context);
                ClassicHttpResponse r = executor.execute(rq, c, context);
                s = r.getCode();
                text = head(r.getEntity());
                if (text == null) {
                    text = "(a longer body, not read)";
                    drop(CloseMode.IMMEDIATE);
                } else if (!executor.keepAlive(rq, r, c, context)) {
                    drop(CloseMode.GRACEFUL);
                }
                idleSince = System.nanoTime();
                Header ra = r.getFirstHeader("Retry-After");
                if (s == 429 && ra != null) {
                    try {
                        after = Long.parseLong(ra.getValue().strip()) * 1000;
                    } catch (NumberFormatException e) {
                        after = 0;
                    }
                }
            } catch (IOException | HttpException e) {
                drop(CloseMode.IMMEDIATE);
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while posting");
                }
                String where = url.getHost() + ":" + host.getPort();
                String why = e instanceof java.net.ConnectException ? "cannot connect to " + where + " (ConnectException)"
                        : e.getClass().getSimpleName() + ": " + e.getMessage();
                return new Result(Outcome.RETRY, 0, why, 0);
            }
            if (s / 100 == 2) {
                return s == 200 ? OK : new Result(Outcome.OK, s, "", 0);
            }
            String reason = "server returned HTTP status " + s + ": " + text.substring(0, Math.min(text.length(), 256)).strip();
            if (s / 100 == 5 || s == 429 && retryOn429) {
                return new Result(Outcome.RETRY, s, reason, after);
            }
            return new Result(Outcome.DROP, s, reason, 0);
        }

        /** The open connection, checked if it sat idle, or a new one. */
        private DefaultBHttpClientConnection ready() throws IOException {
            if (closed) {
                throw new IOException("remote write client closed");
            }
            DefaultBHttpClientConnection c = conn;
            if (c != null && (!c.isOpen() || System.nanoTime() - idleSince > VALIDATE_AFTER_IDLE_NS && c.isStale())) {
                drop(CloseMode.GRACEFUL);
                c = null;
            }
            if (c == null) {
                c = connect();
            }
            return c;
        }

        private DefaultBHttpClientConnection connect() throws IOException {
            Socket sock = sockets.createSocket(context);
            try {
                sock.setTcpNoDelay(true);
                sock.setSoTimeout(timeoutMs);
                InetSocketAddress remote = new InetSocketAddress(InetAddress.getByName(host.getHostName()), host.getPort());
                sock = sockets.connectSocket(TimeValue.ofMilliseconds(connectTimeoutMs), sock, host, remote, null, context);
                sock.setSoTimeout(timeoutMs);
            } catch (IOException | RuntimeException e) {
                sock.close();
                throw e;
            }
            DefaultBHttpClientConnection c = new DefaultBHttpClientConnection(HTTP1);
            c.bind(sock);
            c.setSocketTimeout(Timeout.ofMilliseconds(timeoutMs));
            conn = c;
            open.add(this);
            if (closed) { // close() ran while this connected: it did not see it
                shutdown();
                throw new IOException("remote write client closed");
            }
            return c;
        }

        private void drop(CloseMode mode) {
            DefaultBHttpClientConnection c = conn;
            conn = null;
            open.remove(this);
            if (c != null) {
                c.close(mode);
            }
        }

        /** Closes the socket now, from any thread: a post blocked on it ends with an error. */
        void shutdown() {
            DefaultBHttpClientConnection c = conn;
            if (c != null) {
                c.close(CloseMode.IMMEDIATE);
            }
        }

        @Override
        public void close() {
            drop(CloseMode.GRACEFUL);
        }
    }
}
