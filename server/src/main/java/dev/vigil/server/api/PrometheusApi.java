package dev.vigil.server.api;

import dev.vigil.query.Engine;
import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.query.QueryGate;
import dev.vigil.query.QueryOptions;
import dev.vigil.query.QueryResult;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.query.text.GoText;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.server.http.Routes;
import io.undertow.server.HttpHandler;
import dev.vigil.server.http.Cors;
import dev.vigil.server.http.WorkerPool;
import dev.vigil.server.http.Role;
import dev.vigil.server.http.Routes;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The Prometheus HTTP API ({@code /api/v1/…}) over a {@link Backend}, with 2.42's parameters,
 * error envelopes and encodings (docs/api.md lists every endpoint and where Vigil differs).
 */
public final class PrometheusApi {
    static final String TRUNCATED = "results truncated due to limit";
    /** Where a metadata request ran out of time: "query timed out in …". */
    static final String SERIES_STAGE = "series selection";
    static final String LABELS_STAGE = "label names lookup";
    static final String LABEL_VALUES_STAGE = "label values lookup";
    static final String TSDB_STATUS_STAGE = "TSDB status";
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private final Supplier<Backend> backend;
    private final ServerInfo info;
    private final LongSupplier clock;
    /** {@code --web.cors.origin}, set when the routes are registered. */
    private Cors cors = Cors.of(Cors.ANY);
    private final WorkerPool pool;
    private final Supplier<dev.vigil.query.rules.RuleManager> rules;

    /**
     * @param backend the open store and engine, or null while the store is still recovering
     *     (the API answers 503 then, as Prometheus does before it is ready)
     * @param rules the rule manager, or null before the store is open
     * @param pool the threads the endpoints run on
     */
    public PrometheusApi(Supplier<Backend> backend, ServerInfo info, LongSupplier clock,
            Supplier<dev.vigil.query.rules.RuleManager> rules, WorkerPool pool) {
        this.rules = rules;
        this.pool = pool;
        this.backend = backend;
        this.info = info;
        this.clock = clock;
    }

    /** An endpoint: reads parameters, answers with a result or throws {@link ApiException}. */
    @FunctionalInterface
    interface Endpoint extends BiFunction<Backend, ApiRequest, ApiResult> {
    }

    /** Whether a request is being answered on the API's threads now. */
    boolean busy() {
        return pool.busy();
    }

