package dev.vigil.server.api;

import dev.vigil.query.text.GoText;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.db.DbStats;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the shapes of a dashboard's queries (aggregations of selectors and rates, arithmetic,
 * topk, comparisons, label values, series) through the API's own endpoints over the store's
 * recent series, writing the JSON nowhere, so the first panels a user opens after a start do
 * not pay for loading and compiling the query path. Bounded in time; it stops early when the
 * server is shutting down, and a failure only costs the warm-up.
 */
public final class ApiWarmup {
    private static final Logger LOG = Logger.getLogger(ApiWarmup.class.getName());
    /** Metric names used; a few cover every code path, more would only cost start-up CPU. */
    private static final int NAMES = 3;
    /** Key of a call's map that sends it through the listener (not a parameter; never sent). */
    static final String HTTP = "vigil.warmup.http";
    /** Calls through the listener before the graphs' shapes run again: past the JIT's first compile threshold. */
    private static final int PER_REQUEST_CALLS = 250;

    private final PrometheusApi api;
    private final Backend backend;
    private final LongSupplier clock;
    private final LongSupplier newestSample;
    /** Null: every call in process; else the light calls go through the listener until one fails. */
    private LoopbackCall loopback;
    private int httpAnswered;

    /**
     * {@code newestSample}: the store's newest sample time (ms), or {@link Long#MIN_VALUE} when
     * unknown; the warm-up's windows end there when that is before {@code clock}.
     */
    public ApiWarmup(PrometheusApi api, Backend backend, LongSupplier clock, LongSupplier newestSample) {
        this.api = api;
        this.backend = backend;
        this.clock = clock;
        this.newestSample = newestSample;
    }

    /**
     * Sends the variables', stat panels' and one-series calls through the plain-HTTP listener at
     * {@code base} (http://host:port/prefix), with {@code headerLine} ("Name: value") marking
     * them as the warm-up's. A listener that answers one of them with anything but 200 (TLS,
     * authentication) gets none after it; the calls then run in process.
     */
    public ApiWarmup overHttp(URI base, String headerLine) {
        this.loopback = new LoopbackCall(base, headerLine);
        return this;
    }

