package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A transaction that gives a series a sample older than one it already gave it is applied in time
 * order, so with no out-of-order window both samples are stored; also when the repeat is only
 * seen after other series, and when another open transaction holds a sample of the series.
 */
class AppenderBatchOrderTest {
    static final long T0 = DbTest.T0;

    @TempDir
    Path dir;

    private Db open() throws Exception {
        return DbTest.openAtT0InOrder(dir);
    }

    private static List<Long> times(Db db, Labels l) {
        return DbTest.read(db, l, 0, Long.MAX_VALUE).stream().map(x -> x[0] - T0).toList();
    }

    @Test
    void aSeriesRepeatedLaterInTheBatchIsAppliedInTimeOrder() throws Exception {
        Labels a = Labels.of("__name__", "a");
        Labels b = Labels.of("__name__", "b");
        try (Db db = open()) {
            Appender app = db.appender();
            app.append(0, a, T0 + 20, 1);
            app.append(0, b, T0 + 5, 1);
            app.append(0, a, T0 + 10, 2);
            app.append(0, b, T0 + 7, 2);
            app.commit();
            assertEquals(List.of(10L, 20L), times(db, a));
            assertEquals(List.of(5L, 7L), times(db, b));
            assertEquals(0, db.stats().rejectedAtCommit());
        }
    }

    @Test
    void batchesOfOnceEachSeriesKeepTheirOrderAcrossCommits() throws Exception {
        Labels a = Labels.of("__name__", "a");
        Labels b = Labels.of("__name__", "b");
        try (Db db = open()) {
            for (int i = 1; i <= 3; i++) {
                Appender app = db.appender();
                app.append(0, a, T0 + 10 * i, i);
                app.append(0, b, T0 + 10 * i, i);
                app.commit();
            }
            assertEquals(List.of(10L, 20L, 30L), times(db, a));
            assertEquals(List.of(10L, 20L, 30L), times(db, b));
        }
    }

    @Test
    void aSeriesPendingInAnotherTransactionStillOrdersThisOne() throws Exception {
        Labels a = Labels.of("__name__", "a");
        try (Db db = open()) {
            Appender first = db.appender();
            first.append(0, a, T0 + 30, 1);
            Appender second = db.appender();
            second.append(0, a, T0 + 40, 2);
            second.append(0, a, T0 + 35, 3);
            second.commit();
            first.commit(); // older than what the second stored: dropped at commit
            assertEquals(List.of(35L, 40L), times(db, a));
            assertEquals(1, db.stats().rejectedAtCommit());
        }
    }
}
