package dev.vigil.server.push;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.importer.Batch;
import dev.vigil.ingest.importer.ImportException;
import dev.vigil.ingest.importer.PrometheusImporter;
import dev.vigil.ingest.proto.DelimitedProtobufParser;
import dev.vigil.ingest.push.GoFormat;
import dev.vigil.ingest.push.GroupKeys;
import dev.vigil.ingest.push.GroupView;
import dev.vigil.ingest.push.PushBody;
import dev.vigil.ingest.push.PushException;
import dev.vigil.ingest.push.PushGroups;
import dev.vigil.ingest.remote.RemoteWriteDecoder;
import dev.vigil.ingest.text.Bodies;
import dev.vigil.ingest.text.ExpositionFormat;
import dev.vigil.ingest.text.MalformedBodyException;
import dev.vigil.ingest.text.SharedSeriesCache;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.text.GoFloat;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.StatusCodes;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The push API over HTTP: {@code PUT|POST|DELETE /metrics/job/...}, {@code GET /api/v1/metrics},
 * {@code GET /api/v1/status}, {@code PUT /api/v1/admin/wipe}, plus {@code POST /api/v1/write}
 * (remote write) and {@code POST /api/v1/import/prometheus} (text with timestamps). The push
 * port's {@code GET /metrics} (all groups in text format) is {@link #exposition()}.
 */
public final class PushApi {
    private static final Logger LOG = Logger.getLogger(PushApi.class.getName());
    private static final String TEXT_PLAIN = "text/plain; charset=utf-8";
    private static final JsonFactory JSON = new JsonFactory();

    private final Storage storage;
    private final PushGroups groups;
    private final Map<String, String> flags;
    private final String version;
    private final long startMs;
    private final ThreadLocal<TextParser> textParsers = ThreadLocal.withInitial(TextParser::new);
    private final ThreadLocal<DelimitedProtobufParser> protoParsers = ThreadLocal.withInitial(DelimitedProtobufParser::new);
    private final ThreadLocal<RemoteWriteDecoder> remoteDecoders = ThreadLocal.withInitial(RemoteWriteDecoder::new);
    /**
     * Remote write's series cache, one for all worker threads: a sender's series reach every
     * worker over time, and per-thread caches each had to hold all of them (and missed beyond
     * ~40,000 series). 16 stripes: up to 1 M series or 256 MB of label bytes.
     */
    private final SharedSeriesCache remoteSeries = new SharedSeriesCache(16);
    /**
     * The store's reference of a remote-write series, by the cache's label instance (stable while
     * the cache holds it), so a known series is appended by reference instead of by a label
     * lookup. Cleared when it outgrows {@link #MAX_REMOTE_REFS} (the cache dropped what it held).
     */
    private final java.util.concurrent.ConcurrentHashMap<Labels, Long> remoteRefs = new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_REMOTE_REFS = 2 << 20;

    public PushApi(Storage storage, PushGroups groups) {
        this(storage, groups, Map.of(), "dev", System.currentTimeMillis());
    }

    /**
     * @param flags every flag as a string, for {@code /api/v1/status}
     * @param version the build version
     * @param startMs process start, for {@code /api/v1/status}
     */
    public PushApi(Storage storage, PushGroups groups, Map<String, String> flags, String version, long startMs) {
        this.storage = storage;
        this.groups = groups;
        this.flags = flags;
        this.version = version;
        this.startMs = startMs;
    }

    /** Adds the push routes; call for both the main and the push port. */
    public void register(RoutingHandler r) {
        HttpHandler paths = pushPaths(dispatched(this::push), notAllowed("DELETE, OPTIONS, POST, PUT"));
        for (String m : new String[] {"PUT", "POST", "DELETE", "GET", "HEAD", "PATCH", "OPTIONS"}) {
            r.add(m, "/metrics/*", paths);
        }
        r.get("/api/v1/metrics", blocking(this::metricsJson));
        r.get("/api/v1/status", blocking(this::statusJson));
        r.get("/api/v1/push/groups", blocking(this::groupSummary));
        r.add("OPTIONS", "/api/v1/metrics", this::cors);
        r.add("OPTIONS", "/api/v1/status", this::cors);
        for (String m : new String[] {"HEAD", "POST", "PUT", "DELETE", "PATCH"}) {
            r.add(m, "/api/v1/metrics", notAllowed("GET, OPTIONS"));
            r.add(m, "/api/v1/status", notAllowed("GET, OPTIONS"));
        }
        if (groups.options().enableAdminApi()) {
            r.put("/api/v1/admin/wipe", blocking(this::wipe));
            r.get("/api/v1/admin/wipe", notAllowed("OPTIONS, PUT"));
            r.post("/api/v1/admin/wipe", notAllowed("OPTIONS, PUT"));
        }
        r.post("/api/v1/write", blocking(this::remoteWrite));
        r.post("/api/v1/import/prometheus", blocking(this::importText));
    }

