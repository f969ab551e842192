package dev.vigil.tsdb.db;

import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.block.BlockSet;
import dev.vigil.tsdb.block.BlockWriter;
import dev.vigil.tsdb.downsample.Rollups;
import dev.vigil.tsdb.head.Head;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.tombstones.TombstoneFile;
import dev.vigil.tsdb.tombstones.Tombstones;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Writes a snapshot of a store: a data folder another store can open (see {@link Db#snapshot}). */
final class SnapshotWriter {
    private SnapshotWriter() {
    }

    /**
     * The caller keeps maintenance (head cuts, compaction, retention) off meanwhile. A snapshot
     * that fails part-way (a full disk) is deleted: a folder that looks like a backup but lacks
     * blocks must not be left for someone to copy off.
     */
    static void write(FileIo io, Path dir, BlockSet blocks, Rollups rollups, Head head, Tombstones stones,
            boolean withHead) throws IOException {
        try {
            writeAll(io, dir, blocks, rollups, head, stones, withHead);
        } catch (IOException | RuntimeException e) {
            try {
                io.deleteTree(dir);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    private static void writeAll(FileIo io, Path dir, BlockSet blocks, Rollups rollups, Head head, Tombstones stones,
            boolean withHead) throws IOException {
        io.createDirectories(dir);
        blocks.linkInto(dir);
        if (rollups != null) {
            // Past the raw retention the rollups are the only copy of the history.
            rollups.linkInto(dir);
        }
        if (withHead) {
            long mint;
            long maxt;
            // The newest sample committed now bounds the head block: a commit still running
            // writes later samples (pushes stamp the receive time), so they are all left out
            // rather than some series getting them and others not.
            var lock = head.commitLock().writeLock();
            lock.lock();
            try {
                mint = head.minT();
                maxt = head.maxT();
            } finally {
                lock.unlock();
            }
            if (mint != Long.MAX_VALUE && maxt != Long.MIN_VALUE && mint <= maxt) {
                try (Querier q = stones.filter(head.querier(mint, maxt))) {
                    new BlockWriter(io).writeBlock(dir, q.select(true, null), mint, maxt + 1, 1, List.of());
                }
            }
        }
        if (!stones.isEmpty()) {
            TombstoneFile.write(io, dir, stones);
        }
        io.fsyncDir(dir);
    }
}
