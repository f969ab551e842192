package dev.vigil.tsdb.block;

import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The persisted blocks of a store, in one directory. Opening sets damaged blocks aside
 * ({@code <ulid>.damaged}), deletes unfinished writes ({@code *.tmp}) and the inputs of a
 * compaction that was interrupted after its output was published. Thread-safe.
 */
public final class BlockSet implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(BlockSet.class.getName());
    /** Suffix given to a block directory that failed validation. */
    public static final String DAMAGED_SUFFIX = ".damaged";
    public static final long HOUR_MS = 3_600_000L;
    /** Smallest block: 2 h, the range the head cuts (Gorilla's block-size curve flattens there). */
    public static final long MIN_BLOCK_MS = 2 * HOUR_MS;

    /**
     * How the set behaves.
     *
     * @param maxBlockMs longest block compaction may produce (about a tenth of the retention)
     * @param verifyChunksOnOpen read every chunk's CRC at open (slower start, damage found early)
     */
    public record Options(long maxBlockMs, boolean verifyChunksOnOpen) {
        /** Defaults for a retention: the longest block about a tenth of it, at most 31 days. */
        public static Options forRetention(long retentionMs) {
            return new Options(Math.min(31L * 24 * HOUR_MS, retentionMs / 10), false);
        }
    }

    private final FileIo fs;
    private final Path dir;
    private final Options options;
    private final long[] ranges;
    private volatile List<Block> blocks = List.of();
    /** Guards replacing {@link #blocks}; held only for the swap, never during I/O. */
    private final Object listLock = new Object();
    /**
     * Serialises compaction and retention with each other (retention must not delete an input
     * of a running merge), without blocking {@link #write} or {@link #add}, which a head cut
     * calls while appends wait.
     */
    private final ReentrantLock maintenance = new ReentrantLock();
    private final List<String> damaged = new ArrayList<>();
    /** What compaction reads its inputs through: the store's tombstones, so merged blocks leave deleted data out. */
    private volatile UnaryOperator<Querier> readFilter = UnaryOperator.identity();

    private BlockSet(FileIo fs, Path dir, Options options) {
        this.fs = fs;
        this.dir = dir;
        this.options = options;
        this.ranges = ranges(options.maxBlockMs());
    }

    public static BlockSet open(FileIo fs, Path dir, Options options) throws IOException {
        BlockSet s = new BlockSet(fs, dir, options);
        fs.createDirectories(dir);
        s.load();
        return s;
    }

    /** Compaction ranges: 2 h × 3^k up to maxBlockMs (2, 6, 18, 54, 162 h for 180 days). */
    public static long[] ranges(long maxBlockMs) {
        List<Long> out = new ArrayList<>();
        for (long r = MIN_BLOCK_MS; r <= Math.max(maxBlockMs, MIN_BLOCK_MS); r *= 3) {
            out.add(r);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private synchronized void load() throws IOException {
        List<Block> opened = new ArrayList<>();
        for (Path p : fs.list(dir)) {
            String name = p.getFileName().toString();
            if (!fs.isDirectory(p)) {
                continue;
            }
            // Only block-shaped names: the directory may be shared with the WAL and its
            // checkpoints, whose temporary directories are not ours to remove.
            int dot = name.indexOf('.');
            if (name.endsWith(BlockWriter.TMP_SUFFIX) && dot > 0 && Ulid.isValid(name.substring(0, dot))) {
                LOG.log(Level.INFO, "deleting unfinished block write {0}", p);
                fs.deleteTree(p);
                continue;
            }
            if (!Ulid.isValid(name)) {
                continue;
            }
            try {
                Block b = Block.open(fs, p);
                if (options.verifyChunksOnOpen()) {
                    b.verifyChunks();
                }
                opened.add(b);
            } catch (CorruptBlockException e) {
                setAside(p, e);
            }
        }
        // A compaction that died between publishing its output and deleting its inputs leaves
        // blocks whose sources are all inside a higher-level block's: those are redundant.
        List<Block> keep = new ArrayList<>();
        for (Block b : opened) {
            boolean covered = false;
            for (Block o : opened) {
                if (o != b && o.meta().compaction().level() > b.meta().compaction().level()
                        && o.meta().compaction().sources().containsAll(b.meta().compaction().sources())) {
                    covered = true;
                    break;
                }
            }
            if (covered) {
                LOG.log(Level.INFO, "deleting {0}: already merged into a newer block", b);
                delete(b);
            } else {
                keep.add(b);
            }
        }
        keep.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()).thenComparingLong(b -> b.meta().maxTime()));
        blocks = List.copyOf(keep);
    }

    /**
     * Renames the block to a {@code .tmp} name first, so a crash halfway through the deletion
     * leaves a directory the next open removes, never a block with files missing.
     */
    private void delete(Block b) throws IOException {
        Path doomed = dir.resolve(b.dir().getFileName() + ".deleting" + BlockWriter.TMP_SUFFIX);
        fs.deleteTree(doomed);
        fs.rename(b.dir(), doomed);
        fs.deleteTree(doomed);
    }

    private void setAside(Path p, Exception cause) throws IOException {
        String name = p.getFileName().toString();
        Path to = dir.resolve(name + DAMAGED_SUFFIX);
        LOG.log(Level.ERROR, "setting damaged block aside as " + to + ": " + cause.getMessage());
        fs.deleteTree(to);
        fs.rename(p, to);
        synchronized (damaged) {
            damaged.add(name);
        }
    }

    /**
     * Sets aside the blocks in which a read found damage (bad chunk CRC, undecodable data):
     * they leave the set and are renamed {@code <ulid>.damaged}. Runs before every compaction
     * and retention pass.
     *
     * @return the ULIDs set aside now
     */
    public List<String> setAsideDamaged() throws IOException {
        List<Block> bad = new ArrayList<>();
        for (Block b : blocks) {
            if (b.damage() != null) {
                bad.add(b);
            }
        }
        if (bad.isEmpty()) {
            return List.of();
        }
        swap(bad, null);
        List<String> out = new ArrayList<>();
        for (Block b : bad) {
            setAside(b.dir(), new CorruptBlockException(b.dir(), b.damage()));
            out.add(b.meta().ulid());
        }
        return out;
    }

    /** ULIDs of the blocks set aside as damaged since this set was opened. */
    public List<String> damaged() {
        synchronized (damaged) {
            return List.copyOf(damaged);
        }
    }

    /** The open blocks, sorted by minTime. */
    public List<Block> blocks() {
        return blocks;
    }

    public Path dir() {
        return dir;
    }

    /** End (exclusive) of the newest block, or {@code Long.MIN_VALUE} when there is none. */
    public long maxTime() {
        long m = Long.MIN_VALUE;
        for (Block b : blocks) {
            m = Math.max(m, b.meta().maxTime());
        }
        return m;
    }

    /** Total bytes on disk of the open blocks. */
    public long sizeBytes() {
        long s = 0;
        for (Block b : blocks) {
            s += b.sizeBytes();
        }
        return s;
    }

    /** Writes a level-1 block from sorted series and adds it to the set. */
    public Block write(SeriesSet sortedSeries, long mint, long maxt) throws IOException {
        BlockMeta m = new BlockWriter(fs).writeBlock(dir, sortedSeries, mint, maxt, 1, List.of());
        return add(m.ulid());
    }

    /** Opens a block written into this directory (e.g. by {@link BlockWriter}) and adds it. */
    public Block add(String ulid) {
        Block b = Block.open(fs, dir.resolve(ulid));
        swap(List.of(), b);
        return b;
    }

    /** Replaces {@code remove} by {@code add} (may be null) in the list, atomically for readers. */
    private void swap(List<Block> remove, Block add) {
        synchronized (listLock) {
            List<Block> next = new ArrayList<>(blocks);
            next.removeAll(remove);
            if (add != null) {
                next.add(add);
            }
            next.sort(Comparator.comparingLong((Block x) -> x.meta().minTime()).thenComparingLong(x -> x.meta().maxTime()));
            blocks = List.copyOf(next);
        }
    }

    /** A querier over the blocks overlapping [mint, maxt], merged; older blocks listed first. */
    public Querier querier(long mint, long maxt) {
        List<Querier> qs = new ArrayList<>();
        for (Block b : blocks) {
            if (b.meta().overlaps(mint, maxt)) {
                qs.add(b.querier(mint, maxt));
            }
        }
        return new MergeQuerier(qs.isEmpty() ? List.of(EmptyQuerier.INSTANCE) : qs);
    }

    /**
     * Merges blocks upward until nothing is left to do: overlapping blocks first, then runs of
     * adjacent blocks that fall in one aligned window of the next range (2 h → 6 h → 18 h …).
     * The newest block is never included, so a just-written block stays as it is for a while.
     *
     * @return the blocks written
     */
    public List<BlockMeta> compact() throws IOException {
        maintenance.lock();
        try {
            setAsideDamaged();
            List<BlockMeta> written = new ArrayList<>();
            for (List<Block> plan = plan(); plan != null; plan = plan()) {
                try {
                    written.add(merge(plan));
                } catch (CorruptBlockException e) {
                    // An input turned out damaged while being read: set it aside, plan again.
                    if (setAsideDamaged().isEmpty()) {
                        throw e;
                    }
                }
            }
            return written;
        } finally {
            maintenance.unlock();
        }
    }

    /** Sets what compaction and {@link #rewrite} read blocks through (the store's tombstones). */
    public void readFilter(UnaryOperator<Querier> filter) {
        this.readFilter = filter;
    }

    /**
     * Rewrites each block {@code which} accepts through the read filter, so the new block holds
     * none of the deleted data; a block left empty is dropped. The new block is published before
     * the old one is removed: a crash in between leaves both, which the next compaction merges
     * through the same filter.
     *
     * @return how many blocks were rewritten
     */
    public int rewrite(Predicate<Block> which) throws IOException {
        maintenance.lock();
        try {
            setAsideDamaged();
            int n = 0;
            for (Block b : blocks) {
                if (!which.test(b)) {
                    continue;
                }
                BlockMeta m = b.meta();
                BlockMeta out;
                try (Querier q = readFilter.apply(b.querier(m.minTime(), m.maxTime() - 1))) {
                    out = new BlockWriter(fs).writeBlock(dir, q.select(true, null), m.minTime(), m.maxTime(),
                            m.compaction().level(), m.compaction().sources());
                }
                if (out.stats().numSeries() == 0) {
                    fs.deleteTree(dir.resolve(out.ulid()));
                    swap(List.of(b), null);
                } else {
                    swap(List.of(b), Block.open(fs, dir.resolve(out.ulid())));
                }
                delete(b);
                LOG.log(Level.INFO, "rewrote {0} without deleted data as {1}", b, out.ulid());
                n++;
            }
            return n;
        } finally {
            maintenance.unlock();
        }
    }

    /**
     * Hard-links every file of every block into {@code target}/{@code <ulid>}: a copy that costs
     * no space while blocks are immutable. Runs under the maintenance lock, so no block goes away
     * while its files are linked.
     */
    public void linkInto(Path target) throws IOException {
        maintenance.lock();
        try {
            for (Block b : blocks) {
                linkTree(b.dir(), target.resolve(b.dir().getFileName().toString()));
            }
        } finally {
            maintenance.unlock();
        }
    }

    private void linkTree(Path from, Path to) throws IOException {
        fs.createDirectories(to);
        for (Path p : fs.list(from)) {
            Path t = to.resolve(p.getFileName().toString());
            if (fs.isDirectory(p)) {
                linkTree(p, t);
            } else {
                fs.link(p, t);
            }
        }
        fs.fsyncDir(to);
    }

    /** The next group of blocks to merge, or null. */
    List<Block> plan() {
        List<Block> bs = blocks;
        if (bs.size() < 2) {
            return null;
        }
        // Overlapping blocks (backfill, or a head block written twice) are merged first.
        for (int i = 0; i + 1 < bs.size(); i++) {
            if (bs.get(i + 1).meta().minTime() < bs.get(i).meta().maxTime()) {
                List<Block> g = new ArrayList<>(List.of(bs.get(i)));
                long end = bs.get(i).meta().maxTime();
                for (int j = i + 1; j < bs.size() && bs.get(j).meta().minTime() < end; j++) {
                    g.add(bs.get(j));
                    end = Math.max(end, bs.get(j).meta().maxTime());
                }
                return g;
            }
        }
        List<Block> older = bs.subList(0, bs.size() - 1);
        long newestMin = bs.get(bs.size() - 1).meta().minTime();
        for (int r = 1; r < ranges.length; r++) {
            long range = ranges[r];
            int i = 0;
            while (i < older.size()) {
                long start = Math.floorDiv(older.get(i).meta().minTime(), range) * range;
                long end = start + range;
                int j = i;
                while (j < older.size() && older.get(j).meta().maxTime() <= end) {
                    j++;
                }
                // Blocks [i, j) lie inside the window; merge if several and the window is complete
                // (it ends before the newest block, so nothing more will arrive for it).
                if (j - i >= 2 && end <= newestMin) {
                    return new ArrayList<>(older.subList(i, j));
                }
                i = Math.max(j, i + 1);
            }
        }
        return null;
    }

    private BlockMeta merge(List<Block> group) throws IOException {
        long mint = Long.MAX_VALUE;
        long maxt = Long.MIN_VALUE;
        int level = 0;
        Set<String> sources = new HashSet<>();
        List<Querier> qs = new ArrayList<>();
        for (Block b : group) {
            mint = Math.min(mint, b.meta().minTime());
            maxt = Math.max(maxt, b.meta().maxTime());
            level = Math.max(level, b.meta().compaction().level());
            sources.addAll(b.meta().compaction().sources());
        }
        for (Block b : group) {
            qs.add(b.querier(mint, maxt - 1));
        }
        UnaryOperator<Querier> filter = readFilter;
        List<String> src = new ArrayList<>(sources);
        src.sort(null);
        BlockMeta out;
        try (Querier q = filter.apply(new MergeQuerier(qs))) {
            out = new BlockWriter(fs).writeBlock(dir, q.select(true, null), mint, maxt, level + 1, src);
        }
        Block nb = Block.open(fs, dir.resolve(out.ulid()));
        // The output is published (renamed, fsynced) before any input is removed.
        swap(group, nb);
        for (Block b : group) {
            delete(b);
        }
        LOG.log(Level.INFO, "compacted {0} blocks into {1}", group.size(), nb);
        return out;
    }

    /**
     * Deletes whole blocks, oldest first: those with {@code now − maxTime ≥ retentionMs}, then
     * while the blocks' total size exceeds {@code retentionBytes} (0 or less: no size limit).
     *
     * @return the metas of the deleted blocks
     */
    public List<BlockMeta> applyRetention(long nowMs, long retentionMs, long retentionBytes) throws IOException {
        return applyRetention(nowMs, retentionMs, retentionBytes, 0);
    }

    /**
     * As {@link #applyRetention(long, long, long)}, with {@code otherBytes} of the folder that are
     * not blocks (WAL, head) counted against {@code retentionBytes} too.
     */
    public List<BlockMeta> applyRetention(long nowMs, long retentionMs, long retentionBytes, long otherBytes)
            throws IOException {
        maintenance.lock();
        try {
            setAsideDamaged();
            return retention(nowMs, retentionMs, retentionBytes, otherBytes);
        } finally {
            maintenance.unlock();
        }
    }

    private List<BlockMeta> retention(long nowMs, long retentionMs, long retentionBytes, long otherBytes)
            throws IOException {
        List<Block> keep = new ArrayList<>(blocks);
        keep.sort(Comparator.comparingLong(b -> b.meta().maxTime()));
        List<Block> drop = new ArrayList<>();
        if (retentionMs > 0) {
            for (Block b : keep) {
                if (nowMs - b.meta().maxTime() >= retentionMs) {
                    drop.add(b);
                }
            }
            keep.removeAll(drop);
        }
        if (retentionBytes > 0) {
            long total = otherBytes;
            for (Block b : keep) {
                total += b.sizeBytes();
            }
            while (!keep.isEmpty() && total > retentionBytes) {
                Block b = keep.remove(0);
                total -= b.sizeBytes();
                drop.add(b);
            }
        }
        return dropAll(drop, "retention deleted {0}");
    }

    /** Takes {@code drop} out of the set and deletes their folders; caller holds the maintenance lock. */
    private List<BlockMeta> dropAll(List<Block> drop, String logPattern) throws IOException {
        if (drop.isEmpty()) {
            return List.of();
        }
        swap(drop, null);
        List<BlockMeta> out = new ArrayList<>();
        for (Block b : drop) {
            delete(b);
            out.add(b.meta());
            LOG.log(Level.INFO, logPattern, b);
        }
        return out;
    }

    /**
     * Deletes the blocks {@code which} accepts (e.g. raw blocks whose rollups are written and
     * whose raw retention has passed), under the maintenance lock.
     *
     * @return the metas of the deleted blocks
     */
    public List<BlockMeta> deleteIf(Predicate<Block> which) throws IOException {
        maintenance.lock();
        try {
            setAsideDamaged();
            List<Block> drop = new ArrayList<>();
            for (Block b : blocks) {
                if (which.test(b)) {
                    drop.add(b);
                }
            }
            return dropAll(drop, "deleted {0}");
        } finally {
            maintenance.unlock();
        }
    }

    @Override
    public void close() {
        blocks = List.of();
    }

    /** A querier that has nothing. */
    private enum EmptyQuerier implements Querier {
        INSTANCE;

        @Override
        public SeriesSet select(boolean sorted, dev.vigil.tsdb.SelectHints hints, dev.vigil.tsdb.Matcher... matchers) {
            return SeriesSet.EMPTY;
        }

        @Override
        public List<String> labelNames(dev.vigil.tsdb.Matcher... matchers) {
            return List.of();
        }

        @Override
        public List<String> labelValues(String name, dev.vigil.tsdb.Matcher... matchers) {
            return List.of();
        }

        @Override
        public void close() {
        }
    }
}
