package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WAL checkpoint written while commits go on replays before those commits: after a restart
 * from the WAL alone the head holds every sample once, in order, none taken for out-of-order.
 */
class CheckpointOrderTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);

    @TempDir
    Path dir;

    @Test
    void checkpointReplaysBeforeTheCommitsThatRacedWithIt() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        MemoryStorage ref = new MemoryStorage();
        DbOptions o = DbOptions.builder(dir).seriesRegistry(false).headSnapshot(false).clock(now::get)
                .walSegmentBytes(256 * 1024).build();
        long[] next = {T0};
        try (Db db = Db.open(o)) {
            // 3.5 hours at 10 s for 50 series: the maintenance below cuts a block and checkpoints.
            for (; next[0] < T0 + 3 * H + H / 2; next[0] += 10_000) {
                commit(db, ref, next[0], now);
            }
            AtomicBoolean stop = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        commit(db, ref, next[0], now);
                        next[0] += 10_000;
                    }
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            writer.start();
            db.runMaintenance();
            stop.set(true);
            writer.join();
            assertTrue(db.stats().blocks().size() >= 1, "a block was cut, so the WAL was checkpointed");
            assertTrue(Files.list(dir.resolve("wal")).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
        try (Db db = Db.open(o)) {
            assertEquals(0, db.stats().outOfOrderAppended(), "replay applied samples out of order");
            BlocksIntegrationTest.compareAll(db, ref);
        }
    }

    private static void commit(Db db, MemoryStorage ref, long t, AtomicLong now) throws Exception {
        now.set(t);
        Appender a = db.appender();
        Appender b = ref.appender();
        for (int s = 0; s < 50; s++) {
            Labels l = Labels.of("__name__", "flink_numRecordsIn", "subtask_index", Integer.toString(s));
            a.append(0, l, t, (t - T0) / 1000.0 + s);
            b.append(0, l, t, (t - T0) / 1000.0 + s);
        }
        a.commit();
        b.commit();
    }
}