    /** Adds every route; {@code wrap} instruments a handler under a name (for /metrics). */
    public void register(Routes r, BiFunction<String, HttpHandler, HttpHandler> wrap) {
        cors = Cors.of(info.flags().getOrDefault("web.cors.origin", Cors.ANY));
        getPost(r, wrap, "/api/v1/query", this::query);
        getPost(r, wrap, "/api/v1/query_range", this::queryRange);
        getPost(r, wrap, "/api/v1/query_exemplars", this::queryExemplars);
        getPost(r, wrap, "/api/v1/format_query", this::formatQuery);
        getPost(r, wrap, "/api/v1/labels", this::labels);
        getPost(r, wrap, "/api/v1/series", this::series);
        get(r, wrap, "/api/v1/label/{name}/values", this::labelValues);
        get(r, wrap, "/api/v1/metadata", this::metadata);
        TargetsEndpoint targets = new TargetsEndpoint();
        get(r, wrap, "/api/v1/targets", (b, q) -> targets.answer(info.targets().get(), q));
        get(r, wrap, "/api/v1/rules", (b, q) -> RulesEndpoint.rules(rules.get(), q));
        get(r, wrap, "/api/v1/alerts", (b, q) -> RulesEndpoint.alerts(rules.get()));
        get(r, wrap, "/api/v1/status/buildinfo", this::buildInfo);
        get(r, wrap, "/api/v1/status/runtimeinfo", this::runtimeInfo);
        get(r, wrap, "/api/v1/status/flags", (b, q) -> ApiResult.of(g -> {
            g.writeStartObject();
            for (Map.Entry<String, String> e : new TreeMap<>(info.flags()).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
        }));
        get(r, wrap, "/api/v1/status/config", (b, q) -> ApiResult.of(g -> {
            g.writeStartObject();
            g.writeStringField("yaml", info.configYaml().get());
            g.writeEndObject();
        }));
        get(r, wrap, "/api/v1/status/walreplay", (b, q) -> ApiResult.of(g -> {
            g.writeStartObject();
            g.writeNumberField("min", 0);
            g.writeNumberField("max", 0);
            g.writeNumberField("current", 0);
            g.writeEndObject();
        }));
        get(r, wrap, "/api/v1/status/tsdb", (b, q) -> TsdbStatus.compute(b, q));
        get(r, wrap, "/api/v1/status/storage", (b, q) -> StorageStatus.of(b));
        new AdminTsdbApi(backend, "true".equals(info.flags().get("web.enable-admin-api")), clock, cors, pool)
                .register(r, wrap);
    }

    /** A read-only endpoint that also takes its parameters as a POST form (long queries), as Prometheus's. */
    private void getPost(Routes r, BiFunction<String, HttpHandler, HttpHandler> wrap, String path, Endpoint e) {
        HttpHandler h = wrap.apply(path, new ApiHandler(backend, e, requiresBackend(path), cors, pool));
        r.get(Role.READ, path, h);
        r.post(Role.READ, path, h);
        r.add(Role.READ, "OPTIONS", path, ApiHandler.preflight(cors));
    }

    private void get(Routes r, BiFunction<String, HttpHandler, HttpHandler> wrap, String path, Endpoint e) {
        r.get(Role.READ, path, wrap.apply(path, new ApiHandler(backend, e, requiresBackend(path), cors, pool)));
        r.add(Role.READ, "OPTIONS", path, ApiHandler.preflight(cors));
    }

    /** Endpoints that only describe the server work before the store is open. */
    private static boolean requiresBackend(String path) {
        return !(path.endsWith("/buildinfo") || path.endsWith("/flags") || path.endsWith("/runtimeinfo")
                || path.endsWith("/walreplay") || path.endsWith("/config"));
    }

    // ---- query -----------------------------------------------------------------------------

    ApiResult query(Backend b, ApiRequest req) {
        Params p = req.params();
        long t = timeParam(p, "time", clock.getAsLong());
        QueryOptions opts = queryOptions(p);
        String q = p.get("query");
        QueryResult res = run(() -> b.engine().instant(q, t, opts));
        return new ApiResult(g -> ApiJson.queryData(g, res.value()), res.warnings());
    }

    ApiResult queryRange(Backend b, ApiRequest req) {
        Params p = req.params();
        long start = requiredTime(p, "start");
        long end = requiredTime(p, "end");
        if (end < start) {
            throw ApiException.invalidParam("end", "end timestamp must not be before start time");
        }
        long step;
        try {
            step = ApiTime.parseDuration(p.get("step"));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParam("step", e.getMessage());
        }
        if (step <= 0) {
            throw ApiException.invalidParam("step",
                    "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        try {
            Engine.checkResolution(start, end, step);
        } catch (QueryException e) {
            throw new ApiException(e.errorType(), e.getMessage());
        }
        QueryOptions opts = queryOptions(p);
        String q = p.get("query");
        QueryResult res = run(() -> b.engine().range(q, start, end, step, opts));
        return new ApiResult(g -> ApiJson.queryData(g, res.value()), res.warnings());
    }

    private static QueryResult run(Supplier<QueryResult> call) {
        try {
            return call.get();
        } catch (QueryException e) {
            // Syntax errors name the parameter; type errors found at evaluation (a range query
            // of a range vector) come unwrapped, as in 2.42.
            if (e instanceof dev.vigil.query.ParseException) {
                throw ApiException.invalidParam("query", e.getMessage());
            }
            throw new ApiException(e.errorType(), e.getMessage());
        }
    }

    /** The {@code timeout} parameter in ms, 0 when absent. */
    private static long timeoutParam(Params p) {
        long timeout = 0;
        String to = p.get("timeout");
        if (!to.isEmpty()) {
            try {
                timeout = ApiTime.parseDuration(to);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidParam("timeout", e.getMessage());
            }
            if (timeout <= 0) {
                // A non-positive deadline has already passed.
                throw new ApiException(ErrorType.TIMEOUT, "query timed out in query queue");
            }
        }
        return timeout;
    }

    /**
     * Takes a query slot for a metadata endpoint, under {@code --query.timeout} (or the request's
     * shorter {@code timeout}); a full queue is Prometheus's 503 {@code timeout}.
     */
    static QueryGate.Admission admit(Backend b, Params p) {
        long timeout = timeoutParam(p);
        try {
            return b.engine().gate().enter(timeout);
        } catch (QueryException e) {
            throw new ApiException(e.errorType(), e.getMessage());
        }
    }

    /** Runs a step of a metadata endpoint, turning a passed deadline into the API's error. */
    static void check(QueryGate.Admission a, String stage) {
        try {
            a.check(stage);
        } catch (QueryException e) {
            throw new ApiException(e.errorType(), e.getMessage());
        }
    }

    private static QueryOptions queryOptions(Params p) {
        long timeout = timeoutParam(p);
        long lookback = 0;
        String lb = p.get("lookback_delta");
        if (!lb.isEmpty()) {
            try {
                lookback = ApiTime.parseDuration(lb);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidParam("lookback_delta", e.getMessage());
            }
            if (lookback < 0) {
                throw ApiException.invalidParam("lookback_delta", "lookback delta must be non-negative");
            }
        }
        return new QueryOptions(timeout, lookback, maxSourceResolution(p));
    }

    /**
     * Thanos's {@code max_source_resolution}: {@code raw} (or {@code 0s}), a duration such as
     * {@code 5m} or {@code 1h} (the coarsest rollups the query may read), or {@code auto} (the
     * default: a fifth of the step; raw for instant queries).
     */
    static long maxSourceResolution(Params p) {
        String v = p.get("max_source_resolution");
        if (v.isEmpty() || v.equals("auto")) {
            return QueryOptions.AUTO;
        }
        if (v.equals("raw")) {
            return 0;
        }
        long ms;
        try {
            ms = ApiTime.parseDuration(v);
        } catch (IllegalArgumentException e) {
            ms = -1;
        }
        if (ms < 0) {
            throw ApiException.invalidParam("max_source_resolution",
                    "cannot parse \"" + v + "\": expected raw, auto or a duration such as 0s, 5m, 1h");
        }
        return ms;
    }

    ApiResult queryExemplars(Backend b, ApiRequest req) {
        Params p = req.params();
        long start = timeParam(p, "start", ApiTime.MIN_TIME_MS);
        long end = timeParam(p, "end", ApiTime.MAX_TIME_MS);
        if (end < start) {
            throw ApiException.invalidParam("end", "end timestamp must not be before start timestamp");
        }
        try {
            b.engine().parse(p.get("query"));
        } catch (QueryException e) {
            throw new ApiException(e.errorType(), e.getMessage());
        }
        // The store keeps no exemplars: every valid query has none.
        return ApiResult.of(g -> {
            g.writeStartArray();
            g.writeEndArray();
        });
    }

    ApiResult formatQuery(Backend b, ApiRequest req) {
        Expr e;
        try {
            e = b.engine().parse(req.params().get("query"));
        } catch (QueryException ex) {
            throw ApiException.invalidParam("query", ex.getMessage());
        }
        String text = e.toString();
        return ApiResult.of(g -> g.writeString(text));
    }

    // ---- series, labels, metadata ----------------------------------------------------------

    ApiResult series(Backend b, ApiRequest req) {
        Params p = req.params();
        if (p.all("match[]").isEmpty()) {
            throw ApiException.badData("no match[] parameter provided");
        }
        long start = timeParam(p, "start", ApiTime.MIN_TIME_MS);
        long end = timeParam(p, "end", ApiTime.MAX_TIME_MS);
        List<Matcher[]> sets = matcherSets(b.engine(), p.all("match[]"), true);
        int limit = limit(p);
        SelectHints hints = new SelectHints(start, end, 0, 0, "series");
        QueryGate.Admission a = admit(b, p);
        Querier q = null;
        boolean handedOver = false;
        try {
            q = b.storage().querier(start, end);
            if (sets.size() == 1) {
                SeriesSet s = q.select(true, hints, sets.get(0));
                check(a, SERIES_STAGE);
                handedOver = true;
                Querier open = q;
                return ApiResult.streaming(g -> {
                    int n = 0;
                    boolean truncated = false;
                    g.writeStartArray();
                    while (s.next()) {
                        // Past the status line a late answer can only be cut short.
                        a.tick(SERIES_STAGE);
                        if (limit > 0 && n == limit) {
                            truncated = true;
                            break;
                        }
                        ApiJson.labels(g, s.at().labels());
                        n++;
                    }
                    g.writeEndArray();
                    return truncated;
                }, () -> {
                    try {
                        open.close();
                    } finally {
                        a.close();
                    }
                });
            }
            TreeSet<Labels> all = new TreeSet<>();
            for (Matcher[] ms : sets) {
                SeriesSet s = q.select(true, hints, ms);
                while (s.next()) {
                    tick(a, SERIES_STAGE);
                    all.add(s.at().labels());
                }
            }
            List<Labels> out = truncate(new ArrayList<>(all), limit);
            List<String> warnings = out.size() < all.size() ? List.of(TRUNCATED) : List.of();
            return new ApiResult(g -> {
                g.writeStartArray();
                for (Labels l : out) {
                    ApiJson.labels(g, l);
                }
                g.writeEndArray();
            }, warnings);
        } finally {
            if (!handedOver) {
                try {
                    if (q != null) {
                        q.close();
                    }
                } finally {
                    a.close();
                }
            }
        }
    }

    static void tick(QueryGate.Admission a, String stage) {
        try {
            a.tick(stage);
        } catch (QueryException e) {
            throw new ApiException(e.errorType(), e.getMessage());
        }
    }

    ApiResult labels(Backend b, ApiRequest req) {
        Params p = req.params();
        long start = timeParam(p, "start", ApiTime.MIN_TIME_MS);
        long end = timeParam(p, "end", ApiTime.MAX_TIME_MS);
        List<Matcher[]> sets = matcherSets(b.engine(), p.all("match[]"), false);
        int limit = limit(p);
        TreeSet<String> names = new TreeSet<>();
        try (QueryGate.Admission a = admit(b, p); Querier q = b.storage().querier(start, end)) {
            if (sets.isEmpty()) {
                names.addAll(q.labelNames());
            } else {
                for (Matcher[] ms : sets) {
                    check(a, LABELS_STAGE);
                    names.addAll(q.labelNames(ms));
                }
            }
            check(a, LABELS_STAGE);
        }
        return stringList(names, limit);
    }

    ApiResult labelValues(Backend b, ApiRequest req) {
        Params p = req.params();
        String raw = req.pathParam("name");
        if (!LABEL_NAME.matcher(raw).matches()) {
            throw ApiException.badData("invalid label name: " + GoText.quote(raw));
        }
        // Clients escape names that are not legacy identifiers as U__...; a name that does
        // not unescape is taken literally.
        String name = raw.startsWith("U__") ? unescapeName(raw) : raw;
        if (name == null) {
            name = raw;
        }
        long start = timeParam(p, "start", ApiTime.MIN_TIME_MS);
        long end = timeParam(p, "end", ApiTime.MAX_TIME_MS);
        List<Matcher[]> sets = matcherSets(b.engine(), p.all("match[]"), false);
        int limit = limit(p);
        TreeSet<String> values = new TreeSet<>();
        try (QueryGate.Admission a = admit(b, p); Querier q = b.storage().querier(start, end)) {
            if (sets.isEmpty()) {
                values.addAll(q.labelValues(name));
            } else {
                for (Matcher[] ms : sets) {
                    check(a, LABEL_VALUES_STAGE);
                    values.addAll(q.labelValues(name, ms));
                }
            }
            check(a, LABEL_VALUES_STAGE);
        }
        return stringList(values, limit);
    }

    private static ApiResult stringList(TreeSet<String> all, int limit) {
        List<String> out = truncate(new ArrayList<>(all), limit);
        List<String> warnings = out.size() < all.size() ? List.of(TRUNCATED) : List.of();
        return new ApiResult(g -> ApiJson.strings(g, out), warnings);
    }

    private static <T> List<T> truncate(List<T> l, int limit) {
        return limit > 0 && l.size() > limit ? l.subList(0, limit) : l;
    }

    ApiResult metadata(Backend b, ApiRequest req) {
        Params p = req.params();
        int limit = intParam(p, "limit", -1, "limit must be a number");
        int perMetric = intParam(p, "limit_per_metric", -1, "limit_per_metric must be a number");
        String metric = p.get("metric");
        Map<String, Metadata> all = new TreeMap<>(b.storage().metadata());
        return ApiResult.of(g -> {
            g.writeStartObject();
            int n = 0;
            for (Map.Entry<String, Metadata> e : all.entrySet()) {
                if (!metric.isEmpty() && !metric.equals(e.getKey())) {
                    continue;
                }
                if (limit >= 0 && n >= limit) {
                    break;
                }
                g.writeArrayFieldStart(e.getKey());
                if (perMetric != 0) {
                    Metadata m = e.getValue();
                    g.writeStartObject();
                    g.writeStringField("type", m.type() == null ? "" : m.type());
                    g.writeStringField("help", m.help() == null ? "" : m.help());
                    g.writeStringField("unit", m.unit() == null ? "" : m.unit());
                    g.writeEndObject();
                }
                g.writeEndArray();
                n++;
            }
            g.writeEndObject();
        });
    }

    // ---- status ----------------------------------------------------------------------------

    ApiResult buildInfo(Backend b, ApiRequest req) {
        // No "features" key: clients read a non-empty features map as a Mimir ruler.
        return ApiResult.of(g -> {
            g.writeStartObject();
            g.writeStringField("version", ServerInfo.API_VERSION);
            g.writeStringField("revision", "vigil-" + info.version());
            g.writeStringField("branch", "vigil");
            g.writeStringField("buildUser", "vigil");
            g.writeStringField("buildDate", "unknown");
            g.writeStringField("goVersion", "java" + Runtime.version().feature());
            g.writeEndObject();
        });
    }

    ApiResult runtimeInfo(Backend b, ApiRequest req) {
        return ApiResult.of(g -> {
            g.writeStartObject();
            g.writeStringField("startTime", Instant.ofEpochMilli(info.startTimeMs()).toString());
            g.writeStringField("CWD", Path.of("").toAbsolutePath().toString());
            g.writeBooleanField("reloadConfigSuccess", info.reloadOk().get());
            g.writeStringField("lastConfigTime", Instant.ofEpochMilli(info.lastConfigTimeMs().get()).toString());
            g.writeNumberField("corruptionCount", 0);
            g.writeNumberField("goroutineCount", ManagementFactory.getThreadMXBean().getThreadCount());
            g.writeNumberField("GOMAXPROCS", Runtime.getRuntime().availableProcessors());
            g.writeStringField("GOGC", "");
            g.writeStringField("GODEBUG", "");
            g.writeStringField("storageRetention", info.retention());
            g.writeEndObject();
        });
    }

    // ---- parameters ------------------------------------------------------------------------

    /** Prometheus's parseTimeParam: absent → default; bad → "Invalid time value for 'x'". */
    static long timeParam(Params p, String name, long dflt) {
        String v = p.get(name);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            return ApiTime.parseTime(v);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParam(name, "Invalid time value for '" + name + "': " + e.getMessage());
        }
    }

    private static long requiredTime(Params p, String name) {
        try {
            return ApiTime.parseTime(p.get(name));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalidParam(name, e.getMessage());
        }
    }

    private static int limit(Params p) {
        String v = p.get("limit");
        if (v.isEmpty()) {
            return 0;
        }
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.invalidParam("limit", "cannot parse " + GoText.quote(v) + " to a valid limit");
        }
        if (n < 0) {
            throw ApiException.invalidParam("limit", "limit must be non-negative");
        }
        return n;
    }

