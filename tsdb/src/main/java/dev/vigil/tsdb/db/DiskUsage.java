package dev.vigil.tsdb.db;

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
}