    /** 405 naming the methods the path takes, as the router of the API we replace answers. */
    private static HttpHandler notAllowed(String allow) {
        return ex -> {
            ex.getResponseHeaders().put(Headers.ALLOW, allow);
            text(ex, StatusCodes.METHOD_NOT_ALLOWED, "Method Not Allowed");
        };
    }

    /**
     * Everything under {@code /metrics/}: redirects for unclean paths first (as the API we replace,
     * whose server cleans before it routes), then the push routes, 405 for other methods on them,
     * 404 for the rest.
     */
    private static HttpHandler pushPaths(HttpHandler push, HttpHandler notAllowed) {
        return ex -> {
            String decoded = GroupPath.percentDecode(rawPath(ex.getRequestURI()));
            String clean = PathRedirect.clean(decoded);
            String method = ex.getRequestMethod().toString();
            boolean read = method.equals("GET") || method.equals("HEAD");
            if (!clean.equals(decoded)) {
                PathRedirect.send(ex, StatusCodes.MOVED_PERMANENTLY, PathRedirect.escape(clean));
            } else if (decoded.equals("/metrics/job/")) {
                if (read || method.equals("OPTIONS")) {
                    text(ex, StatusCodes.NOT_FOUND, "404 page not found");
                } else {
                    PathRedirect.send(ex, StatusCodes.TEMPORARY_REDIRECT, "/metrics/job");
                }
            } else if (decoded.startsWith("/metrics/job/") || (decoded.startsWith("/metrics/job@base64/") && decoded.length() > 20)) {
                if (method.equals("OPTIONS")) {
                    ex.getResponseHeaders().put(Headers.ALLOW, "DELETE, OPTIONS, POST, PUT");
                    ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
                    ex.endExchange();
                    return;
                }
                (read || method.equals("PATCH") ? notAllowed : push).handleRequest(ex);
            } else if (decoded.equals("/metrics/") && method.equals("GET")) {
                PathRedirect.send(ex, StatusCodes.MOVED_PERMANENTLY, "/metrics");
            } else {
                text(ex, StatusCodes.NOT_FOUND, "404 page not found");
            }
        };
    }

    /** The path of a request target, also when it came in absolute form ({@code http://host/path}). */
    static String rawPath(String uri) {
        int scheme = uri.indexOf("://");
        if (scheme > 0 && uri.indexOf('/') > scheme) {
            int slash = uri.indexOf('/', scheme + 3);
            return slash < 0 ? "/" : uri.substring(slash);
        }
        return uri;
    }

    /** {@code GET /metrics} of the push port: every group's series in text format, as a scrape of the replaced gateway would see them. */
    public HttpHandler exposition() {
        return blocking(this::expose);
    }

    interface Blocking {
        void handle(HttpServerExchange ex) throws Exception;
    }

    private static HttpHandler blocking(Blocking h) {
        return dispatched(ex -> {
            ex.startBlocking();
            h.handle(ex);
        });
    }

