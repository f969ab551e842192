package dev.vigil.tsdb.db;

import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.wal.Wal;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Bytes of each part of a data folder, as {@code --storage.tsdb.retention.size} counts them.
 *
 * @param wal WAL segments, the checkpoint excepted
 * @param walCheckpoint the WAL checkpoint segment written since this open (0 when none, then in {@code wal})
 * @param headChunks bytes written to the head's memory-mapped chunk files (sparse files: not their length)
 * @param headSnapshot the head snapshot file
 * @param seriesRegistry the persisted series registry
 * @param blocks the open blocks
 * @param other everything else in the folder (push-group state, tombstones, unfinished writes), snapshots excepted
 * @param snapshots {@code snapshots/}: not counted, its blocks are mostly hard links to live ones
 * @param oldestBlock ULID of the block size retention deletes next, or null when there is none
 */
public record DiskUsage(long wal, long walCheckpoint, long headChunks, long headSnapshot, long seriesRegistry, long blocks,
        long other, long snapshots, String oldestBlock) {
    /** What counts against the size limit: every part but the snapshots. */
    public long total() {
        return wal + walCheckpoint + headChunks + headSnapshot + seriesRegistry + blocks + other;
    }

    /**
     * Sizes the parts of data folder {@code dir}.
     *
     * @param headChunkBytes bytes written to the head chunk files
     * @param checkpointSegment the WAL segment holding the last checkpoint, or -1 if unknown
     */
    static DiskUsage scan(FileIo io, Path dir, List<Block> blocks, long headChunkBytes, int checkpointSegment)
            throws IOException {
        long wal = 0;
        long checkpoint = 0;
        long snapshotFile = 0;
        long registry = 0;
        long other = 0;
        long snapshots = 0;
        Set<Path> blockDirs = new HashSet<>();
        long blockBytes = 0;
        String oldest = null;
        long oldestMax = Long.MAX_VALUE;
        for (Block b : blocks) {
            blockDirs.add(b.dir());
            blockBytes += b.sizeBytes();
            if (b.meta().maxTime() < oldestMax) {
                oldestMax = b.meta().maxTime();
                oldest = b.meta().ulid();
            }
        }
        for (Path p : io.list(dir)) {
            String name = p.getFileName().toString();
            if (blockDirs.contains(p) || name.equals("chunks_head") || name.equals("lock")) {
                continue;
            }
            long size = io.isDirectory(p) ? io.treeSize(p) : io.size(p);
            switch (name) {
                case "wal" -> {
                    Path cp = Wal.segmentPath(p, checkpointSegment);
                    if (checkpointSegment >= 0 && io.exists(cp)) {
                        checkpoint = io.size(cp);
                    }
                    wal = size - checkpoint;
                }
                case Db.SNAPSHOT -> snapshotFile = size;
                case "series" -> registry = size;
                case "snapshots" -> snapshots = size;
                default -> other += size;
            }
        }
        return new DiskUsage(wal, checkpoint, headChunkBytes, snapshotFile, registry, blockBytes, other, snapshots, oldest);
    }
}
