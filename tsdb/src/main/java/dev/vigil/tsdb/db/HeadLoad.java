package dev.vigil.tsdb.db;

import dev.vigil.tsdb.head.Head;
import dev.vigil.tsdb.head.HeadSnapshotFile;
import dev.vigil.tsdb.head.SeriesRegistry;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.wal.Wal;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** How {@link Db#open} gets its head: from the shutdown snapshot, or empty for a replay of the whole WAL. */
final class HeadLoad {
    private static final Logger LOG = Logger.getLogger(Db.class.getName());
    private static final String SNAPSHOT = Db.SNAPSHOT;

    private HeadLoad() {
    }

    /**
     * Entries to size a new series registry for: 100 k series (about 40 MB of file) unless told
     * more; the map grows past its size by adding tiers, so this bounds disk use for small
     * installations only.
     */
    static long registryEntries(DbOptions o, int series) {
        return Math.max(o.maxSeries() > 0 ? o.maxSeries() * 5L / 4 : 0, Math.max(100_000, series * 2L));
    }

    /** The registry opened by {@code task}, waiting for it. */
    static SeriesRegistry opened(java.util.concurrent.FutureTask<SeriesRegistry> task) throws IOException {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while opening the series registry", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /**
     * An empty head for a replay of the whole WAL that takes over the chunks the head chunk files
     * still hold, or, when those cannot be read, one that deletes them and encodes every sample.
     */
    static Head headForReplay(DbOptions o, Head.Options ho, long floor) throws IOException {
        Path dir = o.dir().resolve("chunks_head");
        Head head = new Head(dir, o.io(), ho, true);
        try {
            long t0 = System.nanoTime();
            int found = head.adoptChunkFiles(floor);
            LOG.info(String.format("head chunk files: %d chunks found in %d ms for the WAL replay to take over", found,
                    (System.nanoTime() - t0) / 1_000_000));
            return head;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "head chunk files not usable; the WAL replay encodes every sample again", e);
            head.close();
            return new Head(dir, o.io(), ho, false);
        }
    }

    record SnapshotLoad(Head head, int replayFrom, String problem, long series, long millis) {
    }

    /**
     * Loads the shutdown snapshot if there is one and it matches the WAL: segment it ends at
     * still present with the same length and checksum, and every head chunk file it refers to
     * intact. Anything else sets it aside (stale: deleted; damaged: kept as *.damaged) and the
     * head is rebuilt from the whole WAL. Returns a null head then.
     */
    static SnapshotLoad loadSnapshot(DbOptions o, Head.Options ho, Path walDir) throws IOException {
        FileIo io = o.io();
        Path file = o.dir().resolve(SNAPSHOT);
        if (!io.list(o.dir()).contains(file)) {
            return new SnapshotLoad(null, 0, null, 0, 0);
        }
        long t0 = System.nanoTime();
        String problem;
        boolean damaged = false;
        HeadSnapshotFile snap = null;
        try {
            snap = HeadSnapshotFile.open(io, file);
            problem = o.headSnapshot() ? walMismatch(io, walDir, snap.walPosition()) : "head snapshots are disabled";
        } catch (IOException | RuntimeException e) {
            problem = e.getMessage() == null ? e.toString() : e.getMessage();
            damaged = true;
        }
        if (problem == null) {
            Head head = new Head(o.dir().resolve("chunks_head"), io, ho, true);
            try {
                head.loadSnapshot(snap, Runtime.getRuntime().availableProcessors());
                long ms = (System.nanoTime() - t0) / 1_000_000;
                LOG.info(String.format("loaded head snapshot: %d series in %d ms; replaying the WAL after segment %d",
                        snap.seriesCount(), ms, snap.walPosition().segment()));
                return new SnapshotLoad(head, snap.walPosition().segment() + 1, null, snap.seriesCount(), ms);
            } catch (IOException | RuntimeException e) {
                head.close();
                problem = e.getMessage() == null ? e.toString() : e.getMessage();
                damaged = true;
            } finally {
                snap.close();
            }
        } else if (snap != null) {
            snap.close();
        }
        // The head is rebuilt from the WAL, which deletes the head chunk files the snapshot
        // refers to: it can never be used again.
        try {
            if (damaged) {
                LOG.warning("head snapshot " + file + " not used (" + problem + "); set aside as " + SNAPSHOT
                        + ".damaged, rebuilding the head from the WAL");
                io.rename(file, o.dir().resolve(SNAPSHOT + ".damaged"));
            } else {
                LOG.info("head snapshot not used (" + problem + "); rebuilding the head from the WAL");
                io.deleteIfExists(file);
            }
            io.fsyncDir(o.dir());
        } catch (IOException e) {
            // It stays unusable (its chunk files are about to be rebuilt), so the next open
            // will refuse it again: a failure here must not stop this one.
            LOG.log(Level.WARNING, "could not set the head snapshot aside", e);
        }
        return new SnapshotLoad(null, 0, problem, 0, 0);
    }

    /** Why the WAL does not continue from {@code pos}, or null if it does. */
    static String walMismatch(FileIo io, Path walDir, HeadSnapshotFile.WalPosition pos) throws IOException {
        List<Integer> segs = Wal.segments(io, walDir);
        if (!segs.contains(pos.segment())) {
            return "stale: WAL segment " + pos.segment() + " it ends at is gone";
        }
        Path p = Wal.segmentPath(walDir, pos.segment());
        long size = io.size(p);
        if (size != pos.size()) {
            return "stale: WAL segment " + pos.segment() + " has " + size + " bytes, the snapshot ends at " + pos.size();
        }
        if (crcOf(io, p, size) != pos.crc()) {
            return "stale: WAL segment " + pos.segment() + " changed since the snapshot";
        }
        return null;
    }

    static int crcOf(FileIo io, Path p, long size) throws IOException {
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        try (FileChannel ch = io.openRead(p)) {
            for (long at = 0; at < size; at += Integer.MAX_VALUE) {
                c.update(ch.map(FileChannel.MapMode.READ_ONLY, at, Math.min(Integer.MAX_VALUE, size - at)));
            }
        }
        return (int) c.getValue();
    }
}
