package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.query.eval.EngineOptions;
import dev.vigil.query.eval.PromEngine;
import dev.vigil.server.http.WorkerPool;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiWarmupTest {
    private static final long NOW = 1_700_000_000_000L;

    @Test
    void everyWarmupShapeIsAnsweredOverTheStoresOwnSeries() throws Exception {
        MemoryStorage store = new MemoryStorage();
        Appender app = store.appender();
        for (String name : new String[] {"flink_taskmanager_Status_JVM_CPU_Load", "flink_jobmanager_numRunningJobs",
            "flink_taskmanager_job_task_busyTimeMsPerSecond"}) {
            for (int tm = 0; tm < 3; tm++) {
                Labels l = Labels.of("__name__", name, "tm_id", "tm" + tm, "job", "flink");
                for (long t = NOW - 3_600_000; t <= NOW; t += 15_000) {
                    app.append(0, l, t, tm + t % 7);
                }
            }
        }
        app.commit();
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
