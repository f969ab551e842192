package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.StorageWriteException;
import dev.vigil.tsdb.head.HeadChunks;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk under the store, through the file facade: a commit the disk cannot take is
 * refused whole with a {@link StorageWriteException} (nothing of it stored, nothing of it
 * coming back after a restart), the store says it is not ready, and once space returns it
 * takes commits again by itself. The paths a real small disk cannot reach on cue: the WAL
 * write, the WAL segment roll, the head chunk space.
 */
class DiskFullTest {
    static final long T0 = 1_700_000_000_000L;
    static final int SERIES = 40;

    @TempDir
    Path dir;

    @BeforeEach
    void smallChunkFiles() {
        // 64 KiB head chunk files: a few hundred rounds cut chunks and roll files.
        System.setProperty(HeadChunks.FILE_BYTES_PROPERTY, String.valueOf(64 << 10));
    }

    @AfterEach
    void defaultChunkFiles() {
        System.clearProperty(HeadChunks.FILE_BYTES_PROPERTY);
    }

    private DbOptions options(FileIo io) {
        return DbOptions.builder(dir).seriesRegistry(false).io(io).clock(() -> T0 + 10_000_000L).walSegmentBytes(64 << 10)
                .snapshotIntervalMs(0).build();
    }

    private static Labels series(int i) {
        return Labels.of("__name__", "flink_taskmanager_Status_JVM_CPU_Load", "job", "flink", "tm", "tm-" + i);
    }

    /** One commit of a sample per series at round r; its value tells the round and series apart. */
    private static void commitRound(Db db, int r) throws IOException {
        Appender a = db.appender();
        for (int i = 0; i < SERIES; i++) {
            a.append(0, series(i), T0 + 1000L * r, r * 1000.0 + i);
        }
        a.commit();
    }

    /** Every series holds exactly the acknowledged rounds, with their exact values. */
    private static void assertHolds(Db db, List<Integer> acked) {
        for (int i = 0; i < SERIES; i++) {
            List<long[]> got = DbTest.read(db, series(i), 0, Long.MAX_VALUE);
            assertEquals(acked.size(), got.size(), "samples of series " + i);
            for (int k = 0; k < acked.size(); k++) {
                int r = acked.get(k);
                assertEquals(T0 + 1000L * r, got.get(k)[0]);
                assertEquals(Double.doubleToRawLongBits(r * 1000.0 + i), got.get(k)[1]);
            }
        }
    }

    @Test
    void aFullDiskRefusesCommitsWholeAndIngestionResumesWhenSpaceReturns() throws Exception {
        FaultyFileIo io = FaultyFileIo.noSync();
        io.tornBytes = 100; // a refused WAL write leaves part of itself, which must be cut off
        List<Integer> acked = new ArrayList<>();
        int refused = 0;
        int r = 0;
        try (Db db = Db.open(options(io))) {
            for (; r < 300; r++) {
                commitRound(db, r);
                acked.add(r);
            }
            io.bytesUntilFull = 150 << 10; // the disk fills up some rounds from now
            for (; refused < 20; r++) {
                try {
                    commitRound(db, r);
                    acked.add(r);
                    assertEquals(0, refused, "once full, the disk stays full until space is freed");
                } catch (StorageWriteException e) {
                    refused++;
                    assertTrue(e.getMessage().contains(dir.toString()) && e.getMessage().contains("No space left on device"),
                            e.getMessage());
                    assertFalse(db.ready(), "not ready while nothing can be written");
                    assertNotNull(db.writeFailure());
                }
            }
            assertTrue(acked.size() > 300, "some rounds fit before the disk filled: " + acked.size());
            assertHolds(db, acked);
            db.probeDisk();
            assertFalse(db.ready(), "a probe on a disk still full changes nothing");

            io.bytesUntilFull = Long.MAX_VALUE; // space returns
            db.probeDisk();
            assertTrue(db.ready(), "the probe notices the space");
            assertNull(db.writeFailure());
            for (int k = 0; k < 300; k++, r++) {
                commitRound(db, r);
                acked.add(r);
            }
            assertHolds(db, acked);
        }
        try (Db db = Db.open(options(FaultyFileIo.noSync()))) {
            assertHolds(db, acked); // nothing refused came back, nothing acknowledged was lost
        }
    }

    @Test
    void noHeadChunkSpaceRefusesTheCommitBeforeItIsLogged() throws Exception {
        FaultyFileIo io = FaultyFileIo.noSync();
        List<Integer> acked = new ArrayList<>();
        try (Db db = Db.open(options(io))) {
            io.failWhen = (op, p) -> op == FaultyFileIo.Op.MAP;
            long walBefore = io.treeSize(dir.resolve("wal"));
            StorageWriteException e = assertThrows(StorageWriteException.class, () -> commitRound(db, 0));
            assertTrue(e.getMessage().contains("injected failure: MAP"), e.getMessage());
            assertEquals(walBefore, io.treeSize(dir.resolve("wal")), "nothing of a refused commit is logged");
            assertFalse(db.ready());
            assertHolds(db, acked);
            db.probeDisk();
            assertFalse(db.ready());

            io.failWhen = (op, p) -> false;
            db.probeDisk();
            assertTrue(db.ready());
            for (int r = 1; r < 400; r++) {
                commitRound(db, r);
                acked.add(r);
            }
            assertHolds(db, acked);
        }
        try (Db db = Db.open(options(FaultyFileIo.noSync()))) {
            assertHolds(db, acked);
        }
    }

    @Test
    void aWalSegmentTheDiskCannotTakeLeavesTheWalWritable() throws Exception {
        FaultyFileIo io = FaultyFileIo.noSync();
        List<Integer> acked = new ArrayList<>();
        int refused = 0;
        try (Db db = Db.open(options(io))) {
            Path wal = dir.resolve("wal");
            // Creating a segment fails: the commits that need the next segment are refused.
            io.failWhen = (op, p) -> op == FaultyFileIo.Op.APPEND && p.startsWith(wal);
            int r = 0;
            for (; refused < 5; r++) {
                try {
                    commitRound(db, r);
                    acked.add(r);
                } catch (StorageWriteException e) {
                    refused++;
                    assertFalse(db.ready());
                }
            }
            io.failWhen = (op, p) -> false;
            for (int k = 0; k < 200; k++, r++) {
                commitRound(db, r); // rolls to the next segment now; before, the WAL stayed closed for good
                acked.add(r);
            }
            assertTrue(db.ready(), "a written commit clears the failure");
            assertHolds(db, acked);
        }
        try (Db db = Db.open(options(FaultyFileIo.noSync()))) {
            assertHolds(db, acked);
        }
    }
}
