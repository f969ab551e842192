package dev.vigil.bench;

import dev.vigil.bench.load.DashboardQueries;
import dev.vigil.bench.load.DashboardQueries.Query;
import dev.vigil.bench.load.Http;
import dev.vigil.bench.load.Loopback;
import dev.vigil.bench.load.Report;
import dev.vigil.bench.load.Stats;
import dev.vigil.bench.load.Workload;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Replays a Grafana Flink dashboard's queries against a Prometheus-API URL. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = "Replays a Grafana Flink dashboard's refresh (variables, stat panels as instant queries, graphs as range queries) at a given concurrency against any Prometheus-API URL.")
final class QueryCommand implements Callable<Integer> {
    @Mixin
    TargetOptions target = new TargetOptions();

    @Option(names = "--url", defaultValue = "http://127.0.0.1:9090", description = "Prometheus-API base URL (loopback only). Default: ${DEFAULT-VALUE}")
    String url;

    @Option(names = {"-c", "--concurrency"}, defaultValue = "2", description = "Concurrent clients (Grafana sends a dashboard's panels in parallel). Default: ${DEFAULT-VALUE}")
    int concurrency;

    @Option(names = {"-d", "--duration"}, defaultValue = "PT30S", description = "How long to query. Default: ${DEFAULT-VALUE}")
    Duration duration;

    @Option(names = "--range", defaultValue = "PT1H", description = "Time range of the graphs, ending now. Default: ${DEFAULT-VALUE}")
    Duration range;

    @Option(names = "--step", defaultValue = "PT15S", description = "Step of the range queries. Default: ${DEFAULT-VALUE}")
    Duration step;

    @Option(names = "--end", description = "End of the range as Unix seconds (default: now, per request).")
    Long end;

    @Option(names = "--job-name-regex", defaultValue = ".+", description = "The $job_name variable (a regex). Default: ${DEFAULT-VALUE}")
    String jobNameRegex;

    @Option(names = "--max-requests", defaultValue = "1000000", description = "Stop after this many queries. Default: ${DEFAULT-VALUE}")
    long maxRequests;

    @Option(names = "--list", description = "Print the queries and exit.")
    boolean list;

    @Override
    public Integer call() throws Exception {
        List<Query> queries = DashboardQueries.flink(jobNameRegex);
        if (list) {
            for (Query q : queries) {
                System.out.printf("%-8s %-30s %s%n", q.kind(), q.panel(), q.expr());
            }
            return 0;
        }
        URI base = Loopback.check(url);
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("concurrency must be in [1, 256]");
        }
        System.out.printf("query: %d dashboard queries, %d clients, range %s step %s against %s for %s%n",
                queries.size(), concurrency, range, step, base, duration);
        Stats stats = new Stats();
        Report report = new Report(System.out, "query", target.label == null ? base.toString() : target.label, target.probe());
        Http http = new Http(target.timeout);
        List<Histogram> perQuery = new ArrayList<>();
        List<AtomicLong> failures = new ArrayList<>();
        List<String> firstError = new ArrayList<>();
        for (int i = 0; i < queries.size(); i++) {
            perQuery.add(new ConcurrentHistogram(3));
            failures.add(new AtomicLong());
            firstError.add(null);
        }
        AtomicLong next = new AtomicLong();
        Workload.run(concurrency, duration, maxRequests, target.progress, stats, report, System.out, w -> {
            int i = (int) (next.getAndIncrement() % queries.size());
            Query q = queries.get(i);
            long t0 = System.nanoTime();
            Http.Answer a = send(http, base, q);
            long dt = System.nanoTime() - t0;
            boolean ok = a.status() == 200 && a.body() != null && a.body().contains("\"success\"");
            // A 200 whose body is not a success still failed; it shows as status 599 in the table.
            stats.record(dt, ok ? 200 : a.status() == 200 ? 599 : a.status(), 0, 0);
            stats.noteError(ok ? 200 : a.status() == 200 ? 599 : a.status(), a.body());
            perQuery.get(i).recordValue(Math.max(1, dt / 1000));
            if (!ok) {
                failures.get(i).incrementAndGet();
                synchronized (firstError) {
                    if (firstError.get(i) == null) {
                        String b = a.body() == null ? "" : a.body();
                        firstError.set(i, a.status() + " " + b.substring(0, Math.min(200, b.length())));
                    }
                }
            }
            return true;
        });
        System.out.println();
        System.out.printf("%-32s %-8s %7s %9s %9s %7s%n", "panel", "kind", "count", "p50 ms", "p99 ms", "failed");
        for (int i = 0; i < queries.size(); i++) {
            Histogram h = perQuery.get(i);
            System.out.printf(Locale.ROOT, "%-32s %-8s %7d %9.2f %9.2f %7d%n", queries.get(i).panel(), queries.get(i).kind(),
                    h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(99) / 1000.0, failures.get(i).get());
        }
        for (int i = 0; i < queries.size(); i++) {
            if (firstError.get(i) != null) {
                System.out.println("first failure of '" + queries.get(i).panel() + "': " + firstError.get(i));
            }
        }
        report.finish(stats);
        return stats.errors() == 0 ? 0 : 1;
    }

    private Http.Answer send(Http http, URI base, Query q) {
        return DashboardQueries.send(http, base, q, end != null ? end : System.currentTimeMillis() / 1000, range, step);
    }
}
