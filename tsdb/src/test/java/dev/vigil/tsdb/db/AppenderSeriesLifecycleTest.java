package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The append-time check runs without the series' lock: a sample a commit on another thread made
 * a duplicate is still refused at append, and a series an open transaction holds samples for is
 * never dropped by head truncation, while one without is and comes back under a new id. The open
 * chunk is cut exactly where a block range ends, also after a restart from the head snapshot.
 */
class AppenderSeriesLifecycleTest {
    static final long T0 = DbTest.T0;

    @TempDir
    Path dir;

    private Db open() throws Exception {
        return DbTest.openAtT0InOrder(dir);
    }

    private static List<Double> values(Db db, Labels l) {
        return DbTest.read(db, l, 0, Long.MAX_VALUE).stream().map(x -> Double.longBitsToDouble(x[1])).toList();
    }

    @Test
    void aSampleCommittedOnAnotherThreadMakesTheSameTimestampADuplicate() throws Exception {
        Labels a = Labels.of("__name__", "a");
        try (Db db = open()) {
            long ref = CompletableFuture.supplyAsync(() -> {
                Appender app = db.appender();
                long r = app.append(0, a, T0 + 10, 1);
                try {
                    app.commit();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return r;
            }).get();
            Appender app = db.appender();
            AppendRejectedException e = assertThrows(AppendRejectedException.class, () -> app.append(ref, a, T0 + 10, 2));
            assertEquals(AppendRejectedException.Reason.DUPLICATE, e.reason());
            assertThrows(AppendRejectedException.class, () -> app.append(ref, a, T0 + 5, 2)); // older, no window
            app.append(ref, a, T0 + 10, 1); // the same value again changes nothing
            app.append(ref, a, T0 + 20, 3);
            app.commit();
            assertEquals(List.of(1.0, 3.0), values(db, a));
            assertEquals(0, db.stats().rejectedAtCommit());
        }
    }

    @Test
    void truncationKeepsASeriesAnOpenTransactionHoldsAndDropsItOnceIdle() throws Exception {
        Labels a = Labels.of("__name__", "a");
        try (Db db = open()) {
            Appender held = db.appender();
            long ref = held.append(0, a, T0 + 10, 1); // a new series: empty until the commit
            assertEquals(0, db.head().truncate(T0));
            held.commit();
            assertEquals(List.of(1.0), values(db, a));

            // Everything before T0 + 20 dropped: the series is empty and nothing holds it.
            assertEquals(1, db.head().truncate(T0 + 20));
            assertEquals(List.of(), values(db, a));
            Appender later = db.appender();
            long again = later.append(ref, a, T0 + 30, 2); // the old ref no longer resolves
            assertNotEquals(ref, again);
            later.commit();
            assertEquals(List.of(2.0), values(db, a));
            assertEquals(0, db.stats().rejectedAtCommit());
        }
    }

    @Test
    void aRolledBackTransactionLeavesTheSeriesFreeToDrop() throws Exception {
        Labels a = Labels.of("__name__", "a");
        try (Db db = open()) {
            Appender app = db.appender();
            app.append(0, a, T0 + 10, 1);
            app.append(0, a, T0 + 11, 2);
            assertEquals(0, db.head().truncate(T0));
            app.rollback();
            assertEquals(1, db.head().truncate(T0));
            assertEquals(List.of(), values(db, a));
        }
    }

    @Test
    void theOpenChunkIsCutAtEachBlockRangeEndAlsoAfterARestart() throws Exception {
        Labels a = Labels.of("__name__", "a");
        long range = 7_200_000L;
        long base = Math.floorDiv(T0, range) * range; // a range start at or below T0
        DbOptions o = DbOptions.builder(dir).seriesRegistry(false).clock(() -> base + 3 * range).blockRangeMs(range)
                .outOfOrderWindowMs(0).build();
        try (Db db = Db.open(o)) {
            Appender app = db.appender();
            app.append(0, a, base + range - 2, 1);
            app.append(0, a, base + range - 1, 2); // last millisecond of the first range
            app.commit();
            assertEquals(1, db.head().chunkCount());
            app = db.appender();
            app.append(0, a, base + range, 3); // first millisecond of the next: a new chunk
            app.commit();
            assertEquals(2, db.head().chunkCount());
        }
        try (Db db = Db.open(o)) { // the open chunk resumes from the snapshot
            assertEquals(2, db.head().chunkCount());
            Appender app = db.appender();
            app.append(0, a, base + 2 * range - 1, 4);
            app.commit();
            assertEquals(2, db.head().chunkCount());
            app = db.appender();
            app.append(0, a, base + 2 * range, 5);
            app.commit();
            assertEquals(3, db.head().chunkCount());
            assertEquals(List.of(1.0, 2.0, 3.0, 4.0, 5.0), values(db, a));
        }
    }
}
