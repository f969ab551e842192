package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WAL checkpoint written while commits go on replays before those commits: after a restart
 * from the WAL alone the head holds every sample once, in order, none taken for out-of-order.
 * The file facade watches the checkpoint's temporary segment, so the test knows (and asserts)
 * that commits really ran while the checkpoint was being written.
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
        Path walDir = dir.resolve("wal");
        AtomicBoolean checkpointing = new AtomicBoolean();
        AtomicInteger overlapped = new AtomicInteger();
        FaultyFileIo io = new FaultyFileIo();
        // Fails nothing: marks the checkpoint's life (temporary segment opened .. renamed into
        // place) and holds its final fsync until commits have gone through beside it.
        io.failWhen = (op, p) -> {
            if (p.getParent().equals(walDir) && p.getFileName().toString().endsWith(".tmp")) {
                switch (op) {
                    case APPEND -> checkpointing.set(true);
                    case FORCE -> awaitOverlap(overlapped);
                    case RENAME -> checkpointing.set(false);
                    default -> { }
                }
            }
            return false;
        };
        DbOptions o = DbOptions.builder(dir).seriesRegistry(false).headSnapshot(false).clock(now::get)
                .walSegmentBytes(256 * 1024).build();
        DbOptions watched = DbOptions.builder(dir).seriesRegistry(false).headSnapshot(false).clock(now::get)
                .walSegmentBytes(256 * 1024).io(io).build();
        long[] next = {T0};
        try (Db db = Db.open(watched)) {
            // 3.5 hours at 10 s for 50 series: the maintenance below cuts a block and checkpoints.
            for (; next[0] < T0 + 3 * H + H / 2; next[0] += 10_000) {
                commit(db, ref, next[0], now);
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        boolean during = checkpointing.get();
                        commit(db, ref, next[0], now);
                        next[0] += 10_000;
                        if (during && checkpointing.get()) {
                            overlapped.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            writer.start();
            db.runMaintenance();
            stop.set(true);
            writer.join();
            assertNull(failure.get(), () -> "the writer failed: " + failure.get());
            assertTrue(overlapped.get() > 0, "no commit ran while the checkpoint was being written");
            assertTrue(db.stats().blocks().size() >= 1, "a block was cut, so the WAL was checkpointed");
            assertTrue(Files.list(walDir).noneMatch(p -> p.getFileName().toString().endsWith(".tmp")));
        }
        try (Db db = Db.open(o)) {
            assertEquals(0, db.stats().outOfOrderAppended(), "replay applied samples out of order");
            BlocksIntegrationTest.compareAll(db, ref);
        }
    }

    /** Waits (up to 10 s) for three commits to run wholly inside the checkpoint. */
    private static void awaitOverlap(AtomicInteger overlapped) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (overlapped.get() < 3 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
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
