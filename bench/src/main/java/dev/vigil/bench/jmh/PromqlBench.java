package dev.vigil.bench.jmh;

import dev.vigil.bench.flink.ClusterSpec;
import dev.vigil.bench.load.DashboardQueries;
import dev.vigil.query.QueryOptions;
import dev.vigil.query.QueryResult;
import dev.vigil.query.eval.EngineOptions;
import dev.vigil.query.eval.PromEngine;
import dev.vigil.tsdb.Storage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * PromQL evaluation of the Grafana Flink dashboard's graph queries: 1 h range at a 15 s step
 * over a cluster's last hour (4 TaskManagers at a 10 s interval, ~8,500 series, ~3 M samples).
 * The store is the real one (WAL + head) in a temporary folder.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx4g", "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED"})
public class PromqlBench {
    private static final long HOUR = 3_600_000L;

    /** Index into the dashboard's queries; see {@code vigil-bench query --list}. */
    @Param({"11", "13", "15", "17", "23", "24", "29", "33", "37", "38"})
    public int query;

    private long start;
    private java.nio.file.Path dir;
    private Storage storage;
    private PromEngine engine;
    private String expr;
    private boolean range;

    @Setup(Level.Trial)
    public void setUp() throws java.io.IOException {
        start = (System.currentTimeMillis() - 2 * HOUR) / 60_000 * 60_000;
        dir = java.nio.file.Files.createTempDirectory("vigil-promql-bench");
        storage = dev.vigil.tsdb.db.Db.open(dev.vigil.tsdb.db.DbOptions.builder(dir).build());
        long n = Fixtures.load(storage, ClusterSpec.defaults(4), start, 1.0, 10_000);
        engine = new PromEngine(storage, EngineOptions.DEFAULT);
        List<DashboardQueries.Query> qs = DashboardQueries.flink(".+");
        DashboardQueries.Query q = qs.get(query);
        expr = q.expr();
        range = q.kind() == DashboardQueries.Kind.RANGE;
        System.out.println("\n" + n + " samples loaded; query '" + q.panel() + "': " + expr);
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        storage.close();
        try (var s = java.nio.file.Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Benchmark
    public QueryResult evaluate() {
        long end = start + HOUR;
        return range ? engine.range(expr, end - HOUR, end, 15_000, QueryOptions.DEFAULT)
                : engine.instant(expr, end, QueryOptions.DEFAULT);
    }
}