    /**
     * Runs rounds of the warm-up queries for at most {@code budgetMs} of wall time and
     * {@code cpuBudgetMs} of this thread's CPU (it shares the cores with ingestion and the first
     * panels); returns the number of queries answered. {@code stop} ends it between queries.
     */
    public int run(long budgetMs, long cpuBudgetMs, int maxRounds, BooleanSupplier stop) {
        long t0 = System.nanoTime();
        long cpu0 = threadCpuNanos();
        BooleanSupplier spent = () -> threadCpuNanos() - cpu0 > cpuBudgetMs * 1_000_000L;
        long now = windowEnd(clock.getAsLong());
        Map<String, String> names = recentNames(now);
        if (names.isEmpty()) {
            return 0;
        }
        List<Map<String, List<String>>> calls = calls(names, now);
        int n = 0;
        for (int round = 0; round < maxRounds; round++) {
            // The small calls alone until the once-per-request code has run often enough for
            // the JIT to compile it (C1 after ~200 calls; the first minute after a restart
            // brings fewer requests than that), then the graphs' shapes too. The small panels
            // are the ones a cold start makes slower than VictoriaMetrics; the graphs' larger
            // calls, run first, held a core while the first panels waited.
            for (Map<String, List<String>> c : calls) {
                if (loopback != null && httpAnswered < PER_REQUEST_CALLS && !c.containsKey(HTTP)) {
                    continue;
                }
                if (spent.getAsBoolean() || !waitIdle(t0, budgetMs, stop)) {
                    return n;
                }
                if (c.containsKey(HTTP) && loopback != null ? answerOverHttp(c) : answer(c)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** How many of the calls answered went through the listener. */
    public int httpAnswered() {
        return httpAnswered;
    }

    /** This thread's CPU time, or 0 where the JVM cannot tell (then only the wall budget bounds it). */
    private static long threadCpuNanos() {
        ThreadMXBean t = ManagementFactory.getThreadMXBean();
        return t.isCurrentThreadCpuTimeSupported() ? t.getCurrentThreadCpuTime() : 0;
    }

    /**
     * Where the warm-up's windows end: the newest sample the store holds when that is older
     * than the clock. A store restarted after hours down (or holding imported history) has
     * nothing in the clock's last hour, and a warm-up there would find no names and compile
     * nothing; dashboards look at the data, wherever it ends.
     */
    private long windowEnd(long clockMs) {
        long newest;
        try {
            newest = newestSample.getAsLong();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "query warm-up could not read the store's newest time", e);
            return clockMs;
        }
        return newest > 0 && newest < clockMs ? newest : clockMs;
    }

    /** The newest sample time of an on-disk store (head or blocks), or {@link Long#MIN_VALUE} when it holds none. */
    public static long newestSample(DbStats s) {
        long newest = s.headMaxT();
        for (DbStats.BlockInfo b : s.blocks()) {
            // A block's maxT is exclusive.
            newest = Math.max(newest, b.maxT() - 1);
        }
        return newest;
    }

    /**
     * Waits while a user's request is being answered: the warm-up shares two cores with the
     * first panels after a start and must not slow them. False once out of budget or stopped.
     */
    private boolean waitIdle(long t0, long budgetMs, BooleanSupplier stop) {
        while (true) {
            if (stop.getAsBoolean() || System.nanoTime() - t0 > budgetMs * 1_000_000L) {
                return false;
            }
            if (!api.busy()) {
                return true;
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Up to {@link #NAMES} metric names seen in the last hour, each with a label to group by. */
    private Map<String, String> recentNames(long now) {
        Map<String, String> out = new LinkedHashMap<>();
        try (Querier q = backend.storage().querier(now - 3_600_000, now)) {
            List<String> all = q.labelValues(Labels.METRIC_NAME);
            for (int i = 0; i < all.size() && out.size() < NAMES; i += Math.max(1, all.size() / NAMES)) {
                String name = all.get(i);
                SeriesSet s = q.select(false, null, Matcher.eq(Labels.METRIC_NAME, name));
                if (s.next()) {
                    Labels l = s.at().labels();
                    for (int k = 0; k < l.size(); k++) {
                        if (!l.name(k).equals(Labels.METRIC_NAME)) {
                            // name, then label and one of its values: "tm_id", "tm_id=\"tm0\"".
                            out.put(name, l.name(k) + "\n" + l.name(k) + "=" + GoText.quote(l.value(k)));
                            break;
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "query warm-up found no series", e);
        }
        return out;
    }

    private static List<Map<String, List<String>>> calls(Map<String, String> names, long now) {
        String end = Long.toString(now / 1000);
        String start = Long.toString(now / 1000 - 3600);
        // A day back reaches the persisted blocks (the last hour is mostly the head), whose
        // read path a dashboard's 24 h graphs and variables go through.
        String dayStart = Long.toString(now / 1000 - 86_400);
        // The cheap calls a dashboard opens with (its variables, stat panels) first, for every
        // name, so they are compiled before the first user asks them; the graphs' shapes after.
        List<Map<String, List<String>>> light = new ArrayList<>();
        List<Map<String, List<String>>> out = new ArrayList<>();
        for (Map.Entry<String, String> e : names.entrySet()) {
            String m = e.getKey();
            String[] label = e.getValue().split("\n", 2);
            String l = label[0];
            // One series' worth a day back: the blocks' read path compiled without reading a
            // day of a metric with many series while the first panels wait.
            String one = m + "{" + label[1] + "}";
            String sel = m + "{" + l + "=~\".+\"}";
            for (String from : List.of(start, dayStart)) {
                String match = from.equals(start) ? sel : one;
                light.add(Map.of("kind", List.of("values"), "name", List.of(l), "match[]", List.of(match), "start", List.of(from),
                        "end", List.of(end)));
                light.add(Map.of("kind", List.of("series"), "match[]", List.of(from.equals(start) ? m : one), "start",
                        List.of(from), "end", List.of(end)));
            }
            light.add(Map.of("kind", List.of("instant"), "query", List.of("max(" + sel + ") / 1000"), "time", List.of(end)));
            light.add(Map.of("kind", List.of("instant"), "query", List.of(one + " / 1000"), "time", List.of(end)));
            for (String q : List.of("sum by (" + l + ") (rate(" + sel + "[5m]))", "max by (" + l + ") (" + sel + ")",
                    "avg by (" + l + ") (" + m + ")", "increase(" + m + "[5m]) / 5", m + " * 100", m + " / " + m,
                    "topk(5, " + sel + ")", "time() * 1000 - min by (" + l + ") (" + m + " > 0)")) {
                out.add(range(q, start, end, "15"));
            }
            for (String q : List.of("sum by (" + l + ") (rate(" + one + "[1m]))", one + " / " + one + " * 100")) {
                out.add(overHttp(range(q, dayStart, end, "60")));
            }
        }
        List<Map<String, List<String>>> all = new ArrayList<>();
        for (Map<String, List<String>> c : light) {
            all.add(overHttp(c));
        }
        all.addAll(out);
        return all;
    }

    /**
     * Marks a call to go through the listener: the small ones, whose answer is mostly the
     * per-request path; the graphs' larger shapes stay in process.
     */
    private static Map<String, List<String>> overHttp(Map<String, List<String>> call) {
        Map<String, List<String>> m = new HashMap<>(call);
        m.put(HTTP, List.of("1"));
        return m;
    }

    private static Map<String, List<String>> range(String q, String start, String end, String step) {
        return Map.of("kind", List.of("range"), "query", List.of(q), "start", List.of(start), "end", List.of(end),
                "step", List.of(step));
    }

    private boolean answerOverHttp(Map<String, List<String>> call) {
        try {
            if (loopback.send(call)) {
                httpAnswered++;
                return true;
            }
            LOG.fine("query warm-up: the listener answered " + loopback.lastStatus() + " to " + call + "; the rest run in process");
        } catch (IOException e) {
            LOG.log(Level.FINE, "query warm-up: the listener cannot be reached; the rest run in process", e);
        }
        loopback = null;
        return answer(call);
    }

    private boolean answer(Map<String, List<String>> call) {
        Params p = Params.of(call);
        ApiResult r = null;
        try {
            r = switch (p.get("kind")) {
                case "range" -> api.queryRange(backend, new ApiRequest(p, Map.of()));
                case "instant" -> api.query(backend, new ApiRequest(p, Map.of()));
                case "values" -> api.labelValues(backend, new ApiRequest(p, Map.of("name", p.get("name"))));
                default -> api.series(backend, new ApiRequest(p, Map.of()));
            };
            r.writeTo(OutputStream.nullOutputStream());
            return true;
        } catch (Exception e) {
            LOG.log(Level.FINE, "query warm-up call failed", e);
            return false;
        } finally {
            if (r != null) {
                r.close();
            }
        }
    }
}
