package dev.vigil.query.eval;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.query.QueryException;
import dev.vigil.query.QueryOptions;
import dev.vigil.query.QueryResult;
import dev.vigil.query.value.Matrix;
import dev.vigil.query.value.Sample;
import dev.vigil.query.value.Scalar;
import dev.vigil.query.value.SeriesData;
import dev.vigil.query.value.StringValue;
import dev.vigil.query.value.Value;
import dev.vigil.query.value.Vector;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.testing.MemoryStorage;
import dev.vigil.tsdb.testing.References;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Compares Vigil's engine with the real Prometheus 2.42 on the same Flink-shaped data, for
 * hundreds of instant and range queries covering every function, operator, modifier and
 * aggregation, over the reference memory store and over the real store ({@code Db}). Values must agree within Prometheus's test tolerance (relative 1e-6, NaN equals
 * NaN), label sets exactly, errors in type.
 *
 * <p>Staleness markers cannot be backfilled through OpenMetrics, so staleness is covered by the
 * script tests ({@code promql/staleness.test}) instead.
 */
class PrometheusDifferentialTest {
    static final long T0 = 1_700_000_000_000L;
    static final long SPAN = 3_600_000L;

    private static ReferencePrometheus prom;
    /** Comparisons where Prometheus answered with data, so the test cannot pass on empty answers. */
    private static int nonEmpty;
    /** Values Vigil and Prometheus both returned and that agreed, so a run that compares nothing fails. */
    private static long comparedSamples;
    private static PromEngine vigil;
    /** The same engine over the real store, loaded as scrapes would arrive. */
    private static PromEngine vigilDb;
    private static dev.vigil.tsdb.db.Db db;
    private static java.nio.file.Path dbDir;

    @BeforeAll
    static void start() throws Exception {
        References.require("prometheus");
        References.require("promtool");
        List<ReferencePrometheus.Data> data = FlinkData.small(T0, SPAN, 42);
        MemoryStorage storage = new MemoryStorage();
        FlinkData.load(storage, data);
        vigil = new PromEngine(storage, EngineOptions.DEFAULT);
        dbDir = java.nio.file.Files.createTempDirectory("vigil-differential-db");
        db = dev.vigil.tsdb.db.Db.open(dev.vigil.tsdb.db.DbOptions.builder(dbDir).clock(() -> T0 + SPAN).build());
        loadInTimeOrder(db, data);
        vigilDb = new PromEngine(db, EngineOptions.DEFAULT);
        prom = new ReferencePrometheus(data);
    }

