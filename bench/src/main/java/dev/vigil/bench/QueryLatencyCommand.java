package dev.vigil.bench;

import dev.vigil.bench.load.DashboardQueries;
import dev.vigil.bench.load.DashboardQueries.Query;
import dev.vigil.bench.load.Http;
import dev.vigil.bench.load.Loopback;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Times Flink dashboard queries over HTTP (form POSTs to /api/v1/query_range and /api/v1/query,
 * label and series GETs, as Grafana sends them) against several Prometheus-API targets holding the same data, runs
 * interleaved so every target sees the same machine load, and prints median, p95 and the
 * target's CPU time per query.
 */
@Command(name = "query-latency", mixinStandardHelpOptions = true,
        description = "Times the four Flink dashboard range queries against several targets (name=url[@pid]), 1 h at 15 s and 24 h at 60 s.")
final class QueryLatencyCommand implements Callable<Integer> {
    static final String[][] QUERIES = {
        {"sum-rate", "sum by (job_name) (rate(flink_taskmanager_job_task_operator_numRecordsIn[1m]))"},
        {"topk-max", "topk(10, max by (job_name, task_name, subtask_index) (flink_taskmanager_job_task_backPressuredTimeMsPerSecond))"},
        {"quantile", "max by (job_name) (quantile_over_time(0.95, flink_taskmanager_job_task_mailboxLatencyMs{quantile=\"0.99\"}[5m]))"},
        {"watermark", "max by (job_name) (timestamp(flink_taskmanager_job_task_operator_currentOutputWatermark) * 1000"
                + " - flink_taskmanager_job_task_operator_currentOutputWatermark)"},
    };

    @Option(names = "--target", required = true, description = "name=http://127.0.0.1:port[@pid]; repeatable. The first is compared with the others.")
    List<String> targets;

    @Option(names = "--end", required = true, description = "End of every range, Unix seconds.")
    long end;

    @Option(names = "--ranges", defaultValue = "PT1H/PT15S,PT24H/PT60S", split = ",", description = "range/step pairs. Default: ${DEFAULT-VALUE}")
    List<String> ranges;

    @Option(names = "--runs", defaultValue = "10", description = "Timed runs per cell after one warm-up. Default: ${DEFAULT-VALUE}")
    int runs;

    @Option(names = "--slow", defaultValue = "PT10S", description = "A target whose warm-up takes longer is timed once only. Default: ${DEFAULT-VALUE}")
    Duration slow;

    @Option(names = "--timeout", defaultValue = "PT60S", description = "Per-request timeout. Default: ${DEFAULT-VALUE}")
    Duration timeout;

    @Option(names = "--only", description = "Run only the queries with these names (sum-rate, topk-max, quantile, watermark; dashboard: panel numbers from 0).", split = ",")
    List<String> only;

    @Option(names = "--set", defaultValue = "four", description = "four: the four heavy operator queries; dashboard: every query of one Grafana Flink dashboard refresh (`vigil-bench query --list`). Default: ${DEFAULT-VALUE}")
    String set;

    @Option(names = "--warmup", defaultValue = "1", description = "Untimed requests per cell before the timed runs (0: time the first requests, e.g. after a start). Default: ${DEFAULT-VALUE}")
    int warmup;

    @Option(names = "--param", description = "name=key=value: add key=value to every request to target name (e.g. vigil-raw=max_source_resolution=raw); repeatable.")
    List<String> params = new ArrayList<>();

    @Option(names = "--rate-interval", description = "Replace every range selector's window ([1m], [5m]) with this one (Grafana's $__rate_interval at a long step: PT1H at 1 h).")
    Duration rateInterval;

    record Target(String name, URI base, long pid, String extra) {
    }

    /** diff: the largest relative difference of this target's answer from the previous target's (NaN for the first). */
    record Cell(String query, String range, String target, double[] ms, double cpuMsPerQuery, int series, String error, double diff) {
        double pct(double p) {
            if (ms.length == 0) {
                return Double.NaN;
            }
            double[] s = ms.clone();
            Arrays.sort(s);
            // Nearest rank.
            int k = (int) Math.ceil(p / 100.0 * s.length) - 1;
            return s[Math.max(0, Math.min(s.length - 1, k))];
        }
    }