    /**
     * Runs {@code h} on a worker thread, not in blocking mode: the push route reads its body from
     * the request channel itself and ends a successful exchange on the connection's I/O thread
     * (see {@link #endOnIoThread}); {@link #blocking} puts the exchange in blocking mode first.
     */
    private static HttpHandler dispatched(Blocking h) {
        return new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange ex) throws Exception {
                if (ex.isInIoThread()) {
                    ex.dispatch(this);
                    return;
                }
                try {
                    h.handle(ex);
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "push API request failed: " + ex.getRequestMethod() + " " + ex.getRequestURI(), e);
                    if (!ex.isResponseStarted()) {
                        text(ex, 500, "internal error: " + e.getMessage());
                    }
                }
            }
        };
    }

    /**
     * Ends a body-less answer on the connection's I/O thread. Ending it on a worker makes the
     * server hand the connection back to its I/O thread from the worker (re-arming reads wakes
     * the I/O thread, which then spins until the worker finishes the handover: with more busy
     * workers than cores, often for a whole time slice); from the I/O thread itself there is no
     * handover. The exchange is not in blocking mode, so ending it there never blocks.
     */
    private static void endOnIoThread(HttpServerExchange ex, int status) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
        if (ex.isBlocking() || ex.isInIoThread()) {
            ex.endExchange();
        } else {
            ex.dispatch(ex.getIoThread(), ex::endExchange);
        }
    }

    private void push(HttpServerExchange ex) throws IOException {
        Labels key;
        try {
            key = GroupPath.parse(afterMetrics(ex.getRequestURI()));
        } catch (GroupPath.BadPath e) {
            text(ex, e.getMessage().startsWith("404") ? 404 : 400, e.getMessage());
            return;
        }
        String method = ex.getRequestMethod().toString();
        if (method.equals("DELETE")) {
            groups.delete(key);
            ex.setStatusCode(StatusCodes.ACCEPTED);
            ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
            ex.endExchange();
            return;
        }
        BodyBuffer bb = bodyBuffers.take();
        PushBody body = pushBodies.take();
        try {
            push(ex, key, method, bb, body);
        } finally {
            bodyBuffers.give(bb);
            pushBodies.give(body);
        }
    }

    private void push(HttpServerExchange ex, Labels key, String method, BodyBuffer bb, PushBody body) throws IOException {
        body.reset();
        boolean checked = groups.options().consistencyCheck();
        boolean textPush = false;
        try {
            try {
                String encoding = ex.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING);
                if (encoding == null || encoding.equals("identity")) {
                    readChannel(ex, groups.options().maxBodyBytes(), bb);
                } else {
                    ex.startBlocking();
                    readLimited(Bodies.decode(ex.getInputStream(), encoding), groups.options().maxBodyBytes(), -1, bb);
                }
                try {
                    if (ExpositionFormat.forPush(ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE)) == ExpositionFormat.PROTOBUF_DELIMITED) {
                        protoParsers.get().parse(bb.b, 0, bb.len, body);
                    } else {
                        // The group's own cache: its series come in the same order every push.
                        textPush = true;
                        try (PushGroups.ParseLease lease = groups.parseLease(key)) {
                            textParsers.get().parse(bb.b, 0, bb.len, body, lease.cache());
                        }
                    }
                } finally {
                    bb.trim();
                }
            } catch (TooLarge e) {
                text(ex, StatusCodes.REQUEST_ENTITY_TOO_LARGE, e.getMessage());
                return;
            } catch (MalformedBodyException e) {
                text(ex, 400, e.getMessage());
                return;
            } catch (ExpositionException e) {
                text(ex, 400, e.getMessage());
                return;
            } catch (PushBody.LimitException e) {
                text(ex, 400, e.getMessage());
                return;
            }
            try {
                groups.push(key, method.equals("PUT"), body);
            } catch (PushException e) {
                if (checked || !e.recordedAsFailure()) {
                    text(ex, 400, e.getMessage());
                    return;
                }
                // Unchecked pushes are answered before they are applied there, so a refusal is only seen in push_failure_time_seconds.
            }
        } finally {
            if (textPush) {
                groups.releaseParseCacheIfNoGroup(key);
            }
        }
        endOnIoThread(ex, checked ? StatusCodes.OK : StatusCodes.ACCEPTED);
    }

    /** The raw path after {@code /metrics/}, from the undecoded request URI. */
    static String afterMetrics(String uri) {
        int i = uri.indexOf("/metrics/job");
        return i < 0 ? "" : uri.substring(i + "/metrics/".length());
    }

    private static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(String m) {
            super(m);
        }
    }

    /**
     * A buffer for one request's body at a time (see {@link Lender}). A Flink push is about 1 MB:
     * a fresh array per request would be a large allocation for the collector every time; the
     * parsers keep no reference to it after they return.
     */
    private static final class BodyBuffer {
        /** Larger buffers are dropped after the request instead of being kept by the thread. */
        static final int KEEP_BYTES = 16 << 20;
        byte[] b = new byte[64 << 10];
        int len;

        void ensure(long size) {
            if (size > b.length) {
                b = java.util.Arrays.copyOf(b, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(size, Math.min(Integer.MAX_VALUE - 16, 2L * b.length))));
            }
        }

        void trim() {
            if (b.length > KEEP_BYTES) {
                b = new byte[64 << 10];
            }
        }
    }

    /**
     * Objects lent to one request at a time and kept for the next, most recently returned first.
     *
     * <p>Why not one per worker thread: requests land on any of the 16 workers, so over minutes
     * every worker would hold its own 1 MB body buffer and parsed push although the reporters of
     * a cluster, spread over their interval, rarely push two at a time (≈ 16 MiB of heap for 20
     * TaskManagers); lent most-recent-first, a server keeps as many as pushes ever overlapped,
     * and a flood of concurrent pushes still reuses one per worker.
     */
    private static final class Lender<T> {
        private final java.util.ArrayDeque<T> idle = new java.util.ArrayDeque<>();
        private final java.util.function.Supplier<T> make;
        private final int keep;

        Lender(java.util.function.Supplier<T> make, int keep) {
            this.make = make;
            this.keep = keep;
        }

        T take() {
            T t;
            synchronized (this) {
                t = idle.pollFirst();
            }
            return t != null ? t : make.get();
        }

        synchronized void give(T t) {
            if (idle.size() < keep) {
                idle.addFirst(t);
            }
        }
    }

    /** As many as the server has request workers: more can never be in use at once. */
    private static final int LEND_KEEP = 16;
    private final Lender<BodyBuffer> bodyBuffers = new Lender<>(BodyBuffer::new, LEND_KEEP);
    /** Parsed pushes, emptied for each request (see {@link PushBody#reset()}). */
    private final Lender<PushBody> pushBodies = new Lender<>(this::newBody, LEND_KEEP);

    private PushBody newBody() {
        return new PushBody(groups.options());
    }

    /**
     * Reads the whole body into {@code bb}, refused once over {@code limit}. A declared
     * length (when no content encoding changes the size) sizes the buffer up front.
     */
    private static void readLimited(InputStream in, long limit, long declared, BodyBuffer bb) throws IOException {
        bb.len = 0;
        if (declared > 0 && (limit <= 0 || declared <= limit)) {
            bb.ensure(declared + 1); // one spare byte: the read that returns end of stream needs room
        }
        int n = 0;
        while (true) {
            if (n == bb.b.length) {
                if (n >= Integer.MAX_VALUE - 16) {
                    throw new TooLarge("request body exceeds the limit of " + (Integer.MAX_VALUE - 16) + " bytes");
                }
                bb.ensure((long) n + 1);
            }
            int r = in.read(bb.b, n, bb.b.length - n);
            if (r < 0) {
                break;
            }
            n += r;
            if (limit > 0 && n > limit) {
                throw new TooLarge("request body exceeds the limit of " + limit + " bytes (--push.max-body-size)");
            }
        }
        bb.len = n;
    }

    /**
     * Most bytes one socket read asks for. The JDK reads a socket into a heap array through a
     * native buffer of the size asked for, and each thread keeps that buffer for its next read:
     * asking for the rest of a 1-2 MB body buffer left every request worker holding a native
     * buffer that large (up to tens of MiB of RSS over 16 workers). Under a flood a read returned
     * about 530 KB on average, so a 1 MB push now takes about four reads instead of two.
     */
    private static final int READ_BYTES = 256 << 10;

    /**
     * Reads the whole body straight from the request channel into {@code bb} (sized by
     * Content-Length), refused once over {@code limit}: each read takes what the socket holds,
     * instead of a pooled 16 KB buffer's worth that is then copied again.
     */
    private static void readChannel(HttpServerExchange ex, long limit, BodyBuffer bb) throws IOException {
        long declared = ex.getRequestContentLength();
        if (limit > 0 && declared > limit) {
            throw new TooLarge("request body exceeds the limit of " + limit + " bytes (--push.max-body-size)");
        }
        bb.len = 0;
        if (declared > 0) {
            bb.ensure(declared + 1); // one spare byte: the read that returns end of stream needs room
        }
        org.xnio.channels.StreamSourceChannel ch = ex.getRequestChannel();
        if (ch == null) {
            return; // already read (cannot happen on this route)
        }
        int n = 0;
        while (true) {
            if (n == bb.b.length) {
                if (n >= Integer.MAX_VALUE - 16) {
                    throw new TooLarge("request body exceeds the limit of " + (Integer.MAX_VALUE - 16) + " bytes");
                }
                bb.ensure((long) n + 1);
            }
            int r = ch.read(ByteBuffer.wrap(bb.b, n, Math.min(bb.b.length - n, READ_BYTES)));
            if (r < 0) {
                break;
            }
            if (r == 0) {
                ch.awaitReadable();
                continue;
            }
            n += r;
            if (limit > 0 && n > limit) {
                throw new TooLarge("request body exceeds the limit of " + limit + " bytes (--push.max-body-size)");
            }
        }
        bb.len = n;
    }

    private void wipe(HttpServerExchange ex) throws IOException {
        groups.wipe();
        ex.setStatusCode(StatusCodes.ACCEPTED);
        ex.getResponseHeaders().put(Headers.CONTENT_LENGTH, 0);
        ex.endExchange();
    }

    private void cors(HttpServerExchange ex) {
        corsHeaders(ex);
        ex.setStatusCode(200);
        ex.endExchange();
    }

    private static void corsHeaders(HttpServerExchange ex) {
        ex.getResponseHeaders().put(new HttpString("Access-Control-Allow-Headers"), "Accept, Authorization, Content-Type, Origin");
        ex.getResponseHeaders().put(new HttpString("Access-Control-Allow-Methods"), "GET, POST, DELETE, OPTIONS");
        ex.getResponseHeaders().put(new HttpString("Access-Control-Allow-Origin"), "*");
        ex.getResponseHeaders().put(new HttpString("Access-Control-Expose-Headers"), "Date");
        ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache, no-store, must-revalidate");
    }

    private void statusJson(HttpServerExchange ex) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeObjectFieldStart("data");
            g.writeObjectFieldStart("build_information");
            g.writeStringField("branch", "");
            g.writeStringField("buildDate", "");
            g.writeStringField("buildUser", "");
            g.writeStringField("goVersion", "java" + Runtime.version().feature());
            g.writeStringField("revision", "");
            g.writeStringField("version", version);
            g.writeEndObject();
            g.writeObjectFieldStart("flags");
            for (Map.Entry<String, String> e : new TreeMap<>(flags).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("start_time", GoFormat.rfc3339Nano(startMs));
            g.writeEndObject();
            g.writeEndObject();
        }
        json(ex, out.toByteArray());
    }

    /** Streamed to the client group by group: 200 groups of 2,000 series are ~150 MB of JSON, never held at once. */
    private void metricsJson(HttpServerExchange ex) throws IOException {
        List<GroupView> all = groups.groups();
        corsHeaders(ex);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        try (JsonGenerator g = JSON.createGenerator(ex.getOutputStream())) {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeArrayFieldStart("data");
            for (GroupView v : all) {
                writeGroup(g, v);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** {@code GET /api/v1/push/groups?filter=&offset=&limit=}: the push groups page's data. */
    private void groupSummary(HttpServerExchange ex) throws IOException {
        String filter = param(ex, "filter", "");
        int offset;
        int limit;
        try {
            offset = Integer.parseInt(param(ex, "offset", "0"));
            limit = Integer.parseInt(param(ex, "limit", String.valueOf(GroupSummary.DEFAULT_LIMIT)));
        } catch (NumberFormatException e) {
            text(ex, 400, "offset and limit must be whole numbers");
            return;
        }
        if (offset < 0 || limit < 1 || limit > GroupSummary.MAX_LIMIT) {
            text(ex, 400, "offset must be >= 0 and limit between 1 and " + GroupSummary.MAX_LIMIT);
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 12);
        GroupSummary.write(out, groups.groups(), filter, offset, limit, groups.options().groupTtlMs(), System.currentTimeMillis());
        json(ex, out.toByteArray());
    }

    private static String param(HttpServerExchange ex, String name, String dflt) {
        java.util.Deque<String> v = ex.getQueryParameters().get(name);
        return v == null || v.isEmpty() ? dflt : v.getFirst();
    }

    private static void writeGroup(JsonGenerator g, GroupView v) throws IOException {
        String[] empty = GroupKeys.emptyNames(v.key());
        g.writeStartObject();
        g.writeObjectFieldStart("labels");
        for (Map.Entry<String, String> e : GroupKeys.shown(v.key()).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        for (GroupView.FamilyView f : v.families()) {
            g.writeObjectFieldStart(f.name());
            g.writeStringField("time_stamp", GoFormat.rfc3339Nano(f.timestampMs()));
            g.writeStringField("type", f.type().toUpperCase(java.util.Locale.ROOT));
            if (f.help() != null && !f.help().isEmpty()) {
                g.writeStringField("help", f.help());
            }
            g.writeArrayFieldStart("metrics");
            switch (f.type()) {
                case "summary", "histogram" -> writeComplex(g, f, empty);
                default -> {
                    for (int i = 0; i < f.series().length; i++) {
                        g.writeStartObject();
                        writeLabels(g, f.series()[i], empty);
                        g.writeStringField("value", GoFloat.g(f.values()[i]));
                        g.writeEndObject();
                    }
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeBooleanField("last_push_successful", v.lastPushSuccessful());
        Labels stored = GroupKeys.stored(v.key());
        writeOwn(g, PushGroups.PUSH_TIME, PushGroups.PUSH_TIME_HELP, v.pushStampMs(), stored, empty, v.pushTimeSeconds());
        writeOwn(g, PushGroups.PUSH_FAILURE_TIME, PushGroups.PUSH_FAILURE_TIME_HELP, v.failureStampMs(), stored, empty, v.failureTimeSeconds());
        g.writeEndObject();
    }

    private static void writeOwn(JsonGenerator g, String name, String help, long stamp, Labels key, String[] empty, double value)
            throws IOException {
        g.writeObjectFieldStart(name);
        g.writeStringField("time_stamp", GoFormat.rfc3339Nano(stamp));
        g.writeStringField("type", "GAUGE");
        g.writeStringField("help", help);
        g.writeArrayFieldStart("metrics");
        g.writeStartObject();
        writeLabels(g, key, empty);
        g.writeStringField("value", GoFloat.g(value));
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Labels as the JSON shows them: without the name, with {@code instance=""} when absent. */
    private static void writeLabels(JsonGenerator g, Labels l, String[] emptyGrouping) throws IOException {
        g.writeObjectFieldStart("labels");
        if (emptyGrouping.length > 0) {
            // Grouping labels with an empty value are shown, as the API we replace shows them.
            TreeMap<String, String> all = new TreeMap<>();
            l.forEach(all::put);
            all.remove(Labels.METRIC_NAME);
            all.putIfAbsent("instance", "");
            for (String n : emptyGrouping) {
                all.put(n, "");
            }
            for (Map.Entry<String, String> e : all.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            return;
        }
        boolean instance = l.has("instance");
        for (int i = 0; i < l.size(); i++) {
            String n = l.name(i);
            if (n.equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (!instance && n.compareTo("instance") > 0) {
                g.writeStringField("instance", "");
                instance = true;
            }
            g.writeStringField(n, l.value(i));
        }
        if (!instance) {
            g.writeStringField("instance", "");
        }
        g.writeEndObject();
    }

    /** Summaries and histograms: one entry per child (labels without quantile/le), count, sum, quantiles or buckets. */
    private static void writeComplex(JsonGenerator g, GroupView.FamilyView f, String[] empty) throws IOException {
        boolean summary = f.type().equals("summary");
        String sub = summary ? "quantile" : "le";
        Map<Labels, double[]> countSum = new LinkedHashMap<>();
        Map<Labels, List<String[]>> parts = new LinkedHashMap<>();
        for (int i = 0; i < f.series().length; i++) {
            Labels l = f.series()[i];
            String name = l.metricName();
            Labels child = l.without(Labels.METRIC_NAME, sub);
            double[] cs = countSum.computeIfAbsent(child, k -> new double[] {0, 0});
            parts.computeIfAbsent(child, k -> new ArrayList<>());
            if (name.equals(f.name() + "_count")) {
                cs[0] = f.values()[i];
            } else if (name.equals(f.name() + "_sum")) {
                cs[1] = f.values()[i];
            } else if (l.has(sub)) {
                parts.get(child).add(new String[] {GoFloat.g(Double.parseDouble(l.get(sub).replace("Inf", "Infinity"))), GoFloat.g(f.values()[i])});
            }
        }
        for (Map.Entry<Labels, double[]> e : countSum.entrySet()) {
            g.writeStartObject();
            writeLabels(g, e.getKey(), empty);
            g.writeStringField("count", GoFloat.g(e.getValue()[0]));
            g.writeStringField("sum", GoFloat.g(e.getValue()[1]));
            g.writeObjectFieldStart(summary ? "quantiles" : "buckets");
            for (String[] p : parts.get(e.getKey())) {
                g.writeStringField(p[0], p[1]);
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private void expose(HttpServerExchange ex) throws IOException {
        // Merge groups per family, as one scrape of the replaced gateway shows them.
        TreeMap<String, StringBuilder> bodies = new TreeMap<>();
        TreeMap<String, String[]> meta = new TreeMap<>();
        for (GroupView v : groups.groups()) {
            for (GroupView.FamilyView f : v.families()) {
                meta.putIfAbsent(f.name(), new String[] {f.help(), f.type()});
                StringBuilder sb = bodies.computeIfAbsent(f.name(), k -> new StringBuilder());
                for (int i = 0; i < f.series().length; i++) {
                    line(sb, f.series()[i], f.values()[i]);
                }
            }
            Labels stored = GroupKeys.stored(v.key());
            line(bodies.computeIfAbsent(PushGroups.PUSH_FAILURE_TIME, k -> new StringBuilder()),
                    stored.toBuilder().set(Labels.METRIC_NAME, PushGroups.PUSH_FAILURE_TIME).build(), v.failureTimeSeconds());
            line(bodies.computeIfAbsent(PushGroups.PUSH_TIME, k -> new StringBuilder()),
                    stored.toBuilder().set(Labels.METRIC_NAME, PushGroups.PUSH_TIME).build(), v.pushTimeSeconds());
        }
        meta.put(PushGroups.PUSH_TIME, new String[] {PushGroups.PUSH_TIME_HELP, "gauge"});
        meta.put(PushGroups.PUSH_FAILURE_TIME, new String[] {PushGroups.PUSH_FAILURE_TIME_HELP, "gauge"});
        StringBuilder out = new StringBuilder(1 << 16);
        for (Map.Entry<String, StringBuilder> e : bodies.entrySet()) {
            String[] m = meta.get(e.getKey());
            if (m[0] != null && !m[0].isEmpty()) {
                out.append("# HELP ").append(e.getKey()).append(' ').append(m[0].replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            }
            out.append("# TYPE ").append(e.getKey()).append(' ').append(m[1]).append('\n');
            out.append(e.getValue());
        }
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
        ex.getResponseSender().send(out.toString());
    }

    private static void line(StringBuilder sb, Labels l, double v) {
        sb.append(l.metricName());
        boolean any = false;
        for (int i = 0; i < l.size(); i++) {
            if (l.name(i).equals(Labels.METRIC_NAME)) {
                continue;
            }
            sb.append(any ? ',' : '{').append(l.name(i)).append("=\"");
            String s = l.value(i);
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(c);
                }
            }
            sb.append('"');
            any = true;
        }
        if (any) {
            sb.append('}');
        }
        sb.append(' ').append(GoFloat.g(v)).append('\n');
    }

    private void remoteWrite(HttpServerExchange ex) throws IOException {
        String bad = RemoteWriteDecoder.checkHeaders(ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE),
                ex.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING), ex.getRequestHeaders().getFirst("X-Prometheus-Remote-Write-Version"));
        if (bad != null) {
            text(ex, bad.contains("X-Prometheus-Remote-Write-Version") ? 400 : StatusCodes.UNSUPPORTED_MEDIA_TYPE, bad);
            return;
        }
        BodyBuffer body = bodyBuffers.take();
        try {
            readLimited(ex.getInputStream(), groups.options().maxBodyBytes(), ex.getRequestContentLength(), body);
        } catch (TooLarge e) {
            bodyBuffers.give(body);
            text(ex, StatusCodes.REQUEST_ENTITY_TOO_LARGE, e.getMessage());
            return;
        }
        Appender a = storage.appender();
        boolean committed = false;
        try {
            String[] rejected = {null};
            remoteDecoders.get().decode(body.b, 0, body.len, new RemoteWriteDecoder.Sink() {
                @Override
                public void series(Labels labels, long[] timestamps, double[] values, int count, int index) {
                    Long known = remoteRefs.get(labels);
                    long ref = known == null ? 0 : known;
                    long before = ref;
                    for (int i = 0; i < count; i++) {
                        try {
                            ref = a.append(ref, labels, timestamps[i], values[i]);
                        } catch (AppendRejectedException e) {
                            if (rejected[0] == null) {
                                rejected[0] = e.getMessage() + " for series " + labels + " at timestamp " + timestamps[i];
                            }
                        }
                    }
                    if (ref != before && ref != 0) {
                        if (remoteRefs.size() > MAX_REMOTE_REFS) {
                            remoteRefs.clear();
                        }
                        remoteRefs.put(labels, ref);
                    }
                }

                @Override
                public void metadata(String family, String type, String help, String unit) {
                    a.metadata(family, new Metadata(type, help == null ? "" : help, unit == null ? "" : unit));
                }
            }, remoteSeries);
            if (rejected[0] != null) {
                text(ex, 400, rejected[0]);
                return;
            }
            a.commit();
            committed = true;
        } catch (ExpositionException e) {
            text(ex, 400, e.getMessage());
            return;
        } finally {
            if (!committed) {
                a.rollback();
            }
            body.trim();
            bodyBuffers.give(body);
        }
        ex.setStatusCode(StatusCodes.NO_CONTENT);
        ex.endExchange();
    }

    private void importText(HttpServerExchange ex) throws IOException {
        Map<String, String> extra;
        try {
            Deque<String> args = ex.getQueryParameters().get("extra_label");
            extra = PrometheusImporter.extraLabels(args == null ? List.of() : new ArrayList<>(args));
        } catch (IllegalArgumentException e) {
            text(ex, 400, e.getMessage());
            return;
        }
        InputStream in;
        try {
            in = Bodies.decode(ex.getInputStream(), ex.getRequestHeaders().getFirst(Headers.CONTENT_ENCODING));
        } catch (MalformedBodyException e) {
            text(ex, 400, e.getMessage());
            return;
        }
        ExpositionFormat format = ExpositionFormat.forImport(ex.getRequestHeaders().getFirst(Headers.CONTENT_TYPE));
        long[] stored = {0};
        try {
            new PrometheusImporter().importBody(in, format, extra, System.currentTimeMillis(), (Batch b) -> {
                Appender a = storage.appender();
                boolean ok = false;
                try {
                    for (int i = 0; i < b.size(); i++) {
                        a.append(0, b.labels(i), b.timestamp(i), b.value(i));
                    }
                    a.commit();
                    ok = true;
                    stored[0] += b.size();
                } finally {
                    if (!ok) {
                        a.rollback();
                    }
                }
            });
        } catch (ImportException e) {
            text(ex, 400, e.getMessage());
            return;
        } catch (MalformedBodyException e) {
            text(ex, 400, e.getMessage());
            return;
        } catch (AppendRejectedException e) {
            text(ex, 400, e.getMessage() + " (" + stored[0] + " samples imported before it)");
            return;
        }
        ex.setStatusCode(StatusCodes.NO_CONTENT);
        ex.endExchange();
    }

    private static void json(HttpServerExchange ex, byte[] body) {
        corsHeaders(ex);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(ByteBuffer.wrap(body));
    }

    static void text(HttpServerExchange ex, int status, String message) {
        ex.setStatusCode(status);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, TEXT_PLAIN);
        ex.getResponseSender().send(message + "\n", StandardCharsets.UTF_8);
    }
}
