package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --storage.tsdb.retention.size counts the whole data folder, and deletes the oldest blocks first. */
class RetentionSizeTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);

    @TempDir
    Path dir;

    @Test
    void sizeLimitCountsWalHeadAndRegistryNotOnlyBlocks() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        Path data = dir.resolve("data");
        DiskUsage u;
        List<DbStats.BlockInfo> before;
        try (Db db = Db.open(DbOptions.builder(data).clock(now::get).build())) {
            for (long t = T0; t < T0 + 11 * H; t += 30_000) {
                now.set(t);
                Appender a = db.appender();
                for (int i = 0; i < 200; i++) {
                    a.append(0, Labels.of("__name__", "m", "i", Integer.toString(i)), t, (t / 30_000) * (i + 1));
                }
                a.commit();
            }
            db.runMaintenance();
            u = db.diskUsage();
            before = db.stats().blocks();
            assertTrue(before.size() >= 3, "blocks: " + before);
            assertTrue(u.wal() > 0 && u.headChunks() > 0 && u.seriesRegistry() > 0 && u.blocks() > 0, u.toString());
            assertEquals(u.total(), db.stats().diskBytes());
            long onDisk;
            try (Stream<Path> s = Files.walk(data)) {
                onDisk = s.filter(Files::isRegularFile).filter(p -> !p.startsWith(data.resolve("chunks_head")))
                        .mapToLong(p -> p.toFile().length()).sum();
            }
            assertEquals(onDisk, u.total() - u.headChunks(), "every file but the sparse head chunks counted: " + u);
            String oldest = before.stream().min((x, y) -> Long.compare(x.maxT(), y.maxT())).orElseThrow().ulid();
            assertEquals(oldest, u.oldestBlock());
        }
        // A limit the blocks alone fit under, the whole folder does not: the oldest blocks go.
        long limit = u.total() - 1;
        assertTrue(u.blocks() < limit);
        try (Db db = Db.open(DbOptions.builder(data).clock(now::get).retentionBytes(limit).build())) {
            List<DbStats.BlockInfo> after = db.stats().blocks();
            assertTrue(after.size() < before.size(), "a block was deleted: " + before + " -> " + after);
            long kept = after.stream().mapToLong(DbStats.BlockInfo::minT).min().orElse(Long.MAX_VALUE);
            for (DbStats.BlockInfo b : before) {
                boolean gone = after.stream().noneMatch(x -> x.ulid().equals(b.ulid()));
                assertEquals(b.minT() < kept, gone, "only the oldest blocks go: " + b);
            }
            DiskUsage now2 = db.diskUsage();
            assertTrue(now2.total() <= limit || after.isEmpty(), now2 + " over " + limit);
        }
    }
}