    @Override
    public Integer call() throws Exception {
        List<Target> ts = new ArrayList<>();
        for (String t : targets) {
            int eq = t.indexOf('=');
            String rest = t.substring(eq + 1);
            int at = rest.lastIndexOf('@');
            long pid = at > 0 ? Long.parseLong(rest.substring(at + 1)) : 0;
            String name = t.substring(0, eq);
            StringBuilder extra = new StringBuilder();
            for (String p : params) {
                String[] kv = p.split("=", 3);
                if (kv.length != 3) {
                    throw new IllegalArgumentException("--param must be name=key=value, not " + p);
                }
                if (kv[0].equals(name)) {
                    extra.append('&').append(java.net.URLEncoder.encode(kv[1], java.nio.charset.StandardCharsets.UTF_8))
                            .append('=').append(java.net.URLEncoder.encode(kv[2], java.nio.charset.StandardCharsets.UTF_8));
                }
            }
            ts.add(new Target(name, Loopback.check(at > 0 ? rest.substring(0, at) : rest), pid, extra.toString()));
        }
        Http http = new Http(timeout);
        List<Query> queries = queries();
        if (warmup == 0) {
            // The first timed request must not carry this client's own cold start: warm its HTTP
            // stack on a path that no target answers with a query.
            for (int k = 0; k < 50; k++) {
                for (Target t : ts) {
                    http.get(URI.create(t.base() + "/vigil-bench-client-warmup"));
                }
            }
        }
        List<Cell> cells = new ArrayList<>();
        for (String rs : ranges) {
            String[] p = rs.split("/");
            Duration range = Duration.parse(p[0]);
            Duration step = Duration.parse(p[1]);
            String rangeName = range.toHours() + "h@" + step.toSeconds() + "s";
            for (Query q : queries) {
                int n = ts.size();
                List<List<Double>> times = new ArrayList<>();
                long[] cpu = new long[n];
                int[] series = new int[n];
                String[] errors = new String[n];
                boolean[] once = new boolean[n];
                String[] answers = new String[n];
                for (int i = 0; i < n; i++) {
                    times.add(new ArrayList<>());
                }
                for (int w = 0; w < warmup; w++) {
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        Http.Answer a = DashboardQueries.send(http, ts.get(i).base(), q, end, range, step, ts.get(i).extra());
                        double ms = (System.nanoTime() - t0) / 1e6;
                        series[i] = countSeries(a);
                        errors[i] = error(a);
                        answers[i] = a.body();
                        once[i] = ms > slow.toMillis() || errors[i] != null;
                    }
                }
                for (int r = 0; r < runs; r++) {
                    for (int i = 0; i < n; i++) {
                        if (errors[i] != null || (once[i] && r > 0)) {
                            continue;
                        }
                        long c0 = cpuTicks(ts.get(i).pid());
                        long t0 = System.nanoTime();
                        Http.Answer a = DashboardQueries.send(http, ts.get(i).base(), q, end, range, step, ts.get(i).extra());
                        times.get(i).add((System.nanoTime() - t0) / 1e6);
                        cpu[i] += cpuTicks(ts.get(i).pid()) - c0;
                        if (warmup == 0 && r == 0) {
                            series[i] = countSeries(a);
                            answers[i] = a.body();
                        }
                        if (error(a) != null) {
                            errors[i] = error(a);
                        }
                    }
                }
                for (int i = 0; i < n; i++) {
                    double[] ms = times.get(i).stream().mapToDouble(Double::doubleValue).toArray();
                    double cpuMs = ms.length == 0 || ts.get(i).pid() == 0 ? Double.NaN : cpu[i] * 10.0 / ms.length;
                    double diff = i == 0 || answers[i] == null || answers[i - 1] == null ? Double.NaN
                            : dev.vigil.bench.load.AnswerDiff.maxRelative(answers[i - 1], answers[i]);
                    Cell c = new Cell(q.panel(), rangeName, ts.get(i).name(), ms, cpuMs, series[i], errors[i], diff);
                    cells.add(c);
                    System.out.printf(Locale.ROOT, "%-8s %-30s %-11s median %9.1f ms  p95 %9.1f ms  cpu %8.1f ms/q  runs %2d  series %4d%s%s%n",
                            rangeName, q.panel(), c.target(), c.pct(50), c.pct(95), c.cpuMsPerQuery(), ms.length, c.series(),
                            i == 0 ? "" : String.format(Locale.ROOT, "  max rel diff from %s %.3g", ts.get(i - 1).name(), diff),
                            c.error() == null ? "" : "  ERROR " + c.error());
                }
            }
        }
        printTable(ts, cells);
        return 0;
    }

    private static void printTable(List<Target> ts, List<Cell> cells) {
        System.out.println();
        StringBuilder h = new StringBuilder("| range | query |");
        StringBuilder sep = new StringBuilder("|---|---|");
        for (Target t : ts) {
            h.append(' ').append(t.name()).append(" median / p95 (cpu) ms |");
            sep.append("---|");
        }
        for (int i = 1; i < ts.size(); i++) {
            h.append(' ').append(ts.get(0).name()).append(" / ").append(ts.get(i).name()).append(" |");
            sep.append("---|");
        }
        for (int i = 1; i < ts.size(); i++) {
            h.append(" max rel diff ").append(ts.get(i - 1).name()).append(" ~ ").append(ts.get(i).name()).append(" |");
            sep.append("---|");
        }
        System.out.println(h);
        System.out.println(sep);
        for (int k = 0; k < cells.size(); k += ts.size()) {
            Cell first = cells.get(k);
            StringBuilder row = new StringBuilder("| " + first.range() + " | " + first.query() + " |");
            for (int i = 0; i < ts.size(); i++) {
                Cell c = cells.get(k + i);
                if (c.error() != null && c.ms().length == 0) {
                    row.append(" error: ").append(c.error().replace('|', '/')).append(" |");
                } else {
                    row.append(String.format(Locale.ROOT, " %.1f / %.1f (%.0f)%s |", c.pct(50), c.pct(95), c.cpuMsPerQuery(),
                            c.ms().length == 1 ? " 1 run" : ""));
                }
            }
            for (int i = 1; i < ts.size(); i++) {
                Cell c = cells.get(k + i);
                row.append(String.format(Locale.ROOT, " %.2f |", first.pct(50) / c.pct(50)));
            }
            for (int i = 1; i < ts.size(); i++) {
                row.append(String.format(Locale.ROOT, " %.2g |", cells.get(k + i).diff()));
            }
            System.out.println(row);
        }
        for (int i = 1; i < ts.size(); i++) {
            int over = 0;
            int total = 0;
            double worst = 0;
            String worstName = "";
            double sum = 0;
            for (int k = 0; k < cells.size(); k += ts.size()) {
                double r = cells.get(k).pct(50) / cells.get(k + i).pct(50);
                if (Double.isNaN(r)) {
                    continue;
                }
                total++;
                sum += Math.log(r);
                over += r > 1 ? 1 : 0;
                if (r > worst) {
                    worst = r;
                    worstName = cells.get(k).range() + " " + cells.get(k).query();
                }
            }
            System.out.printf(Locale.ROOT, "%s / %s: %d of %d medians above 1.0, geometric mean %.2f, worst %.2f (%s)%n",
                    ts.get(0).name(), ts.get(i).name(), over, total, Math.exp(sum / Math.max(1, total)), worst, worstName);
        }
    }

    /** The queries of --set, narrowed by --only, each with a short name. */
    private List<Query> queries() {
        List<Query> all = new ArrayList<>();
        if (set.equals("four")) {
            for (String[] q : QUERIES) {
                all.add(new Query(q[0], DashboardQueries.Kind.RANGE, q[1]));
            }
        } else if (set.equals("dashboard")) {
            List<Query> d = DashboardQueries.flink(".+");
            for (int i = 0; i < d.size(); i++) {
                all.add(new Query(i + " " + d.get(i).panel(), d.get(i).kind(), d.get(i).expr()));
            }
        } else {
            throw new IllegalArgumentException("--set must be four or dashboard, not " + set);
        }
        if (rateInterval != null) {
            String w = "[" + rateInterval.toSeconds() + "s]";
            all.replaceAll(q -> new Query(q.panel(), q.kind(), q.kind() == DashboardQueries.Kind.RANGE || q.kind() == DashboardQueries.Kind.INSTANT
                    ? q.expr().replaceAll("\\[[0-9]+[smh]\\]", java.util.regex.Matcher.quoteReplacement(w)) : q.expr()));
        }
        List<Query> out = new ArrayList<>();
        for (Query q : all) {
            if (only == null || only.contains(q.panel()) || only.contains(q.panel().split(" ", 2)[0])) {
                out.add(q);
            }
        }
        return out;
    }

    private static String error(Http.Answer a) {
        if (a.status() == 200 && a.body() != null && a.body().contains("\"success\"")) {
            return null;
        }
        String b = a.body() == null ? "" : a.body();
        return a.status() + " " + b.substring(0, Math.min(160, b.length()));
    }

    private static int countSeries(Http.Answer a) {
        if (a.body() == null) {
            return -1;
        }
        int n = 0;
        for (int i = a.body().indexOf("\"metric\""); i >= 0; i = a.body().indexOf("\"metric\"", i + 1)) {
            n++;
        }
        return n;
    }

    /** utime + stime of a process in clock ticks (100 per second), 0 without a pid. */
    private static long cpuTicks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return 0;
        }
    }
}
