package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DbTest {
    @TempDir
    Path dir;

    static final long T0 = 1_700_000_000_000L;

    /** A store in {@code dir} whose clock stands at {@link #T0}, with no out-of-order window. */
    static Db openAtT0InOrder(Path dir) throws java.io.IOException {
        return Db.open(DbOptions.builder(dir).seriesRegistry(false).clock(() -> T0).outOfOrderWindowMs(0).build());
    }

    static List<long[]> read(Db db, Labels l, long mint, long maxt) {
        List<long[]> out = new ArrayList<>();
        try (Querier q = db.querier(mint, maxt)) {
            List<Matcher> ms = new ArrayList<>();
            l.forEach((k, v) -> ms.add(Matcher.eq(k, v)));
            SeriesSet set = q.select(true, null, ms.toArray(new Matcher[0]));
            while (set.next()) {
                if (!set.at().labels().equals(l)) {
                    continue;
                }
                SampleIterator it = set.at().iterator(null);
                while (it.next()) {
                    out.add(new long[] {it.t(), Double.doubleToRawLongBits(it.v())});
                }
            }
        }
        return out;
    }

    @Test
    void appendsSurviveReopenBitExact() throws Exception {
        Labels a = Labels.of("__name__", "up", "job", "flink");
        Labels b = Labels.of("__name__", "up", "job", "other");
        DbOptions o = DbOptions.builder(dir).seriesRegistry(false).clock(() -> T0 + 2_000_000).build();
        try (Db db = Db.open(o)) {
            assertTrue(db.ready());
            for (int i = 0; i < 1000; i++) {
                Appender app = db.appender();
                app.append(0, a, T0 + 1000L * i, i);
                app.append(0, b, T0 + 1000L * i, i == 500 ? Values.STALE_NAN : Double.longBitsToDouble(0x7ff8000000000abcL));
                app.metadata("up", new Metadata("gauge", "is it up", ""));
                app.commit();
            }
            assertEquals(1000, read(db, a, 0, Long.MAX_VALUE).size());
            assertEquals(2000, db.stats().samplesAppended());
        }
        try (Db db = Db.open(o)) {
            List<long[]> ra = read(db, a, 0, Long.MAX_VALUE);
            List<long[]> rb = read(db, b, 0, Long.MAX_VALUE);
            assertEquals(1000, ra.size());
            assertEquals(1000, rb.size());
            for (int i = 0; i < 1000; i++) {
                assertEquals(T0 + 1000L * i, ra.get(i)[0]);
                assertEquals(Double.doubleToRawLongBits(i), ra.get(i)[1]);
                assertEquals(i == 500 ? Values.STALE_NAN_BITS : 0x7ff8000000000abcL, rb.get(i)[1]);
            }
            assertEquals(new Metadata("gauge", "is it up", ""), db.metadata().get("up"));
            assertEquals(List.of(100_000L, 101_000L), read(db, a, T0 + 100_000, T0 + 101_000).stream().map(x -> x[0] - T0).toList());
        }
    }

    @Test
    void duplicatesOutOfOrderAndTooOld() throws Exception {
        Labels a = Labels.of("__name__", "x");
        try (Db db = Db.open(DbOptions.builder(dir).seriesRegistry(false).clock(() -> T0).outOfOrderWindowMs(10_000).build())) {
            Appender app = db.appender();
            app.append(0, a, T0 + 100_000, 1);
            app.commit();
            Appender app2 = db.appender();
            app2.append(0, a, T0 + 100_000, 1); // same value: accepted, stored once
            AppendRejectedException e = assertThrows(AppendRejectedException.class, () -> app2.append(0, a, T0 + 100_000, 2));
            assertEquals(AppendRejectedException.Reason.DUPLICATE, e.reason());
            e = assertThrows(AppendRejectedException.class, () -> app2.append(0, a, T0 + 80_000, 2));
            assertEquals(AppendRejectedException.Reason.TOO_OLD, e.reason());
            app2.append(0, a, T0 + 95_000, 3); // out of order inside the window
            app2.append(0, a, T0 + 105_000, 4);
            app2.commit();
            assertEquals(List.of(95_000L, 100_000L, 105_000L), read(db, a, 0, Long.MAX_VALUE).stream().map(x -> x[0] - T0).toList());
            DbStats s = db.stats();
            assertEquals(1, s.rejected().get(AppendRejectedException.Reason.DUPLICATE));
            assertEquals(1, s.rejected().get(AppendRejectedException.Reason.TOO_OLD));
            assertEquals(1, s.outOfOrderAppended());
        }
        try (Db db = openAtT0InOrder(dir)) {
            assertEquals(3, read(db, a, 0, Long.MAX_VALUE).size());
            Appender app = db.appender();
            AppendRejectedException e = assertThrows(AppendRejectedException.class, () -> app.append(0, a, T0 + 99_000, 2));
            assertEquals(AppendRejectedException.Reason.OUT_OF_ORDER, e.reason());
            app.rollback();
        }
    }

    @Test
    void dayOldBackfillIsAccepted() throws Exception {
        long now = T0;
        Labels a = Labels.of("__name__", "backfilled");
        try (Db db = Db.open(DbOptions.builder(dir).seriesRegistry(false).clock(() -> now).build())) {
            Appender app = db.appender();
            app.append(0, a, now, 1);
            app.commit();
            app = db.appender();
            for (int i = 0; i < 8640; i++) {
                app.append(0, a, now - 24L * 3600 * 1000 + i * 10_000L, i);
            }
            app.commit();
            List<long[]> r = read(db, a, 0, Long.MAX_VALUE);
            assertEquals(8641, r.size());
            for (int i = 1; i < r.size(); i++) {
                assertTrue(r.get(i)[0] > r.get(i - 1)[0]);
            }
        }
    }

    @Test
    void secondOpenOfTheSameFolderIsRefused() throws Exception {
        try (Db db = Db.open(DbOptions.builder(dir).seriesRegistry(false).build())) {
            assertThrows(java.io.IOException.class, () -> Db.open(DbOptions.builder(dir).seriesRegistry(false).build()));
            assertTrue(db.ready());
        }
    }

    @Test
    void samplesOlderThanTheRetentionAreOutOfBounds() throws Exception {
        try (Db db = Db.open(DbOptions.builder(dir).seriesRegistry(false).clock(() -> T0).retentionMs(3_600_000).build())) {
            Appender app = db.appender();
            AppendRejectedException e = assertThrows(AppendRejectedException.class,
                    () -> app.append(0, Labels.of("__name__", "x"), T0 - 3_700_000, 1));
            assertEquals(AppendRejectedException.Reason.OUT_OF_BOUNDS, e.reason());
            app.append(0, Labels.of("__name__", "x"), T0 - 3_500_000, 1);
            app.commit();
            assertEquals(1, db.stats().rejected().get(AppendRejectedException.Reason.OUT_OF_BOUNDS));
        }
    }

    @Test
    void flippedBytesInTheWalAreReportedAndTheRestIsServed() throws Exception {
        DbOptions o = DbOptions.builder(dir).seriesRegistry(false).clock(() -> T0 + 2_000_000).build();
        Labels a = Labels.of("__name__", "m", "i", "1");
        try (Db db = Db.open(o)) {
            for (int i = 0; i < 200; i++) {
                Appender app = db.appender();
                app.append(0, a, T0 + 1000L * i, i);
                app.commit();
            }
        }
        Path seg = dir.resolve("wal").resolve("00000001");
        byte[] bytes = java.nio.file.Files.readAllBytes(seg);
        for (int k = 0; k < 4; k++) {
            bytes[bytes.length / 2 + k] ^= (byte) 0xff;
        }
        java.nio.file.Files.write(seg, bytes);
        try (Db db = Db.open(o)) {
            assertTrue(db.ready());
            assertEquals(1, db.stats().walDamagedSegments());
            int n = read(db, a, 0, Long.MAX_VALUE).size();
            assertTrue(n >= 198 && n < 200, "all but the damaged record served: " + n);
            // and the store keeps working
            Appender app = db.appender();
            app.append(0, a, T0 + 500_000, 1);
            app.commit();
        }
        try (Db db = Db.open(o)) {
            assertEquals(0, db.stats().walDamagedSegments());
            assertTrue(read(db, a, 0, Long.MAX_VALUE).size() >= 199);
        }
    }

    @Test
    void seriesRegistryKeepsIdsAcrossRestartsAndIsRebuiltWhenDamaged() throws Exception {
        DbOptions o = DbOptions.builder(dir).seriesRegistry(true).clock(() -> T0 + 2_000_000).retentionMs(1_000_000).build();
        Labels a = Labels.of("__name__", "m", "i", "1");
        Labels b = Labels.of("__name__", "m", "i", "2");
        long refA;
        try (Db db = Db.open(o)) {
            Appender app = db.appender();
            refA = app.append(0, a, T0 + 1_500_000, 1);
            app.append(0, b, T0 + 1_500_000, 1);
            app.commit();
            assertEquals(2, db.stats().seriesRegistryEntries());
        }
        // Garbage in the registry file: it is set aside and rebuilt from the WAL.
        Path reg = dir.resolve("series").resolve("000001.cmap");
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(reg, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[4096]), 0);
        }
        try (Db db = Db.open(o)) {
            assertTrue(db.ready());
            assertEquals(2, db.stats().seriesRegistryEntries());
            Appender app = db.appender();
            assertEquals(refA, app.append(0, a, T0 + 1_600_000, 2), "same labels, same ref after restart");
            app.commit();
        }
    }
}
