package dev.vigil.tsdb.downsample;

import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.block.BlockSet;
import dev.vigil.tsdb.block.CorruptBlockException;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.tombstones.Tombstone;
import dev.vigil.tsdb.tombstones.Tombstones;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The rollup blocks of a store, one {@link BlockSet} per resolution under
 * {@code <data>/downsample/<5m|1h>/}: writes the rollups of raw blocks old enough, and applies
 * retention to rollups and to the raw blocks they summarise (docs/format/downsample.md).
 */
public final class Rollups implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Rollups.class.getName());
    public static final long RES_5M = 5 * 60_000L;
    public static final long RES_1H = 60 * 60_000L;
    /** The resolutions written, finest first. */
    public static final long[] RESOLUTIONS = {RES_5M, RES_1H};
    /** Default age (end of block to now) after which a raw block is rolled up: Thanos's 40 h. */
    public static final long DEFAULT_AFTER_MS = 40 * 3_600_000L;
    public static final String DIR = "downsample";

    private final FileIo fs;
    private final BlockSet[] sets = new BlockSet[RESOLUTIONS.length];
    private final DecodedColumns columns = new DecodedColumns(DecodedColumns.DEFAULT_MAX_BYTES);

    private Rollups(FileIo fs) {
        this.fs = fs;
    }

    /** Opens (creating) the rollup sets under {@code dataDir}; damaged rollup blocks are set aside. */
    public static Rollups open(FileIo fs, Path dataDir) throws IOException {
        Rollups r = new Rollups(fs);
        for (int i = 0; i < RESOLUTIONS.length; i++) {
            // Rollup blocks are never merged by compaction, so the block-size option is moot.
            r.sets[i] = BlockSet.open(fs, dataDir.resolve(DIR).resolve(name(RESOLUTIONS[i])), new BlockSet.Options(
                    BlockSet.MIN_BLOCK_MS, false));
        }
        return r;
    }

    /** The directory name of a resolution: {@code 5m}, {@code 1h}. */
    public static String name(long res) {
        return res % 3_600_000L == 0 ? res / 3_600_000L + "h" : res / 60_000L + "m";
    }

    /** The set of rollup blocks at {@code res}. */
    public BlockSet set(long res) {
        for (int i = 0; i < RESOLUTIONS.length; i++) {
            if (RESOLUTIONS[i] == res) {
                return sets[i];
            }
        }
        throw new IllegalArgumentException("no rollups at resolution " + res + " ms");
    }

    /**
     * Writes the rollups of every raw block that ended at least {@code afterMs} before
     * {@code now}, for the parts of its range no rollup block covers yet (raw blocks keep being
     * merged after they were rolled up; only what is new gets written).
     *
     * @return the rollup blocks written
     */
    public List<BlockMeta> rollUp(BlockSet raw, long now, long afterMs) throws IOException {
        List<BlockMeta> written = new ArrayList<>();
        for (Block b : raw.blocks()) {
            BlockMeta m = b.meta();
            if (now - m.maxTime() < afterMs) {
                continue;
            }
            for (int i = 0; i < RESOLUTIONS.length; i++) {
                for (long[] gap : gaps(sets[i], m.minTime(), m.maxTime())) {
                    try (Querier q = b.querier(gap[0], gap[1] - 1)) {
                        BlockMeta out = new RollupWriter(fs).write(sets[i].dir(), q.select(true, null), gap[0], gap[1],
                                RESOLUTIONS[i], m.compaction().sources());
                        sets[i].add(out.ulid());
                        written.add(out);
                        LOG.log(System.Logger.Level.INFO, "rolled up {0} [{1}, {2}) at {3} as {4}", b, gap[0], gap[1],
                                name(RESOLUTIONS[i]), out.ulid());
                    } catch (CorruptBlockException e) {
                        // The raw block is damaged: the block set sets it aside at its next pass.
                        LOG.log(System.Logger.Level.WARNING, "cannot roll up " + b + ": " + e.getMessage());
                    }
                }
            }
        }
        return written;
    }

    /** The sub-ranges of {@code [mint, maxt)} that no block of {@code set} covers. */
    static List<long[]> gaps(BlockSet set, long mint, long maxt) {
        List<long[]> out = new ArrayList<>();
        long from = mint;
        for (Block r : set.blocks()) { // sorted by minTime
            BlockMeta rm = r.meta();
            if (rm.maxTime() <= from || rm.minTime() >= maxt) {
                continue;
            }
            if (rm.minTime() > from) {
                out.add(new long[] {from, rm.minTime()});
            }
            from = Math.max(from, rm.maxTime());
        }
        if (from < maxt) {
            out.add(new long[] {from, maxt});
        }
        return out;
    }

    /** Whether every resolution's rollups cover {@code [mint, maxt)}. */
    public boolean covers(long mint, long maxt) {
        for (BlockSet s : sets) {
            if (!gaps(s, mint, maxt).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Deletes raw blocks older than {@code rawRetentionMs} whose range every resolution's
     * rollups cover (a raw block not yet rolled up stays), then rollups older than
     * {@code retentionMs}.
     *
     * @return how many blocks were deleted
     */
    public int applyRetention(BlockSet raw, long now, long rawRetentionMs, long retentionMs) throws IOException {
        int n = 0;
        if (rawRetentionMs > 0 && rawRetentionMs < retentionMs) {
            n += raw.deleteIf(b -> now - b.meta().maxTime() >= rawRetentionMs
                    && covers(b.meta().minTime(), b.meta().maxTime())).size();
        }
        for (BlockSet s : sets) {
            n += s.applyRetention(now, retentionMs, 0).size();
        }
        return n;
    }

    /**
     * After {@code raw}'s blocks were rewritten without what {@code stones} delete: drops the
     * rollup blocks that still hold deleted data and whose range raw blocks cover, so the next
     * {@link #rollUp} writes them again from the cleaned raw data (queries read raw meanwhile).
     * Rollup blocks past the raw retention stay; their tombstones must stay with them
     * ({@link #overlaps}).
     *
     * @return how many rollup blocks were dropped
     */
    public int dropDeleted(BlockSet raw, Tombstones stones) throws IOException {
        int n = 0;
        for (BlockSet s : sets) {
            n += s.deleteIf(b -> stones.overlaps(b.meta().minTime(), b.meta().maxTime() - 1)
                    && gaps(raw, b.meta().minTime(), b.meta().maxTime()).isEmpty()).size();
        }
        return n;
    }

    /** Whether a rollup block of some resolution holds part of what {@code t} deletes. */
    public boolean overlaps(Tombstone t) {
        for (BlockSet s : sets) {
            for (Block b : s.blocks()) {
                if (b.meta().overlaps(t.mint(), t.maxt())) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The time range [min, max] the rollup blocks hold, or null when there are none. */
    public long[] range() {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        for (BlockSet s : sets) {
            for (Block b : s.blocks()) {
                lo = Math.min(lo, b.meta().minTime());
                hi = Math.max(hi, b.meta().maxTime() - 1);
            }
        }
        return hi == Long.MIN_VALUE ? null : new long[] {lo, hi};
    }

    /** Hard-links every rollup block into {@code dataDir}'s {@code downsample/<res>/}, as a snapshot needs. */
    public void linkInto(Path dataDir) throws IOException {
        Path top = dataDir.resolve(DIR);
        for (int i = 0; i < RESOLUTIONS.length; i++) {
            if (!sets[i].blocks().isEmpty()) {
                Path res = top.resolve(name(RESOLUTIONS[i]));
                fs.createDirectories(res);
                sets[i].linkInto(res);
                fs.fsyncDir(res);
                fs.fsyncDir(top);
            }
        }
    }

    /** One aggregate at {@code res} over [mint, maxt], the counter continued across blocks. */
    public Querier querier(long res, Aggregate agg, long mint, long maxt) {
        return new RollupSetQuerier(set(res).blocks(), agg, mint, maxt, columns);
    }

    /** The decoded columns every query of these rollups shares. */
    public DecodedColumns columns() {
        return columns;
    }

    /** Total bytes of rollup blocks at {@code res}. */
    public long sizeBytes(long res) {
        return set(res).sizeBytes();
    }

    @Override
    public void close() {
        for (BlockSet s : sets) {
            if (s != null) {
                s.close();
            }
        }
    }
}
