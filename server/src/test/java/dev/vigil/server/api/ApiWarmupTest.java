package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.query.eval.EngineOptions;
import dev.vigil.query.eval.PromEngine;
import dev.vigil.server.http.HttpMetrics;
import dev.vigil.server.http.HttpServer;
import dev.vigil.server.http.Routes;
import dev.vigil.server.http.WorkerPool;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.testing.MemoryStorage;
import io.undertow.server.RoutingHandler;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiWarmupTest {
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void everyWarmupShapeIsAnsweredOverTheStoresOwnSeries() throws Exception {
        MemoryStorage store = flinkHour(NOW);
        int answered;
        try (WorkerPool pool = new WorkerPool("api-test", 1)) {
            Backend b = new Backend(store, new PromEngine(store, EngineOptions.DEFAULT));
            PrometheusApi api = new PrometheusApi(() -> b, new ServerInfo("test", NOW, Map.of(), "15d", () -> "", () -> 0L,
                    () -> true, null), () -> NOW, () -> null, pool);
            answered = new ApiWarmup(api, b, () -> NOW, () -> Long.MIN_VALUE).run(60_000, 60_000, 1, () -> false);
        }
        // Three names, sixteen shapes each (1 h and 24 h): none may fail, or the warm-up leaves
        // that path cold.
        assertEquals(48, answered);
    }

    @Test
    void aStoreWhoseDataEndsHoursAgoIsWarmedWhereItsDataIs() throws Exception {
        // Restarted after five hours down, or holding imported history: the clock's last hour is
        // empty, and dashboards look at where the data ends.
        long end = NOW - 5 * 3_600_000L;
        MemoryStorage store = flinkHour(end);
        try (WorkerPool pool = new WorkerPool("api-test", 1)) {
            Backend b = new Backend(store, new PromEngine(store, EngineOptions.DEFAULT));
            PrometheusApi api = new PrometheusApi(() -> b, new ServerInfo("test", NOW, Map.of(), "15d", () -> "", () -> 0L,
                    () -> true, null), () -> NOW, () -> null, pool);
            assertEquals(0, new ApiWarmup(api, b, () -> NOW, () -> Long.MIN_VALUE).run(60_000, 60_000, 1, () -> false),
                    "the clock's last hour holds nothing to warm with");
            assertEquals(48, new ApiWarmup(api, b, () -> NOW, () -> end).run(60_000, 60_000, 1, () -> false));
        }
    }

    @Test
    void theSmallCallsGoThroughTheListenerUncountedAndRunInProcessWhenItRefuses() throws Exception {
        MemoryStorage store = flinkHour(NOW);
        try (WorkerPool pool = new WorkerPool("api-test", 2)) {
            Backend b = new Backend(store, new PromEngine(store, EngineOptions.DEFAULT));
            PrometheusApi api = new PrometheusApi(() -> b, new ServerInfo("test", NOW, Map.of(), "15d", () -> "", () -> 0L,
                    () -> true, null), () -> NOW, () -> null, pool);
            HttpMetrics metrics = new HttpMetrics();
            RoutingHandler r = new RoutingHandler();
            api.register(new Routes(r, Routes.Guard.OPEN), metrics::instrument);
            HttpServer http = HttpServer.start("test", "127.0.0.1", 0, r);
            try {
                URI base = URI.create("http://127.0.0.1:" + http.address().getPort() + "/");
                ApiWarmup w = new ApiWarmup(api, b, () -> NOW, () -> Long.MIN_VALUE)
                        .overHttp(base, HttpMetrics.WARMUP_HEADER + ": " + metrics.warmupToken());
                // The small calls first, all through the listener. Per name: label values and
                // series at 1 h and 24 h, two instants, two one-series graphs.
                assertEquals(24, w.run(60_000, 60_000, 1, () -> false));
                assertEquals(24, w.httpAnswered());
                assertEquals(0, counted(metrics), "the warm-up's own requests are not the users'");
                // Past 250 of them (in the eleventh round), every shape: the other eight graphs per
                // name in process.
                ApiWarmup full = new ApiWarmup(api, b, () -> NOW, () -> Long.MIN_VALUE)
                        .overHttp(base, HttpMetrics.WARMUP_HEADER + ": " + metrics.warmupToken());
                assertEquals(10 * 24 + 48, full.run(60_000, 60_000, 11, () -> false));
                assertEquals(11 * 24, full.httpAnswered());

                ApiWarmup stranger = new ApiWarmup(api, b, () -> NOW, () -> Long.MIN_VALUE)
                        .overHttp(base, HttpMetrics.WARMUP_HEADER + ": not-this-process");
                assertEquals(24, stranger.run(60_000, 60_000, 1, () -> false));
                // Counted as each exchange completes, which can follow the client's read of the end.
                for (int i = 0; i < 500 && counted(metrics) < 24; i++) {
                    Thread.sleep(10);
                }
                assertEquals(24, counted(metrics), "only this process's token keeps a request out of the counters");
            } finally {
                http.beginShutdown();
                http.awaitAndStop(5_000);
            }

            int closedPort;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closedPort = s.getLocalPort();
            }
            ApiWarmup unreachable = new ApiWarmup(api, b, () -> NOW, () -> Long.MIN_VALUE)
                    .overHttp(URI.create("http://127.0.0.1:" + closedPort + "/"), HttpMetrics.WARMUP_HEADER + ": x");
            assertEquals(48, unreachable.run(60_000, 60_000, 1, () -> false), "every call still answered, in process");
            assertEquals(0, unreachable.httpAnswered());
        }
    }

    /** Three Flink metrics of three TaskManagers every 15 s over the hour ending at {@code end}. */
    private static MemoryStorage flinkHour(long end) throws java.io.IOException {
        MemoryStorage store = new MemoryStorage();
        Appender app = store.appender();
        for (String name : new String[] {"flink_taskmanager_Status_JVM_CPU_Load", "flink_jobmanager_numRunningJobs",
            "flink_taskmanager_job_task_busyTimeMsPerSecond"}) {
            for (int tm = 0; tm < 3; tm++) {
                Labels l = Labels.of("__name__", name, "tm_id", "tm" + tm, "job", "flink");
                for (long t = end - 3_600_000; t <= end; t += 15_000) {
                    app.append(0, l, t, tm + t % 7);
                }
            }
        }
        app.commit();
        return store;
    }

    private static long counted(HttpMetrics m) {
        long[] n = {0};
        m.forEachCount((h, codes) -> codes.values().forEach(c -> n[0] += c));
        return n[0];
    }

    @Test
    void anEmptyStoreIsNoWork() {
        MemoryStorage store = new MemoryStorage();
        try (WorkerPool pool = new WorkerPool("api-test", 1)) {
            Backend b = new Backend(store, new PromEngine(store, EngineOptions.DEFAULT));
            PrometheusApi api = new PrometheusApi(() -> b, new ServerInfo("test", NOW, Map.of(), "15d", () -> "", () -> 0L,
                    () -> true, null), () -> NOW, () -> null, pool);
            assertEquals(0, new ApiWarmup(api, b, () -> NOW, () -> Long.MIN_VALUE).run(60_000, 60_000, 5, () -> false));
        }
    }
}