    @AfterAll
    static void stop() throws Exception {
        if (prom != null) {
            prom.close();
        }
        if (db != null) {
            db.close();
        }
        if (dbDir != null) {
            try (var walk = java.nio.file.Files.walk(dbDir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Sample i of every series before sample i+1 of any; each series stays in time order. */
    static void loadInTimeOrder(dev.vigil.tsdb.Storage store, List<ReferencePrometheus.Data> data) throws Exception {
        List<long[]> events = new ArrayList<>();
        for (int s = 0; s < data.size(); s++) {
            for (int i = 0; i < data.get(s).t().length; i++) {
                events.add(new long[] {data.get(s).t()[i], s, i});
            }
        }
        events.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] refs = new long[data.size()];
        dev.vigil.tsdb.Appender app = store.appender();
        int pending = 0;
        for (long[] e : events) {
            ReferencePrometheus.Data d = data.get((int) e[1]);
            refs[(int) e[1]] = app.append(refs[(int) e[1]], d.labels(), e[0], d.v()[(int) e[2]]);
            if (++pending == 10_000) {
                app.commit();
                app = store.appender();
                pending = 0;
            }
        }
        app.commit();
    }

    static List<String> queries() {
        String c = FlinkData.RECORDS_IN;
        String g = FlinkData.BACK_PRESSURE;
        String w = FlinkData.WATERMARK;
        String m = FlinkData.MAILBOX;
        String h = FlinkData.LATENCY + "_bucket";
        String e = "edge_values";
        String sp = "edge_sparse";
        List<String> q = new ArrayList<>();
        // Selectors, offsets, @, regexes.
        for (String s : new String[] {c, g, w, m, h, e, sp, g + "{job_name=\"wordcount\"}", g + "{job_name=~\"word.*|etl\"}",
            g + "{job_name!~\"etl\",task_name!=\"map\"}", "{__name__=~\"edge_.*\"}", g + " offset 5m", g + " offset -2m",
            g + " @ " + (T0 / 1000 + 1800), c + "{subtask_index=\"1\"} @ " + (T0 / 1000 + 600) + " offset 1m",
            sp + "{kind=\"single\"}", g + "{nothere=\"\"}", g + "{job_name=~\"\"}"}) {
            q.add(s);
        }
        // Range functions on counters.
        for (String f : new String[] {"rate", "irate", "increase", "delta", "idelta", "deriv", "resets", "changes"}) {
            for (String r : new String[] {"1m", "5m", "90s", "20s"}) {
                q.add(f + "(" + c + "[" + r + "])");
            }
            q.add(f + "(" + c + "[5m] offset 10m)");
            q.add(f + "(" + sp + "[5m])");
            q.add(f + "(" + e + "[2m])");
        }
        q.add("rate(" + c + "[5m] @ " + (T0 / 1000 + 1200) + ")");
        q.add("rate(" + FlinkData.LATENCY + "_count[3m])");
        q.add("predict_linear(" + c + "[5m], 600)");
        q.add("predict_linear(" + w + "[10m], -60)");
        q.add("holt_winters(" + g + "[5m], 0.5, 0.5)");
        q.add("holt_winters(" + c + "[10m], 0.1, 0.9)");
        q.add("holt_winters(" + c + "[10m], 1, 0.9)");
        // *_over_time on gauges and edge values.
        for (String f : new String[] {"avg", "min", "max", "sum", "count", "last", "present", "stddev", "stdvar"}) {
            q.add(f + "_over_time(" + g + "[5m])");
            q.add(f + "_over_time(" + e + "[1m])");
            q.add(f + "_over_time(" + sp + "[3m])");
        }
        for (String qq : new String[] {"0", "0.5", "0.9", "1", "-1", "2"}) {
            q.add("quantile_over_time(" + qq + ", " + m + "{quantile=\"0.99\"}[5m])");
        }
        q.add("quantile_over_time(0.5, " + e + "[2m])");
        q.add("absent_over_time(" + sp + "{kind=\"sparse\"}[1m])");
        q.add("absent_over_time(nonexistent{job=\"x\",a=~\"b\"}[5m])");
        q.add("absent(nonexistent{job=\"x\",instance=\"y\"})");
        q.add("absent(" + g + ")");
        q.add("absent(sum(nonexistent))");
        // Instant functions.
        for (String f : new String[] {"abs", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt", "sgn", "sin", "cos", "tan",
            "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "deg", "rad"}) {
            q.add(f + "(" + e + ")");
            q.add(f + "(" + g + " / 1000)");
        }
        q.add("round(" + g + ", 10)");
        q.add("round(" + e + ")");
        q.add("round(" + g + " / 3)");
        q.add("clamp(" + g + ", 100, 900)");
        q.add("clamp(" + g + ", 900, 100)");
        q.add("clamp_min(" + e + ", 0)");
        q.add("clamp_max(" + g + ", 250)");
        q.add("timestamp(" + g + ")");
        q.add("timestamp(sum(" + g + "))");
        q.add("timestamp(" + g + " @ " + (T0 / 1000 + 900) + ")");
        q.add("time()");
        q.add("pi()");
        q.add("vector(time())");
        q.add("scalar(sum(" + g + "))");
        q.add("scalar(" + g + ")");
        q.add("sort(" + g + ")");
        q.add("sort_desc(" + e + ")");
        for (String f : new String[] {"day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year"}) {
            q.add(f + "()");
            q.add(f + "(" + w + " / 1000)");
        }
        q.add("label_replace(" + g + ", \"job_short\", \"$1\", \"job_name\", \"(.{4}).*\")");
        q.add("label_replace(" + g + ", \"task_name\", \"\", \"task_name\", \"map\")");
        q.add("label_replace(" + g + ", \"x\", \"${1}-$2\", \"host\", \"tm-(\\\\d)\")");
        q.add("label_replace(" + g + ", \"bad-name\", \"$1\", \"host\", \"(.*)\")");
        q.add("label_replace(" + g + ", \"x\", \"$1\", \"host\", \"(.*\")");
        q.add("label_join(" + g + ", \"id\", \"/\", \"job_name\", \"task_name\", \"subtask_index\")");
        q.add("label_join(" + g + ", \"job_name\", \"\", \"nothere\")");
        // Histograms and summaries.
        for (String qq : new String[] {"0", "0.5", "0.9", "0.99", "1", "-0.5", "1.5"}) {
            q.add("histogram_quantile(" + qq + ", rate(" + h + "[5m]))");
        }
        q.add("histogram_quantile(0.9, sum by (le) (rate(" + h + "[5m])))");
        q.add("histogram_quantile(0.9, " + h + ")");
        q.add("histogram_quantile(0.5, " + m + ")");
        // Aggregations.
        for (String a : new String[] {"sum", "avg", "min", "max", "count", "group", "stddev", "stdvar"}) {
            q.add(a + "(" + g + ")");
            q.add(a + " by (job_name) (" + g + ")");
            q.add(a + " without (subtask_index, host) (" + c + ")");
            q.add(a + "(" + e + ")");
            q.add(a + " by (kind) (" + e + ")");
        }
        for (String a : new String[] {"topk", "bottomk"}) {
            q.add(a + "(3, " + g + ")");
            q.add(a + "(2, " + c + ") by (job_name)");
            q.add(a + "(1, " + e + ")");
            q.add(a + "(0, " + g + ")");
            q.add(a + "(scalar(count(" + g + ")) / 10, " + g + ")");
        }
        q.add("quantile(0.9, " + g + ")");
        q.add("quantile by (job_name) (0.5, " + c + ")");
        q.add("quantile(2, " + g + ")");
        q.add("quantile(0.5, " + e + ")");
        q.add("count_values(\"bp\", " + g + ")");
        q.add("count_values by (job_name) (\"bp\", " + g + ")");
        q.add("count_values(\"v\", " + e + ")");
        q.add("count_values(\"bad-label\", " + g + ")");
        q.add("sum by (job_name) (rate(" + c + "[1m]))");
        q.add("topk(10, max by (job_name, task_name, subtask_index) (" + g + "))");
        q.add("max by (job_name) (quantile_over_time(0.95, " + m + "{quantile=\"0.99\"}[5m]))");
        q.add("max by (job_name) (timestamp(" + w + ") * 1000 - " + w + ")");
        // Binary operators.
        for (String op : new String[] {"+", "-", "*", "/", "%", "^", "atan2"}) {
            q.add(g + " " + op + " 7");
            q.add("3 " + op + " " + g);
            q.add(c + " " + op + " " + c);
            q.add(e + " " + op + " " + e);
            q.add("2 " + op + " 3");
        }
        for (String op : new String[] {"==", "!=", ">", "<", ">=", "<="}) {
            q.add(g + " " + op + " 500");
            q.add("500 " + op + " " + g);
            q.add(g + " " + op + " bool 500");
            q.add(c + " " + op + " ignoring(host) " + c);
            q.add(e + " " + op + " " + e);
            q.add("1 " + op + " bool 2");
        }
        q.add(c + " / on(job_name, task_name, subtask_index) " + g);
        q.add(c + " / ignoring(host, job) " + g);
        q.add(c + " > on(job_name, task_name, subtask_index) " + g);
        q.add(c + " > bool on(job_name, task_name, subtask_index) " + g);
        q.add(c + " + on(job_name) " + g);
        q.add(c + " * on(job_name, task_name, subtask_index) group_left " + g);
        q.add(g + " * on(job_name) group_left(host) sum by (job_name, host) (" + c + ")");
        q.add("sum by (job_name) (" + c + ") * on(job_name) group_right " + g);
        q.add("sum by (job_name) (" + c + ") / on(job_name) group_right(task_name) " + g);
        q.add(g + " and " + c);
        q.add(g + " and on(job_name) " + g + "{task_name=\"map\"}");
        q.add(g + " or " + e);
        q.add(g + "{job_name=\"etl\"} or on(task_name) " + g);
        q.add(g + " unless " + g + "{task_name=\"map\"}");
        q.add(g + " unless on(job_name) " + c + "{job_name=\"etl\"}");
        q.add(g + " > 100 and " + g + " < 900");
        q.add("-" + g);
        q.add("-(" + g + " + 1)");
        q.add("2 ^ 3 ^ 2");
        q.add("-2 ^ 2");
        q.add("(1 + 2) * 3 - 4 / 5 % 3");
        q.add("time() - 60");
        q.add("abs({__name__=~\"" + g + "|" + w + "\"})");
        q.add("rate({__name__=~\"" + c + "|" + g + "\"}[5m])");
        q.add("-{__name__=~\"" + g + "|" + w + "\"}");
        q.add("{__name__=~\"" + g + "|" + w + "\"} + 1");
        q.add("last_over_time({__name__=~\"" + g + "|" + w + "\"}[5m])");
        // Subqueries.
        q.add("max_over_time(rate(" + c + "[1m])[10m:1m])");
        q.add("avg_over_time(" + g + "[10m:])");
        q.add("rate(" + c + "[5m:30s])");
        q.add("min_over_time(sum(" + g + ")[30m:5m] offset 5m)");
        q.add("sum_over_time(" + g + "[7m:45s] @ " + (T0 / 1000 + 2400) + ")");
        q.add("max_over_time(max_over_time(" + g + "[2m:20s])[6m:1m])");
        q.add("count_over_time(" + sp + "[10m:1m])");
        q.add("absent_over_time(nonexistent[5m:1m])");
        q.add("deriv(sum(" + c + ")[15m:1m])");
        q.add("quantile_over_time(0.9, rate(" + c + "[2m])[20m:2m])");
        return q;
    }

    @Test
    void instantQueriesAgree() throws Exception {
        long[] times = {T0 + 30 * 60_000L, T0 + 5 * 60_000L + 3, T0 + 59 * 60_000L + 30_000, T0 + 63 * 60_000L, T0 + 20 * 60_000L};
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        for (String q : queries()) {
            for (long t : times) {
                n++;
                String where = "instant " + q + " @ " + t;
                JsonNode p = prom.instant(q, t);
                compare(where, p, () -> vigil.instant(q, t, QueryOptions.DEFAULT), ordered(q), mismatches);
                compare(where + " [Db]", p, () -> vigilDb.instant(q, t, QueryOptions.DEFAULT), ordered(q), mismatches);
            }
        }
        report(n, mismatches);
    }

    @Test
    void rangeQueriesAgree() throws Exception {
        long[][] ranges = {{T0, T0 + SPAN, 60_000}, {T0 + 123_000, T0 + 3_000_000, 37_000}, {T0 + 40 * 60_000L, T0 + 70 * 60_000L, 15_000}};
        List<String> mismatches = new ArrayList<>();
        int n = 0;
        for (String q : queries()) {
            for (long[] r : ranges) {
                n++;
                String where = "range " + q + " [" + r[0] + "," + r[1] + "," + r[2] + "]";
                JsonNode p = prom.range(q, r[0], r[1], r[2]);
                if ((q.startsWith("topk") || q.startsWith("bottomk")) && "success".equals(p.path("status").asText())) {
                    compareSelectedValues(where, p, vigil.range(q, r[0], r[1], r[2], QueryOptions.DEFAULT), mismatches);
                    compareSelectedValues(where + " [Db]", p, vigilDb.range(q, r[0], r[1], r[2], QueryOptions.DEFAULT), mismatches);
                    continue;
                }
                compare(where, p, () -> vigil.range(q, r[0], r[1], r[2], QueryOptions.DEFAULT), false, mismatches);
                compare(where + " [Db]", p, () -> vigilDb.range(q, r[0], r[1], r[2], QueryOptions.DEFAULT), false, mismatches);
            }
        }
        report(n, mismatches);
    }

    /**
     * Documented exclusion: in a range query Prometheus feeds topk/bottomk its input in hash-map
     * order, so which of several tied series is chosen varies from run to run. The chosen values
     * per step are still determined, so those are compared.
     */
    private static void compareSelectedValues(String where, JsonNode p, QueryResult r, List<String> mismatches) {
        Map<Long, List<Double>> expected = new TreeMap<>();
        for (JsonNode s : p.path("data").path("result")) {
            for (JsonNode pt : s.path("values")) {
                expected.computeIfAbsent(millis(pt.get(0)), k -> new ArrayList<>()).add(value(pt.get(1).asText()));
            }
        }
        Map<Long, List<Double>> got = new TreeMap<>();
        for (SeriesData s : ((Matrix) r.value()).series()) {
            for (int i = 0; i < s.count(); i++) {
                got.computeIfAbsent(s.timestamps()[i], k -> new ArrayList<>()).add(s.values()[i]);
            }
        }
        expected.values().forEach(java.util.Collections::sort);
        got.values().forEach(java.util.Collections::sort);
        if (!expected.toString().equals(got.toString())) {
            mismatches.add(where + ": selected values differ");
        } else {
            comparedSamples += got.values().stream().mapToLong(List::size).sum();
        }
    }

    private static boolean ordered(String q) {
        return q.startsWith("sort");
    }

    private static void report(int n, List<String> mismatches) {
        if (!mismatches.isEmpty()) {
            StringBuilder sb = new StringBuilder(mismatches.size() + " of " + n + " queries differ from Prometheus:\n");
            mismatches.stream().limit(40).forEach(s -> sb.append(s).append('\n'));
            throw new AssertionError(sb.toString());
        }
        assertTrue(n > 300, "too few queries: " + n);
        assertTrue(nonEmpty > n / 2, "most answers should carry data, only " + nonEmpty + " of " + n + " did");
        assertTrue(comparedSamples >= nonEmpty, "only " + comparedSamples + " values compared over " + nonEmpty + " answers with data");
        nonEmpty = 0;
        comparedSamples = 0;
    }

    private interface Run {
        QueryResult run();
    }

    private static void compare(String where, JsonNode p, Run vigilRun, boolean ordered, List<String> mismatches) {
        QueryResult r = null;
        QueryException err = null;
        try {
            r = vigilRun.run();
        } catch (QueryException e) {
            err = e;
        }
        boolean promErr = !"success".equals(p.path("status").asText());
        if (promErr || err != null) {
            if (!promErr) {
                mismatches.add(where + ": Vigil failed (" + err.errorType().text + ": " + err.getMessage() + "), Prometheus did not");
            } else if (err == null) {
                mismatches.add(where + ": Prometheus failed (" + p.path("errorType").asText() + ": " + p.path("error").asText()
                        + "), Vigil did not");
            } else if (!err.errorType().text.equals(p.path("errorType").asText())) {
                mismatches.add(where + ": error types differ: Vigil " + err.errorType().text + " (" + err.getMessage() + "), Prometheus "
                        + p.path("errorType").asText() + " (" + p.path("error").asText() + ")");
            }
            return;
        }
        JsonNode data = p.path("data");
        String type = data.path("resultType").asText();
        if (!(data.path("result").isArray() && data.path("result").isEmpty())) {
            nonEmpty++;
        }
        String diff = switch (type) {
            case "vector" -> compareVector(data.path("result"), r.value(), ordered);
            case "matrix" -> compareMatrix(data.path("result"), r.value());
            case "scalar" -> r.value() instanceof Scalar s ? comparePoint(data.path("result"), s.t(), s.v()) : "type " + r.value();
            case "string" -> r.value() instanceof StringValue s && s.s().equals(data.path("result").get(1).asText()) ? null
                    : "string " + r.value();
            default -> "unknown result type " + type;
        };
        if (diff != null) {
            mismatches.add(where + ": " + diff);
        } else if (type.equals("string")) {
            comparedSamples++;
        }
    }

    private static Labels labels(JsonNode metric) {
        Labels.Builder b = Labels.builder();
        Iterator<Map.Entry<String, JsonNode>> it = metric.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            b.set(e.getKey(), e.getValue().asText());
        }
        return b.build();
    }

    private static double value(String s) {
        return switch (s) {
            case "NaN" -> Double.NaN;
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }

    private static long millis(JsonNode ts) {
        return Math.round(ts.asDouble() * 1000);
    }

    private static String comparePoint(JsonNode pair, long t, double v) {
        if (millis(pair.get(0)) != t) {
            return "timestamp " + t + " vs Prometheus " + pair.get(0).asText();
        }
        double pv = value(pair.get(1).asText());
        if (!ScriptRunner.almostEqual(pv, v)) {
            return "value " + v + " vs Prometheus " + pv;
        }
        comparedSamples++;
        return null;
    }

    private static String compareVector(JsonNode result, Value value, boolean ordered) {
        if (!(value instanceof Vector vec)) {
            return "Vigil returned " + value.getClass().getSimpleName() + ", Prometheus a vector";
        }
        Map<Labels, JsonNode> expected = new TreeMap<>();
        List<Double> expectedOrder = new ArrayList<>();
        for (JsonNode s : result) {
            expected.put(labels(s.path("metric")), s.path("value"));
            expectedOrder.add(value(s.path("value").get(1).asText()));
        }
        if (expected.size() != vec.samples().size()) {
            return "Vigil has " + vec.samples().size() + " samples, Prometheus " + expected.size() + ": " + firstFew(vec.samples())
                    + " vs " + expected.keySet();
        }
        for (int i = 0; i < vec.samples().size(); i++) {
            Sample s = vec.samples().get(i);
            JsonNode pv = expected.get(s.metric());
            if (pv == null) {
                return "Vigil has " + s.metric() + ", Prometheus not; Prometheus has " + expected.keySet();
            }
            String d = comparePoint(pv, s.t(), s.v());
            if (d != null) {
                return s.metric() + ": " + d;
            }
            if (ordered && !ScriptRunner.almostEqual(expectedOrder.get(i), s.v())) {
                return "order differs at " + i + ": " + s.v() + " vs Prometheus " + expectedOrder.get(i);
            }
        }
        return null;
    }

    private static String firstFew(List<Sample> samples) {
        return samples.stream().limit(5).map(s -> s.metric() + "=" + s.v()).toList().toString();
    }

    private static String compareMatrix(JsonNode result, Value value) {
        if (!(value instanceof Matrix mat)) {
            return "Vigil returned " + value.getClass().getSimpleName() + ", Prometheus a matrix";
        }
        Map<Labels, JsonNode> expected = new TreeMap<>();
        for (JsonNode s : result) {
            expected.put(labels(s.path("metric")), s.path("values"));
        }
        if (expected.size() != mat.series().size()) {
            List<Labels> mine = mat.series().stream().map(SeriesData::metric).limit(6).toList();
            return "Vigil has " + mat.series().size() + " series, Prometheus " + expected.size() + ": " + mine + " vs "
                    + expected.keySet().stream().limit(6).toList();
        }
        for (SeriesData s : mat.series()) {
            JsonNode pv = expected.get(s.metric());
            if (pv == null) {
                return "Vigil has " + s.metric() + ", Prometheus not";
            }
            if (pv.size() != s.count()) {
                return s.metric() + ": Vigil has " + s.count() + " points, Prometheus " + pv.size();
            }
            for (int i = 0; i < s.count(); i++) {
                String d = comparePoint(pv.get(i), s.timestamps()[i], s.values()[i]);
                if (d != null) {
                    return s.metric() + " point " + i + ": " + d;
                }
            }
        }
        return null;
    }
}
