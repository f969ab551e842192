package dev.vigil.tsdb.tools;

import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The head of a stopped store, rebuilt from a copy of its WAL in a scratch folder: replay may repair a torn tail
 * and opening a store cuts and checkpoints, which must never happen to the folder the tools are asked to read.
 * The copy costs the WAL's size in scratch space and its replay time.
 */
final class HeadReplica implements AutoCloseable {
    private final Path scratch;
    private final Db db;

    private HeadReplica(Path scratch, Db db) {
        this.scratch = scratch;
        this.db = db;
    }

    /** The replica of {@code dir}'s head, or null when the folder has no WAL. */
    static HeadReplica open(Path dir) throws IOException {
        Path wal = dir.resolve("wal");
        if (!Files.isDirectory(wal)) {
            return null;
        }
        Path scratch = Files.createTempDirectory("vigil-head-");
        try {
            copyTree(wal, scratch.resolve("wal"));
            // Nothing may age out during the replay: the replica keeps whatever the WAL holds.
            Db db = Db.open(DbOptions.builder(scratch).retentionMs(Long.MAX_VALUE / 4).seriesRegistry(false)
                    .headSnapshot(false).build());
            return new HeadReplica(scratch, db);
        } catch (IOException | RuntimeException e) {
            deleteTree(scratch);
            throw e;
        }
    }

    Querier querier(long mint, long maxt) {
        return db.querier(mint, maxt);
    }

    @Override
    public void close() throws IOException {
        try {
            db.close();
        } finally {
            deleteTree(scratch);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(from)) {
            all = s.toList();
        }
        for (Path p : all) {
            Path target = to.resolve(from.relativize(p).toString());
            if (Files.isDirectory(p)) {
                Files.createDirectories(target);
            } else {
                Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(dir)) {
            all = s.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : all) {
            Files.deleteIfExists(p);
        }
    }
}
