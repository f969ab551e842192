package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.block.BlockWriter;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The file facade given to {@link Db#open} reaches the block writer (compaction) and the series registry. */
class FaultInjectionTest {
    static final long H = BlocksIntegrationTest.H;
    static final long T0 = BlocksIntegrationTest.T0;

    @TempDir
    Path dir;

    /** 20 hours of 10 series at 60 s, into the store and a reference. */
    private static void write(Db db, MemoryStorage ref, AtomicLong now) throws IOException {
        for (long t = T0; t < T0 + 20 * H; t += 60_000) {
            now.set(t);
            Appender a = db.appender();
            Appender b = ref.appender();
            for (int s = 0; s < 10; s++) {
                Labels l = Labels.of("__name__", "flink_taskmanager_Status_JVM_CPU_Load", "tm_id", "tm-" + s);
                a.append(0, l, t, (t - T0) / 1000.0 + s);
                b.append(0, l, t, (t - T0) / 1000.0 + s);
            }
            a.commit();
            b.commit();
        }
    }

    @Test
    void aCompactionWhoseRenameFailsLeavesNoPartialBlockAndTheStoreOpensAgain() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        MemoryStorage ref = new MemoryStorage();
        FaultyFileIo io = new FaultyFileIo();
        io.skipForce = true;
        AtomicInteger failed = new AtomicInteger();
        // Only the rename that would publish a compacted block (level 2) fails: head cuts go through.
        io.failWhen = (op, p) -> op == FaultyFileIo.Op.RENAME && p.getFileName().toString().endsWith(BlockWriter.TMP_SUFFIX)
                && level(p) >= 2 && failed.incrementAndGet() > 0;
        DbOptions faulty = DbOptions.builder(dir).seriesRegistry(false).clock(now::get).io(io).build();
        try (Db db = Db.open(faulty)) {
            write(db, ref, now);
            db.runMaintenance();
            assertTrue(failed.get() > 0, "a compaction ran and its rename failed");
            DbStats st = db.stats();
            assertEquals(0, st.compactions());
            assertTrue(st.blocks().size() >= 3, "the head was cut into blocks: " + st.blocks());
            assertTrue(st.blocks().stream().allMatch(b -> b.level() == 1), "no compacted block is visible: " + st.blocks());
            assertEquals(st.blocks().size(), blockDirs().size(), "every block folder is a listed block: " + blockDirs());
            BlocksIntegrationTest.compareAll(db, ref);
        }
        try (Db db = Db.open(DbOptions.builder(dir).seriesRegistry(false).clock(now::get).build())) {
            BlocksIntegrationTest.compareAll(db, ref);
            db.runMaintenance();
            assertTrue(db.stats().compactions() > 0, "without the fault the same compaction succeeds");
            assertTrue(db.stats().blocks().stream().anyMatch(b -> b.level() == 2));
            BlocksIntegrationTest.compareAll(db, ref);
        }
    }

    @Test
    void aSeriesRegistryThatCannotBeCreatedFailsTheOpenAndLeavesTheDataAlone() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        MemoryStorage ref = new MemoryStorage();
        try (Db db = Db.open(DbOptions.builder(dir).clock(now::get).build())) {
            write(db, ref, now);
        }
        FaultyFileIo io = new FaultyFileIo();
        io.failWhen = (op, p) -> op == FaultyFileIo.Op.MKDIR && p.equals(dir.resolve("series"));
        IOException e = assertThrows(IOException.class, () -> Db.open(DbOptions.builder(dir).clock(now::get).io(io).build()));
        assertTrue(e.getMessage().contains("injected failure: MKDIR"), e.getMessage());
        try (Db db = Db.open(DbOptions.builder(dir).clock(now::get).build())) {
            assertEquals(10, db.stats().seriesRegistryEntries());
            BlocksIntegrationTest.compareAll(db, ref);
        }
    }

    private List<Path> blockDirs() throws IOException {
        return FileIo.DEFAULT.list(dir).stream().filter(p -> p.getFileName().toString().matches("[0-9A-Z]{26}.*")).toList();
    }

    private static int level(Path blockDir) {
        try {
            return BlockMeta.fromJson(Files.readAllBytes(blockDir.resolve(BlockWriter.META))).compaction().level();
        } catch (IOException e) {
            return 0;
        }
    }
}
