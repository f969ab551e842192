package dev.vigil.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.io.FileIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class SeriesRegistryTest {
    @TempDir
    Path dir;

    private static Labels series(int i) {
        return Labels.of("__name__", "flink_taskmanager_job_task_operator_numRecordsIn", "task_attempt_id",
                "attempt_" + i, "subtask_index", Integer.toString(i % 64), "tm_id", "tm_" + (i % 50));
    }

    @Test
    void moreSeriesThanTheMapWasSizedForGrowItInsteadOfFailingAppends() throws Exception {
        // Sized for 1,024 entries: Chronicle Map refuses past ~10x that; a Flink cluster with
        // churn gets there, and an append must never fail because a cache is full.
        int n = 40_000;
        try (SeriesRegistry r = SeriesRegistry.open(FileIo.DEFAULT, dir, 1024)) {
            for (int i = 1; i <= n; i++) {
                r.put(series(i), i);
            }
            assertEquals(n, r.size());
            assertEquals(12_345, r.lookup(series(12_345)));
            assertEquals(n, r.lookup(series(n)));
            assertTrue(r.reserved() >= n, "the id reservation survives the growth");
        }
        try (var files = Files.list(dir)) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            assertEquals(1, names.size(), "the outgrown generations are deleted: " + names);
            assertTrue(names.get(0).compareTo("000001.cmap") > 0, names.toString());
        }
        try (SeriesRegistry again = SeriesRegistry.open(FileIo.DEFAULT, dir, 1024)) {
            assertEquals(n, again.size(), "the grown file is the one reopened");
            assertEquals(777, again.lookup(series(777)));
        }
    }

    @Test
    void resolveGivesAReturningSeriesItsOldIdUnlessALiveSeriesHoldsItAndRecordsFreshOnes() throws Exception {
        // Sized small so the resolves also cross the map's growth.
        int[] next = {100};
        try (SeriesRegistry r = SeriesRegistry.open(FileIo.DEFAULT, dir, 1024)) {
            for (int i = 1; i <= 20_000; i++) {
                assertEquals(100 + i, r.resolve(series(i), id -> false, () -> ++next[0]), "a new series gets a fresh id");
            }
            assertEquals(105, r.lookup(series(5)), "recorded");
            assertEquals(105, r.resolve(series(5), id -> false, () -> ++next[0]), "a returning series gets its old id");
            assertEquals(20_100, next[0], "and takes no fresh one");
            assertEquals(20_101, r.resolve(series(5), id -> id == 105, () -> ++next[0]), "its old id is held by a live series");
            assertEquals(20_101, r.lookup(series(5)), "the new id replaces the old one");
            assertTrue(r.reserved() >= 20_101, "ids handed out are reserved");
        }
        try (SeriesRegistry again = SeriesRegistry.open(FileIo.DEFAULT, dir, 1024)) {
            assertEquals(20_000, again.size());
            assertEquals(20_101, again.lookup(series(5)), "kept across a reopen");
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void anIdleMapLeavesResidentMemoryAndStillAnswersAfterwards() throws Exception {
        int n = 20_000;
        try (SeriesRegistry r = SeriesRegistry.open(FileIo.DEFAULT, dir, 40_000)) {
            for (int i = 1; i <= n; i++) {
                r.put(series(i), i);
            }
            String path = r.file().toRealPath().toString();
            long before = residentKb(path);
            assertTrue(before > 2_000, "the puts touched the mapping: " + before + " kB");
            long now = System.nanoTime();
            assertEquals(0, r.releasePages(now), "just used: not idle yet");
            assertTrue(r.releasePages(now + SeriesRegistry.IDLE_NANOS) > 0);
            long after = residentKb(path);
            assertTrue(after < before / 4, "resident " + before + " kB -> " + after + " kB");
            assertEquals(0, r.releasePages(now + 2 * SeriesRegistry.IDLE_NANOS), "released already, untouched since");

            assertEquals(12_345, r.lookup(series(12_345)), "the contents stay");
            r.put(series(n + 1), n + 1);
        }
        try (SeriesRegistry again = SeriesRegistry.open(FileIo.DEFAULT, dir, 40_000)) {
            assertEquals(n + 1, again.size(), "written before and after the release, all on disk");
            assertEquals(n + 1, again.lookup(series(n + 1)));
            assertEquals(777, again.lookup(series(777)));
        }
    }

    @Test
    void mappingsOfTheFileAreFoundInTheProcessListing() {
        List<String> maps = List.of(
                "7f0000000000-7f0002000000 rw-s 00000000 fd:01 1234   /data/series/000001.cmap",
                "7f0003000000-7f0003100000 rw-s 02000000 fd:01 1234   /data/series/000001.cmap",
                "7f0004000000-7f0004100000 rw-s 00000000 fd:01 1235   /other/data/series/000001.cmap",
                "7f0005000000-7f0005100000 rw-p 00000000 00:00 0 ");
        List<long[]> r = MappedRanges.parse(maps, "/data/series/000001.cmap");
        assertEquals(2, r.size());
        assertEquals(0x7f0000000000L, r.get(0)[0]);
        assertEquals(0x7f0002000000L, r.get(0)[1]);
        assertEquals(0x7f0003100000L, r.get(1)[1]);
    }

    /** Resident kB of this process's mappings of the file. */
    private static long residentKb(String path) throws Exception {
        long kb = 0;
        boolean ours = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                ours = line.endsWith(" " + path);
            } else if (ours && line.startsWith("Rss:")) {
                kb += Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return kb;
    }
}
