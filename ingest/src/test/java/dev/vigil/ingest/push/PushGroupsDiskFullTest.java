package dev.vigil.ingest.push;

import static dev.vigil.ingest.push.PushGroupsTest.body;
import static dev.vigil.ingest.push.PushGroupsTest.job;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.StorageWriteException;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import dev.vigil.tsdb.io.FaultyFileIo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes on a full disk (the store's file facade failing with ENOSPC): a PUT or DELETE the
 * store cannot write is refused with a {@link StorageWriteException} and changes nothing, the
 * group as it was, its samples as they were; once space returns the same push is taken.
 */
class PushGroupsDiskFullTest {
    final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    @TempDir
    Path dir;

    @Test
    void aPushOrDeleteTheDiskCannotTakeChangesNothing() throws Exception {
        FaultyFileIo io = FaultyFileIo.noSync();
        try (Db db = Db.open(DbOptions.builder(dir.resolve("data")).io(io).seriesRegistry(false).clock(now::get).build())) {
            PushGroups g = new PushGroups(db, PushOptions.defaults().withStateFile(dir.resolve("push-groups.state")), now::get);
            try {
                g.push(job("tm-1"), true, body("heap_used{tm=\"1\"} 100\nheap_max{tm=\"1\"} 1000\n"));
                List<GroupView> before = g.groups();

                io.bytesUntilFull = 0;
                now.addAndGet(1000);
                StorageWriteException e = assertThrows(StorageWriteException.class,
                        () -> g.push(job("tm-1"), true, body("heap_used{tm=\"1\"} 200\nthreads{tm=\"1\"} 7\n")));
                assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
                assertThrows(StorageWriteException.class, () -> g.delete(job("tm-1")));
                assertSame(before, g.groups());
                assertEquals(List.of(100.0), values(db, "heap_used"));
                assertEquals(List.of(), values(db, "threads"));

                io.bytesUntilFull = Long.MAX_VALUE;
                now.addAndGet(1000);
                g.push(job("tm-1"), true, body("heap_used{tm=\"1\"} 200\nthreads{tm=\"1\"} 7\n"));
                assertEquals(List.of(100.0, 200.0), values(db, "heap_used"));
                assertEquals(List.of(7.0), values(db, "threads"));
            } finally {
                g.close();
            }
        }
    }

    private static void assertSame(List<GroupView> want, List<GroupView> got) {
        assertEquals(want.size(), got.size());
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i).key(), got.get(i).key());
            assertEquals(want.get(i).pushTimeSeconds(), got.get(i).pushTimeSeconds());
            assertEquals(want.get(i).failureTimeSeconds(), got.get(i).failureTimeSeconds());
            assertEquals(want.get(i).families().size(), got.get(i).families().size());
            for (int f = 0; f < want.get(i).families().size(); f++) {
                assertEquals(want.get(i).families().get(f).name(), got.get(i).families().get(f).name());
                assertArrayEquals(want.get(i).families().get(f).values(), got.get(i).families().get(f).values());
            }
        }
    }

    /** The non-stale values stored for {@code metric}, oldest first. */
    private static List<Double> values(Db db, String metric) {
        List<Double> out = new ArrayList<>();
        try (Querier q = db.querier(0, Long.MAX_VALUE)) {
            SeriesSet s = q.select(true, null, Matcher.eq("__name__", metric));
            while (s.next()) {
                SampleIterator it = s.at().iterator(null);
                while (it.next()) {
                    if (!dev.vigil.tsdb.Values.isStaleNaN(it.v())) {
                        out.add(it.v());
                    }
                }
            }
        }
        return out;
    }
}
