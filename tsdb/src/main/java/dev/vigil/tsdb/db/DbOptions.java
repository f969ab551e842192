package dev.vigil.tsdb.db;

import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.wal.Wal;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How to open a {@link Db}.
 *
 * @param dir data folder (created if missing)
 * @param retentionMs data older than now − retention is deleted; default 180 days
 * @param retentionBytes 0 = off; otherwise oldest blocks are deleted while the folder is larger
 * @param blockRangeMs the head is cut into blocks of this range; chunks never cross it; 2 h
 * @param outOfOrderWindowMs how far behind the newest sample a sample may be and still be
 *     accepted out of order. Default −1 = the retention: the import API must take a day-old
 *     backfill, and a push that arrives late must not be lost. Set 0 for Prometheus's strict
 *     default (out-of-order samples refused with OUT_OF_ORDER).
 * @param maxSeries 0 = no limit; otherwise new series beyond it are refused (SERIES_LIMIT)
 * @param clock wall clock in ms (tests inject one)
 * @param walSegmentBytes WAL segment size, default 128 MiB
 * @param io the file facade every file operation of the store goes through: WAL, head chunks, head
 *     snapshot, series registry, blocks, compaction, retention (tests inject failures here)
 * @param seriesRegistry keep the label set → id registry in a Chronicle Map file (default true)
 * @param headSnapshot write a head snapshot at close and load it at the next open instead of
 *     replaying the WAL (default true; docs/format/head-snapshot.md)
 * @param snapshotIntervalMs also write one this often while running (and after each WAL
 *     checkpoint), so that recovery after a crash replays only the WAL since; 0 = only at close.
 *     Default 5 minutes
 * @param downsampleAfterMs raw blocks that ended this long ago get 5 m and 1 h rollups
 *     (docs/format/downsample.md); 0 = no rollups (this default; the server turns them on at 40 h)
 * @param rawRetentionMs raw blocks older than this are deleted once their rollups exist; the
 *     rollups live for {@code retentionMs}. 0 = raw data lives as long as the rollups
 */
public record DbOptions(Path dir, long retentionMs, long retentionBytes, long blockRangeMs, long outOfOrderWindowMs,
        int maxSeries, LongSupplier clock, long walSegmentBytes, FileIo io, boolean seriesRegistry,
        boolean headSnapshot, long snapshotIntervalMs, long downsampleAfterMs, long rawRetentionMs) {

    public static final long DEFAULT_RETENTION_MS = 180L * 24 * 3600 * 1000;
    public static final long DEFAULT_BLOCK_RANGE_MS = 2L * 3600 * 1000;
    public static final long DEFAULT_SNAPSHOT_INTERVAL_MS = 5L * 60 * 1000;

    public DbOptions {
        Objects.requireNonNull(dir, "dir");
        if (clock == null) {
            clock = System::currentTimeMillis;
        }
        if (io == null) {
            io = FileIo.DEFAULT;
        }
        if (retentionMs <= 0) {
            retentionMs = DEFAULT_RETENTION_MS;
        }
        if (blockRangeMs <= 0) {
            blockRangeMs = DEFAULT_BLOCK_RANGE_MS;
        }
        if (walSegmentBytes <= 0) {
            walSegmentBytes = Wal.DEFAULT_SEGMENT_BYTES;
        }
    }

    /** The out-of-order window in effect (resolves the −1 default to the retention). */
    public long effectiveOutOfOrderWindowMs() {
        return outOfOrderWindowMs < 0 ? retentionMs : outOfOrderWindowMs;
    }

    public static Builder builder(Path dir) {
        return new Builder(dir);
    }

    /** Builder with the defaults above. */
    public static final class Builder {
        private final Path dir;
        private long retentionMs = DEFAULT_RETENTION_MS;
        private long retentionBytes;
        private long blockRangeMs = DEFAULT_BLOCK_RANGE_MS;
        private long outOfOrderWindowMs = -1;
        private int maxSeries;
        private LongSupplier clock = System::currentTimeMillis;
        private long walSegmentBytes = Wal.DEFAULT_SEGMENT_BYTES;
        private FileIo io = FileIo.DEFAULT;
        private boolean seriesRegistry = true;
        private boolean headSnapshot = true;
        private long snapshotIntervalMs = DEFAULT_SNAPSHOT_INTERVAL_MS;
        private long downsampleAfterMs;
        private long rawRetentionMs;

        Builder(Path dir) {
            this.dir = dir;
        }

        public Builder retentionMs(long v) {
            retentionMs = v;
            return this;
        }

        public Builder retentionBytes(long v) {
            retentionBytes = v;
            return this;
        }

        public Builder blockRangeMs(long v) {
            blockRangeMs = v;
            return this;
        }

        public Builder outOfOrderWindowMs(long v) {
            outOfOrderWindowMs = v;
            return this;
        }

        public Builder maxSeries(int v) {
            maxSeries = v;
            return this;
        }

        public Builder clock(LongSupplier v) {
            clock = v;
            return this;
        }

        public Builder walSegmentBytes(long v) {
            walSegmentBytes = v;
            return this;
        }

        public Builder io(FileIo v) {
            io = v;
            return this;
        }

        public Builder seriesRegistry(boolean v) {
            seriesRegistry = v;
            return this;
        }

        public Builder headSnapshot(boolean v) {
            headSnapshot = v;
            return this;
        }

        public Builder snapshotIntervalMs(long v) {
            snapshotIntervalMs = v;
            return this;
        }

        public Builder downsampleAfterMs(long v) {
            downsampleAfterMs = v;
            return this;
        }

        public Builder rawRetentionMs(long v) {
            rawRetentionMs = v;
            return this;
        }

        public DbOptions build() {
            return new DbOptions(dir, retentionMs, retentionBytes, blockRangeMs, outOfOrderWindowMs, maxSeries, clock,
                    walSegmentBytes, io, seriesRegistry, headSnapshot, snapshotIntervalMs, downsampleAfterMs, rawRetentionMs);
        }
    }
}
