package dev.vigil.query.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.query.QueryOptions;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.value.Matrix;
import dev.vigil.tsdb.testing.References;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Measures the Flink dashboard queries on Vigil's engine and on the real Prometheus over the
 * same data, and prints median and p95 per query. Not a unit test: tagged {@code perf}, which
 * surefire skips unless asked ({@code -Dquery.excludedGroups=none -Dgroups=perf}).
 */
@Tag("perf")
class QueryPerformanceHarness {
    static final long T0 = 1_700_000_000_000L;
    static final String[] QUERIES = {
        "sum by (job_name) (rate(" + FlinkData.RECORDS_IN + "[1m]))",
        "topk(10, max by (job_name, task_name, subtask_index) (" + FlinkData.BACK_PRESSURE + "))",
        "max by (job_name) (quantile_over_time(0.95, " + FlinkData.MAILBOX + "{quantile=\"0.99\"}[5m]))",
        "max by (job_name) (timestamp(" + FlinkData.WATERMARK + ") * 1000 - " + FlinkData.WATERMARK + ")",
    };

    @Test
    void oneHourAt15s() throws Exception {
        List<ReferencePrometheus.Data> data = FlinkData.cluster(20, T0, 3_600_000L, 7);
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("vigil-perf-db");
        try (dev.vigil.tsdb.db.Db db = dev.vigil.tsdb.db.Db.open(dev.vigil.tsdb.db.DbOptions.builder(dir)
                .clock(() -> T0 + 3_600_000L).build())) {
            long t = System.nanoTime();
            loadInTimeOrder(db, data);
            System.out.printf("loaded %,d series into the Db head in %.1f s%n", data.size(), (System.nanoTime() - t) / 1e9);
            run("1 h at 15 s, 20 TaskManagers", data, T0, T0 + 3_600_000L, 15_000, 20, db);
        } finally {
            try (var walk = java.nio.file.Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** Appends sample i of every series before sample i+1 of any, as scrapes arrive. */
    private static void loadInTimeOrder(dev.vigil.tsdb.Storage db, List<ReferencePrometheus.Data> data) throws Exception {
        long[] refs = new long[data.size()];
        int max = data.stream().mapToInt(d -> d.t().length).max().orElse(0);
        dev.vigil.tsdb.Appender app = db.appender();
        int pending = 0;
        for (int i = 0; i < max; i++) {
            for (int s = 0; s < data.size(); s++) {
                ReferencePrometheus.Data d = data.get(s);
                if (i < d.t().length) {
                    refs[s] = app.append(refs[s], d.labels(), d.t()[i], d.v()[i]);
                    if (++pending == 50_000) {
                        app.commit();
                        app = db.appender();
                        pending = 0;
                    }
                }
            }
        }
        app.commit();
    }

    @Test
    void oneDayAt60s() throws Exception {
        List<ReferencePrometheus.Data> all = FlinkData.clusterQueried(20, T0, 86_400_000L, 60_000, 7);
        run("24 h at 60 s, 20 TaskManagers (queried families only)", all, T0, T0 + 86_400_000L, 60_000, 10, null);
    }

    private static void run(String title, List<ReferencePrometheus.Data> data, long start, long end, long step, int runs,
            dev.vigil.tsdb.Storage db) throws Exception {
        References.require("prometheus");
        References.require("promtool");
        long samples = data.stream().mapToLong(d -> d.t().length).sum();
        System.out.printf("%n== %s (%s, %d cores, load %s): %,d series, %,d samples, range [%d, %d] step %d s%n", title, java.time.Instant.now(), Runtime.getRuntime().availableProcessors(),
                java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim(), data.size(), samples, start / 1000,
                end / 1000, step / 1000);
        PromEngine vigil = new PromEngine(new ArrayStorage(data), EngineOptions.DEFAULT);
        PromEngine onDb = db == null ? null : new PromEngine(db, EngineOptions.DEFAULT);
        try (ReferencePrometheus prom = new ReferencePrometheus(data)) {
            System.out.printf("%-120s %12s %12s %12s %12s %8s%n", "query", "vigil med", "vigil p95", "prom med", "prom p95", "ratio");
            for (String q : QUERIES) {
                Expr e = dev.vigil.query.parser.Parser.parse(q);
                // Prometheus first: a query it cannot finish within its 2 m timeout is reported as such.
                JsonNode first = prom.rangeWithStats(q, start, end, step);
                boolean promOk = "success".equals(first.path("status").asText());
                double firstMs = first.path("data").path("stats").path("timings").path("execTotalTime").asDouble() * 1000;
                int promRuns = !promOk ? 0 : firstMs > 10_000 ? 1 : runs;
                for (int i = 0; i < 3; i++) {
                    vigil.range(e, start, end, step, QueryOptions.DEFAULT);
                    if (promRuns > 1) {
                        prom.rangeWithStats(q, start, end, step);
                    }
                }
                double[] v = new double[runs];
                double[] p = new double[Math.max(1, promRuns)];
                p[0] = firstMs;
                int series = 0;
                for (int i = 0; i < runs; i++) {
                    long t = System.nanoTime();
                    Matrix m = (Matrix) vigil.range(e, start, end, step, QueryOptions.DEFAULT).value();
                    v[i] = (System.nanoTime() - t) / 1e6;
                    series = m.series().size();
                    if (i < promRuns) {
                        JsonNode r = prom.rangeWithStats(q, start, end, step);
                        p[i] = r.path("data").path("stats").path("timings").path("execTotalTime").asDouble() * 1000;
                    }
                }
                double vm = pct(v, 50);
                if (onDb != null) {
                    double[] d = new double[runs];
                    for (int i = 0; i < 3; i++) {
                        onDb.range(e, start, end, step, QueryOptions.DEFAULT);
                    }
                    for (int i = 0; i < runs; i++) {
                        long t = System.nanoTime();
                        onDb.range(e, start, end, step, QueryOptions.DEFAULT);
                        d[i] = (System.nanoTime() - t) / 1e6;
                    }
                    System.out.printf("  on the Db head: median %.1f ms, p95 %.1f ms%n", pct(d, 50), pct(d, 95));
                }
                if (!promOk) {
                    System.out.printf("%-120s %10.1fms %10.1fms   Prometheus: %s: %s  (%d series out)%n", q, vm, pct(v, 95),
                            first.path("errorType").asText(), first.path("error").asText(), series);
                    continue;
                }
                double pm = pct(p, 50);
                System.out.printf("%-120s %10.1fms %10.1fms %10.1fms %10.1fms %8.3f  (%d series out, %d Prometheus runs)%n", q, vm,
                        pct(v, 95), pm, pct(p, 95), vm / pm, series, promRuns);
            }
        }
    }

    private static double pct(double[] a, int p) {
        double[] s = a.clone();
        Arrays.sort(s);
        int idx = (int) Math.ceil(p / 100.0 * s.length) - 1;
        return s[Math.max(0, Math.min(s.length - 1, idx))];
    }
}