    private static int intParam(Params p, String name, int dflt, String error) {
        String v = p.get(name);
        if (v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.badData(error);
        }
    }

    /**
     * Each {@code match[]} as a plain series selector; together they must say something: a set
     * whose matchers all match the empty string would select every series. The series endpoint
     * prefixes its errors with {@code invalid parameter "match[]": }, the label endpoints do not
     * (as in 2.42).
     */
    static List<Matcher[]> matcherSets(Engine engine, List<String> selectors, boolean prefixErrors) {
        String prefix = prefixErrors ? "invalid parameter \"match[]\": " : "";
        String allEmpty = prefix + "match[] must contain at least one non-empty matcher";
        List<Matcher[]> out = new ArrayList<>(selectors.size());
        for (String s : selectors) {
            Expr e;
            try {
                e = engine.parse(s);
            } catch (QueryException ex) {
                // The PromQL parser refuses an all-empty selector itself; here that is the
                // match[] rule's error.
                if (ex.getMessage().endsWith("vector selector must contain at least one non-empty matcher")) {
                    throw ApiException.badData(allEmpty);
                }
                throw new ApiException(ex.errorType(), prefix + ex.getMessage());
            }
            if (!(e instanceof VectorSelector vs) || vs.offsetMs() != 0 || vs.at() != null) {
                throw ApiException.badData(prefix + "1:1: parse error: " + GoText.quote(s) + " is not a series selector");
            }
            out.add(vs.matchers().toArray(new Matcher[0]));
        }
        for (Matcher[] ms : out) {
            boolean any = false;
            for (Matcher m : ms) {
                any |= !m.matchesEmpty();
            }
            if (!any) {
                throw ApiException.badData(allEmpty);
            }
        }
        return out;
    }

    /**
     * Undoes the {@code U__} escaping of label names that are not legacy identifiers:
     * {@code __} is {@code _}, {@code _1F600_} is a code point; null when malformed.
     */
    static String unescapeName(String s) {
        StringBuilder sb = new StringBuilder();
        int i = 3;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '_') {
                sb.append(c);
                i++;
                continue;
            }
            if (i + 1 < s.length() && s.charAt(i + 1) == '_') {
                sb.append('_');
                i += 2;
                continue;
            }
            int close = s.indexOf('_', i + 1);
            if (close < 0) {
                return null;
            }
            try {
                sb.appendCodePoint(Integer.parseInt(s.substring(i + 1, close), 16));
            } catch (IllegalArgumentException e) {
                return null;
            }
            i = close + 1;
        }
        return sb.toString();
    }
}
