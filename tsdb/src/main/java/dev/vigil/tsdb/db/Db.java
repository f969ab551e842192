package dev.vigil.tsdb.db;

import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.block.BlockSet;
import dev.vigil.tsdb.block.MergeQuerier;
import dev.vigil.tsdb.downsample.ResolutionQuerier;
import dev.vigil.tsdb.downsample.Rollups;
import dev.vigil.tsdb.head.Head;
import dev.vigil.tsdb.head.SeriesRegistry;
import dev.vigil.tsdb.head.HeadSnapshotFile;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.tombstones.Tombstone;
import dev.vigil.tsdb.tombstones.TombstoneFile;
import dev.vigil.tsdb.tombstones.Tombstones;
import dev.vigil.tsdb.wal.TailPositionFile;
import dev.vigil.tsdb.wal.Wal;
import dev.vigil.tsdb.wal.WalTail;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The store the server opens: a WAL-backed head (and, once present, persisted blocks) in one
 * data folder. {@link #open} replays the WAL before returning; appends are durable when
 * {@link Appender#commit()} returns (docs/format/wal.md). Thread-safe.
 */
public final class Db implements Storage {
    private static final Logger LOG = Logger.getLogger(Db.class.getName());

    private final DbOptions opts;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Head head;
    private final Wal wal;
    private final SeriesRegistry registry;
    private final BlockSet blocks;
    private final AtomicLong headCuts = new AtomicLong();
    private final AtomicLong checkpoints = new AtomicLong();
    private final ScheduledExecutorService background;
    private final AtomicLong compactions = new AtomicLong();
    private final AtomicLong retentionDeletions = new AtomicLong();
    private volatile boolean ready;
    /** The deletions in force; replaced whole (after its file) under this object's monitor. */
    private volatile Tombstones tombstones = Tombstones.NONE;
    private volatile boolean closed;
    /** Rollup blocks, opened at the first maintenance round when downsampling is on. */
    private volatile Rollups rollups;

    private Db(DbOptions opts, FileChannel lockChannel, FileLock lock, Head head, Wal wal, SeriesRegistry registry,
            BlockSet blocks) {
        this.registry = registry;
        this.blocks = blocks;
        this.opts = opts;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.head = head;
        this.wal = wal;
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-tsdb-maintenance");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens (creating if needed) the store in {@code o.dir()}, replaying its WAL. */
    public static Db open(DbOptions o) throws IOException {
        o.io().createDirectories(o.dir());
        FileChannel lc = o.io().openLock(o.dir().resolve("lock"));
        FileLock fl;
        try {
            fl = lc.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            fl = null;
        } catch (IOException e) {
            lc.close();
            throw e;
        }
        if (fl == null) {
            lc.close();
            throw new IOException("data folder " + o.dir() + " is in use by another process");
        }
        Head head = null;
        Wal opened = null;
        BlockSet blockSet = null;
        java.util.concurrent.FutureTask<SeriesRegistry> early = null;
        try {
            long t0 = System.nanoTime();
            Head.Options ho = new Head.Options(o.blockRangeMs(), o.effectiveOutOfOrderWindowMs(), o.maxSeries(), o.clock());
            Path walDir = o.dir().resolve("wal");
            // Blocks first: the end of the newest one bounds the head chunks a replay may take over.
            blockSet = BlockSet.open(o.io(), o.dir(), BlockSet.Options.forRetention(o.retentionMs()));
            HeadLoad.SnapshotLoad sl = HeadLoad.loadSnapshot(o, ho, walDir);
            head = sl.head();
            if (head == null) {
                head = HeadLoad.headForReplay(o, ho, blockSet.maxTime());
                // A crash left the registry open: it is created anew, which takes seconds of
                // file work (a few GB with a million series) and little CPU, so while the WAL is
                // replayed. Sized by the series the chunk files name; without them, after it.
                int estimate = head.chunkFilesSeries();
                if (o.seriesRegistry() && estimate > 0) {
                    long entries = HeadLoad.registryEntries(o, estimate);
                    early = new java.util.concurrent.FutureTask<>(
                            () -> SeriesRegistry.open(o.io(), o.dir().resolve("series"), entries));
                    Thread t = new Thread(early, "vigil-series-registry-open");
                    t.setDaemon(true);
                    t.start();
                }
            }
            Wal wal = Wal.open(walDir, o.io(), o.walSegmentBytes(), head.replayHandler(), sl.replayFrom());
            opened = wal;
            Wal.ReplayStats rs = wal.replayStats();
            SeriesRegistry registry = null;
            boolean deferCheck = false;
            if (o.seriesRegistry()) {
                if (early != null) {
                    registry = HeadLoad.opened(early);
                    early = null;
                } else {
                    registry = SeriesRegistry.open(o.io(), o.dir().resolve("series"), HeadLoad.registryEntries(o, head.seriesCount()));
                }
                // After a snapshot load the check of every entry (a few µs a series) runs in the
                // background: it would otherwise be the largest part of a clean restart. A size
                // mismatch means a rebuild (a put per series): before serving for a small head,
                // in the background for a large one (30 s with 1 M series), after a snapshot load
                // or a WAL replay alike (a kill -9 leaves the registry open, so it is always
                // rebuilt after a crash). It locks per entry, so new series are not held up; ids
                // stay unique (the id counter came with the snapshot or the WAL's series records,
                // and is moved above the registry's reserved ids before serving).
                deferCheck = head.seriesCount() >= DEFER_REBUILD_SERIES
                        || sl.head() != null && registry.size() == head.seriesCount();
                head.attachRegistry(registry, !deferCheck);
                LOG.info(String.format("series registry: %d entries, opened in %d ms, %d mismatches%s", registry.size(),
                        registry.openMillis(), registry.mismatches(), registry.rebuilt() ? " (rebuilt)" : ""));
            }
            LOG.info(String.format("opened %s: %d series, %d records replayed in %d ms (%d torn tails, %d damaged segments), total %d ms",
                    o.dir(), head.seriesCount(), rs.records, rs.millis, rs.tornTails, rs.damagedSegments,
                    (System.nanoTime() - t0) / 1_000_000));
            Tombstones stones;
            try {
                stones = TombstoneFile.read(o.io(), o.dir());
            } catch (dev.vigil.tsdb.io.MalformedException e) {
                // Starting without it would bring deleted data back: the operator decides.
                throw new IOException(e.getMessage() + " (remove the file to start; deleted series would reappear)", e);
            }
            // No truncation below the newest block here: the head may hold samples older than
            // it that are in no block (an import into a range already cut), acknowledged and
            // only in the WAL. What a crash between a cut and its WAL checkpoint replays twice
            // is cut again into an overlapping block, which queries and compaction merge
            // (equal timestamps collapse).
            Db db = new Db(o, lc, fl, head, wal, registry, blockSet);
            db.tombstones = stones;
            blockSet.readFilter(q -> db.tombstones.filter(q));
            db.startup = new Startup(sl.head() != null, sl.problem(), sl.series(), sl.millis(), rs.records, rs.millis,
                    (System.nanoTime() - t0) / 1_000_000);
            if (deferCheck) {
                SeriesRegistry reg = registry;
                Head h = head;
                db.background.execute(() -> {
                    long v0 = System.nanoTime();
                    reg.validate(h);
                    LOG.info(String.format("series registry checked against the head in %d ms: %d mismatches%s",
                            (System.nanoTime() - v0) / 1_000_000, reg.mismatches(), reg.rebuilt() ? " (rebuilt)" : ""));
                });
            }
            db.runMaintenance(true);
            long every = Long.getLong(MAINTENANCE_INTERVAL_PROPERTY, 60_000L);
            db.background.scheduleWithFixedDelay(db::runMaintenance, every, every, TimeUnit.MILLISECONDS);
            db.probeAtOpen();
            db.background.scheduleWithFixedDelay(db::probeDisk, 1, 1, TimeUnit.SECONDS);
            db.ready = true;
            return db;
        } catch (IOException | RuntimeException e) {
            if (early != null) {
                try {
                    HeadLoad.opened(early).close();
                } catch (IOException | RuntimeException e2) {
                    e.addSuppressed(e2);
                }
            }
            if (opened != null) {
                try {
                    opened.close();
                } catch (IOException e2) {
                    e.addSuppressed(e2);
                }
            }
            if (head != null) {
                head.close();
            }
            if (blockSet != null) {
                blockSet.close();
            }
            fl.release();
            lc.close();
            throw e;
        }
    }

    /**
     * For testing only (crash tests): system property overriding how often maintenance runs, in
     * ms (default one minute), so that head cuts, WAL checkpoints and snapshots happen often.
     */
    public static final String MAINTENANCE_INTERVAL_PROPERTY = "vigil.test.maintenance-interval-ms";

    /** From this many series on, a registry check or rebuild at start runs in the background. */
    static final int DEFER_REBUILD_SERIES = 100_000;

    /** Name of the shutdown snapshot in the data folder (docs/format/head-snapshot.md). */
    public static final String SNAPSHOT = "head.snapshot";

    /**
     * How the last open went.
     *
     * @param snapshotLoaded the head came from a shutdown snapshot (plus the WAL after it)
     * @param snapshotProblem why a snapshot present was not used, or null
     * @param snapshotSeries series loaded from it
     * @param walRecords WAL records replayed (after the snapshot, if one was loaded)
     */
    public record Startup(boolean snapshotLoaded, String snapshotProblem, long snapshotSeries, long snapshotMillis,
            long walRecords, long walMillis, long totalMillis) {
    }

    private volatile Startup startup;

    public Startup startup() {
        return startup;
    }

    /** True once open and until closed, while the data folder takes writes. */
    public boolean ready() {
        return ready && !closed && !wal.broken() && writeFailure() == null;
    }

    /** Bytes the probe writes: about what a large push needs in the WAL. */
    static final int PROBE_BYTES = 1 << 20;
    private static final java.nio.ByteBuffer PROBE_ZEROS = java.nio.ByteBuffer.allocateDirect(PROBE_BYTES).asReadOnlyBuffer();
    static final String PROBE_FILE = "write-probe.tmp";

    /**
     * Why the last commit could not be written (a full disk: the WAL write or the head chunk
     * space failed), or null while the data folder takes writes. Cleared by the next commit that
     * is written, or by the probe that runs every second meanwhile.
     */
    public IOException writeFailure() {
        IOException e = wal.lastFailure();
        return e != null ? e : head.chunkSpaceFailure();
    }

    /**
     * Opening may write nothing that fails on a full disk (a WAL segment starts in the last free
     * page), so the store would say it is ready until the first push failed: one probe at open
     * makes readiness say at once whether a large push fits.
     */
    private void probeAtOpen() {
        if (writeFailure() != null) {
            return;
        }
        try {
            writeProbe();
        } catch (IOException e) {
            wal.markFailure(e);
            LOG.warning("the data folder " + opts.dir() + " takes no writes (" + e.getMessage()
                    + "); serving what it holds, not ready until it has space");
        }
    }

    /** Writes, forces and deletes {@link #PROBE_BYTES} in the data folder. */
    private void writeProbe() throws IOException {
        FileIo io = opts.io();
        Path p = opts.dir().resolve(PROBE_FILE);
        try (FileIo.WriteFile f = io.create(p)) {
            f.write(PROBE_ZEROS.duplicate());
            f.force(false);
        } finally {
            io.deleteIfExists(p);
        }
    }

    /**
     * While commits fail for want of space, checks every second whether the folder takes writes
     * again (a file of {@link #PROBE_BYTES}, written, forced and deleted; the head chunk space
     * reserved), so readiness returns even when no client is retrying.
     */
    void probeDisk() {
        if (closed || writeFailure() == null) {
            return;
        }
        try {
            writeProbe();
            head.reserveChunkSpace();
            wal.clearFailure();
            LOG.info("the data folder " + opts.dir() + " takes writes again; ingestion resumes");
        } catch (IOException e) {
            LOG.log(Level.FINE, "the data folder still cannot be written", e);
        }
    }

    public DbOptions options() {
        return opts;
    }

    /**
     * Writes the rollups of raw blocks old enough, then deletes raw blocks past the raw retention
     * whose rollups exist and rollups past the retention. Runs in the maintenance round, after
     * compaction, so it rolls up blocks compaction has settled.
     */
    private void downsample(long now) throws IOException {
        if (opts.downsampleAfterMs() <= 0) {
            return;
        }
        if (rollups == null) {
            rollups = Rollups.open(opts.io(), opts.dir());
        }
        rollups.rollUp(blocks, now, opts.downsampleAfterMs());
        retentionDeletions.addAndGet(rollups.applyRetention(blocks, now, opts.rawRetentionMs(), opts.retentionMs()));
    }

    /** The rollup blocks, or null when downsampling is off or has not run yet. */
    public Rollups rollups() {
        return rollups;
    }

    /** The head, for benchmarks and the status page. */
    public Head head() {
        return head;
    }

    /**
     * One round of upkeep, run at start and every minute: cut the head into blocks while it
     * spans more than 1.5 block ranges, checkpoint the WAL after a cut, compact blocks, apply
     * retention to blocks and head. Public so tests and tools can force it.
     */
    public synchronized void runMaintenance() {
        runMaintenance(false);
    }

    private synchronized void runMaintenance(boolean atOpen) {
        if (closed) {
            return;
        }
        try {
            boolean checkpointed = false;
            if (cutHead()) {
                checkpointWal();
                checkpointed = true;
            }

            List<BlockMeta> merged = blocks.compact();
            compactions.addAndGet(merged.size());
            long now = opts.clock().getAsLong();
            downsample(now);
            // The size limit covers the whole folder: what is not blocks counts too, and only
            // blocks can go, oldest first.
            long notBlocks = 0;
            if (opts.retentionBytes() > 0) {
                DiskUsage u = diskUsage();
                notBlocks = u.total() - u.blocks();
            }
            List<BlockMeta> deleted = blocks.applyRetention(now, opts.retentionMs(), opts.retentionBytes(), notBlocks);
            retentionDeletions.addAndGet(deleted.size());
            long cutoff = now - opts.retentionMs();
            if (opts.retentionMs() > 0) {
                dropTombstones(t -> t.maxt() >= cutoff);
            }
            head.setMinValidT(cutoff);
            int removed = 0;
            // At open nothing is older than the bound: skip the two walks over every series
            // (a second or so with a million), the first round a minute later does them.
            if (!atOpen || head.minTBound() < cutoff) {
                long before = head.minT();
                removed = head.truncate(cutoff);
                if (before < cutoff) {
                    retentionDeletions.incrementAndGet();
                }
            }
            if (removed > 0) {
                LOG.fine("removed " + removed + " series with no data left in the head");
            }
            if (registry != null) {
                long released = registry.releasePages();
                if (released > 0) {
                    LOG.fine(String.format("series registry idle: %d MiB of its mapping released from memory", released >> 20));
                }
            }
            // Last, so no truncation this round removes a chunk file the snapshot refers to.
            long interval = opts.snapshotIntervalMs();
            if (opts.headSnapshot() && interval > 0
                    && (checkpointed || System.nanoTime() - lastSnapshotNanos >= interval * 1_000_000L)) {
                writeSnapshot();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "maintenance failed", e);
        }
    }

    /**
     * Writes the oldest block range of the head as a block and drops it from the head, while
     * the head spans more than 1.5 ranges (Prometheus's rule: the newest half range stays in
     * memory for late samples). Commits wait while a block is written (commit lock), so no
     * sample is applied between reading the range and truncating it.
     */
    private boolean cutHead() throws IOException {
        long range = opts.blockRangeMs();
        boolean cut = false;
        long lastEnd = Long.MIN_VALUE;
        // One budget for every range of this round: a querier never closed holds it up once.
        long waitUntil = System.nanoTime() + CUT_WAITS_FOR_QUERIES_MS * 1_000_000L;
        while (true) {
            long maxT = head.maxT();
            long bound = head.minTBound();
            if (bound == Long.MAX_VALUE || maxT == Long.MIN_VALUE || maxT - bound <= range + range / 2) {
                return cut; // the true span is no larger: no need to walk every series
            }
            long minT = head.minT();
            if (minT == Long.MAX_VALUE || maxT == Long.MIN_VALUE || maxT - minT <= range + range / 2) {
                return cut;
            }
            long start = Math.floorDiv(minT, range) * range;
            long end = start + range;
            if (start < lastEnd) {
                LOG.warning("head still holds data below " + lastEnd + " after cutting it; will retry later");
                return cut;
            }
            lastEnd = end;
            var lock = head.commitLock().writeLock();
            lock.lock();
            try {
                long t0 = System.nanoTime();
                try (Querier q = tombstones.filter(head.querier(start, end - 1))) {
                    Block b = blocks.write(q.select(true, null), start, end);
                    LOG.info(String.format("cut head [%d, %d) into block %s: %d series, %d samples in %d ms", start, end,
                            b.meta().ulid(), b.meta().stats().numSeries(), b.meta().stats().numSamples(),
                            (System.nanoTime() - t0) / 1_000_000));
                }
                waitForQueriesOpenedBeforeTheBlock(start, end, waitUntil);
                head.truncate(end);
                headCuts.incrementAndGet();
                cut = true;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Queriers opened before the block was published know only the older blocks and read the
     * head lazily: truncating the head under them would lose the whole range from their
     * answers. Commits wait meanwhile (commit lock), so this is bounded.
     */
    private void waitForQueriesOpenedBeforeTheBlock(long start, long end, long waitUntilNanos) {
        long t0 = System.nanoTime();
        try {
            if (!readers.awaitClosed(readers.newest(), start, end - 1, Math.max(0, (waitUntilNanos - t0) / 1_000_000L))) {
                LOG.warning(String.format("cutting head [%d, %d): queries opened before its block are still open after"
                        + " waiting up to %d ms; their answers may miss the range", start, end, CUT_WAITS_FOR_QUERIES_MS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        if (ms >= 100) {
            LOG.info("head cut waited " + ms + " ms for queries opened before its block");
        }
    }

    /** Most time a round of head cuts waits for queries opened before its blocks (commits wait too). */
    static final long CUT_WAITS_FOR_QUERIES_MS = 10_000;

    /** Whether a head cut is waiting for queries opened before its block to close (for tests). */
    public boolean cutWaitingForQueries() {
        return readers.waiting();
    }

    /**
     * Deletes the samples in [mint, maxt] of the series all matchers select, durably before it
     * returns: queries stop seeing them at once, compaction leaves them out, and
     * {@link #cleanTombstones} rewrites the blocks that hold them. As in Prometheus, the range is
     * cut to the data present now, so samples appended later are not deleted.
     */
    public synchronized void deleteSeries(long mint, long maxt, Matcher... matchers) throws IOException {
        if (closed) {
            throw new IllegalStateException("store closed");
        }
        long lo = head.minT();
        long hi = head.maxT();
        for (Block b : blocks.blocks()) {
            lo = Math.min(lo, b.meta().minTime());
            hi = Math.max(hi, b.meta().maxTime() - 1);
        }
        long[] rolled = rollups == null ? null : rollups.range();
        if (rolled != null) { // past the raw retention only rollups hold the series
            lo = Math.min(lo, rolled[0]);
            hi = Math.max(hi, rolled[1]);
        }
        long from = Math.max(mint, lo);
        long to = Math.min(maxt, hi);
        if (hi == Long.MIN_VALUE || from > to) {
            return; // nothing stored in the range
        }
        Tombstones next = tombstones.with(new Tombstone(List.of(matchers), from, to));
        TombstoneFile.write(opts.io(), opts.dir(), next);
        tombstones = next;
        LOG.info("deleted series " + java.util.Arrays.toString(matchers) + " in [" + from + ", " + to + "]");
    }

    /** The deletions in force (until compaction and {@link #cleanTombstones} have applied them). */
    public Tombstones tombstones() {
        return tombstones;
    }

    /**
     * Rewrites every block that a tombstone overlaps without the deleted data, then forgets the
     * tombstones that no longer cover anything: those ending before the head's oldest sample.
     *
     * @return how many blocks were rewritten
     */
    public synchronized int cleanTombstones() throws IOException {
        if (closed) {
            throw new IllegalStateException("store closed");
        }
        Tombstones stones = tombstones;
        if (stones.isEmpty()) {
            return 0;
        }
        int n = blocks.rewrite(b -> stones.overlaps(b.meta().minTime(), b.meta().maxTime() - 1));
        Rollups r = rollups;
        int dropped = r == null ? 0 : r.dropDeleted(blocks, stones);
        long headMin = head.minT();
        // A tombstone stays while the head or a rollup block (one whose raw data is gone, so it
        // cannot be written again clean) still holds what it deletes.
        dropTombstones(t -> t.maxt() >= headMin || r != null && r.overlaps(t));
        LOG.info("clean_tombstones rewrote " + n + " blocks, dropped " + dropped + " rollup blocks to write again; "
                + tombstones.all().size() + " tombstones still cover the head or rollups");
        return n;
    }

    private synchronized void dropTombstones(java.util.function.Predicate<Tombstone> keep) throws IOException {
        Tombstones next = tombstones.retain(keep);
        if (next != tombstones) {
            TombstoneFile.write(opts.io(), opts.dir(), next);
            tombstones = next;
        }
    }

    /**
     * Makes {@code dir} a data folder that a store can open: every block and rollup block
     * hard-linked, the head written as one more block unless {@code withHead} is false, and the
     * tombstones in force.
     * Holds off maintenance meanwhile, so the set of blocks is one moment's; appends go on, and
     * the head block holds the samples up to the newest one committed when the snapshot began.
     */
    public synchronized void snapshot(Path dir, boolean withHead) throws IOException {
        if (closed) {
            throw new IllegalStateException("store closed");
        }
        SnapshotWriter.write(opts.io(), dir, blocks, rollups, head, tombstones, withHead);
        LOG.info("snapshot written to " + dir + (withHead ? " (with the head)" : " (blocks only)"));
    }

    private volatile long lastSnapshotNanos = System.nanoTime();
    private final OpenReaders readers = new OpenReaders();

    /**
     * Writes a head snapshot while the store runs: cuts the WAL (commit lock held for the cut
     * only), then captures series one at a time while commits go on. The snapshot is fuzzy:
     * it holds everything logged up to the cut and perhaps some samples logged after it. Those
     * are in the WAL after the cut too, and replaying a sample the head already holds changes
     * nothing, so "snapshot + WAL after the cut" is the head as of the crash. Public so tests
     * and tools can force it.
     */
    public synchronized void writeSnapshot() throws IOException {
        if (closed) {
            return;
        }
        long t0 = System.nanoTime();
        int seg;
        var lock = head.commitLock().writeLock();
        lock.lock();
        try {
            seg = wal.cut();
        } finally {
            lock.unlock();
        }
        FileIo io = opts.io();
        Path p = Wal.segmentPath(opts.dir().resolve("wal"), seg - 1);
        long size = io.size(p);
        long n = head.writeSnapshot(io, opts.dir().resolve(SNAPSHOT), new HeadSnapshotFile.WalPosition(seg - 1, size,
                HeadLoad.crcOf(io, p, size)));
        lastSnapshotNanos = System.nanoTime();
        snapshots.incrementAndGet();
        LOG.info(String.format("wrote head snapshot: %d series up to WAL segment %d in %d ms", n, seg - 1,
                (System.nanoTime() - t0) / 1_000_000));
    }

    private final AtomicLong snapshots = new AtomicLong();

    /** Head snapshots written while running since open (not counting the one at close). */
    public long snapshotsWritten() {
        return snapshots.get();
    }

    /** Starts a new WAL segment, logs the head's series and samples into it, deletes older segments. */
    private void checkpointWal() throws IOException {
        int seg;
        var lock = head.commitLock().writeLock();
        lock.lock();
        try {
            seg = wal.cutForCheckpoint();
        } finally {
            lock.unlock();
        }
        long t0 = System.nanoTime();
        // Into its own segment below the live one, not the live one: commits keep going while it
        // is written, and a replay must see the head's older samples before theirs, or every
        // checkpointed sample would come back as an out-of-order duplicate.
        long samples;
        try (Wal.Checkpoint cp = wal.checkpoint(seg)) {
            samples = head.writeCheckpoint(cp);
            cp.commit();
        }
        wal.truncateBefore(truncationPoint(seg));
        lastCheckpointSegment = seg;
        checkpoints.incrementAndGet();
        LOG.info(String.format("WAL checkpoint at segment %d: %d series, %d samples in %d ms; older segments deleted", seg,
                head.seriesCount(), samples, (System.nanoTime() - t0) / 1_000_000));
    }

    /** Bytes of WAL segments that followers may hold back beyond what the store needs; see {@link #tailWal}. */
    public static final long DEFAULT_WAL_HOLD_BYTES = 4L << 30;
    private volatile long walHoldBytes = DEFAULT_WAL_HOLD_BYTES;

    /** Sets the bound on WAL kept for followers (docs/format/wal.md, "Followers"). */
    public void walHoldBytes(long bytes) {
        walHoldBytes = bytes;
    }

    /**
     * The segment to truncate the WAL before after a checkpoint at {@code seg}: the lowest one a
     * follower still needs, unless the segments from there to {@code seg} exceed the hold bound;
     * then the newest ones within the bound are kept and the follower will find a gap.
     */
    private int truncationPoint(int seg) throws IOException {
        int held = Math.min(wal.heldFrom(), savedTailsFrom());
        if (held >= seg) {
            return seg;
        }
        List<Integer> present = wal.segments();
        present.sort(null);
        long bytes = 0;
        int keepFrom = seg;
        for (int i = present.size() - 1; i >= 0; i--) {
            int s = present.get(i);
            if (s >= seg) {
                continue;
            }
            if (s < held) {
                break;
            }
            bytes += opts.io().size(Wal.segmentPath(opts.dir().resolve("wal"), s));
            if (bytes > walHoldBytes) {
                LOG.warning("WAL: a follower needs segments from " + held + " on, beyond the hold bound of "
                        + walHoldBytes + " bytes; deleting those below " + keepFrom);
                break;
            }
            keepFrom = s;
        }
        return keepFrom;
    }

    /**
     * A follower of the WAL named {@code name} (remote write), from the position it last saved
     * with {@link #saveTailPosition} or, the first time, from the WAL's end. The WAL keeps the
     * segments it still needs, within {@link #DEFAULT_WAL_HOLD_BYTES} (see {@link #walHoldBytes}).
     */
    public synchronized WalTail tailWal(String name) throws IOException {
        if (closed) {
            throw new IllegalStateException("store closed");
        }
        WalTail.Position from = TailPositionFile.read(opts.io(), tailFile(name));
        return wal.tail(name, from);
    }

    /** Saves {@code p} as follower {@code name}'s position, durably, and lets the WAL drop what is below it. */
    public void saveTailPosition(String name, WalTail tail, WalTail.Position p) throws IOException {
        TailPositionFile.write(opts.io(), tailFile(name), p);
        tail.keep(p);
    }

    /**
     * The lowest segment a saved follower position names, or {@code Integer.MAX_VALUE}: a
     * follower that is not running (the store just opened, a remote being restarted) still
     * holds its segments.
     */
    private int savedTailsFrom() throws IOException {
        Path d = opts.dir().resolve(TAILS);
        int min = Integer.MAX_VALUE;
        if (!opts.io().isDirectory(d)) {
            return min;
        }
        for (Path p : opts.io().list(d)) {
            String n = p.getFileName().toString();
            if (n.endsWith(".tmp") || n.endsWith(".damaged")) {
                continue;
            }
            WalTail.Position pos = TailPositionFile.read(opts.io(), p);
            if (pos != null) {
                min = Math.min(min, pos.segment());
            }
        }
        return min;
    }

    /** Names of the followers with a saved position. */
    public List<String> savedTails() throws IOException {
        Path d = opts.dir().resolve(TAILS);
        List<String> out = new java.util.ArrayList<>();
        if (opts.io().isDirectory(d)) {
            for (Path p : opts.io().list(d)) {
                String n = p.getFileName().toString();
                if (!n.endsWith(".tmp") && !n.endsWith(".damaged")) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** Forgets follower {@code name}'s saved position, so it no longer holds WAL segments. */
    public void dropTailPosition(String name) throws IOException {
        opts.io().deleteIfExists(tailFile(name));
    }

    private Path tailFile(String name) {
        if (!name.matches("[A-Za-z0-9_.-]{1,100}")) {
            throw new IllegalArgumentException("WAL follower name \"" + name + "\" is not a plain file name");
        }
        return opts.dir().resolve(TAILS).resolve(name);
    }

    /** Samples appended since open: a counter read, cheap enough to poll (remote write's incoming rate). */
    public long samplesAppended() {
        return head.stats().samplesAppended.sum();
    }

    /** The newest sample timestamp in the head (ms), cheap enough for every scrape of /metrics. */
    public long headMaxT() {
        return head.maxT();
    }

    /** The folder of the WAL followers' saved positions. */
    public static final String TAILS = "wal_tails";

    @Override
    public Appender appender() {
        if (closed) {
            throw new IllegalStateException("store closed");
        }
        return head.appender(wal);
    }

    @Override
    public Querier querier(long mint, long maxt) {
        if (closed) {
            throw new IllegalStateException("store closed");
        }
        Tombstones stones = tombstones;
        Querier raw = rawQuerier(mint, maxt);
        Rollups r = rollups;
        if (r != null || opts.downsampleAfterMs() > 0) {
            // Before the first round opened the rollups, aggregates come from raw data alone.
            raw = new ResolutionQuerier(raw, this::rawQuerier, r, mint, maxt);
        }
        return readers.track(stones.filter(raw), mint, maxt);
    }

    /** Raw blocks and head over [mint, maxt], before tombstones. */
    private Querier rawQuerier(long mint, long maxt) {
        for (Block b : blocks.blocks()) {
            if (b.meta().overlaps(mint, maxt)) {
                return new MergeQuerier(List.of(blocks.querier(mint, maxt), head.querier(mint, maxt)));
            }
        }
        return head.querier(mint, maxt);
    }

    /**
     * The resolutions with rollup blocks over part of [mint, maxt] when downsampling is on: where
     * none are, queries read raw data as Prometheus does.
     */
    @Override
    public long[] rollupResolutions(long mint, long maxt) {
        Rollups r = rollups;
        if (r == null || opts.downsampleAfterMs() <= 0) {
            return new long[0];
        }
        return java.util.Arrays.stream(Rollups.RESOLUTIONS).filter(res -> {
            for (Block b : r.set(res).blocks()) {
                if (b.meta().overlaps(mint, maxt)) {
                    return true;
                }
            }
            return false;
        }).toArray();
    }

    @Override
    public Map<String, Metadata> metadata() {
        return head.metadata();
    }

    public DbStats stats() {
        Head.Stats s = head.stats();
        Map<AppendRejectedException.Reason, Long> rejected = new EnumMap<>(AppendRejectedException.Reason.class);
        for (AppendRejectedException.Reason r : AppendRejectedException.Reason.values()) {
            rejected.put(r, s.rejected[r.ordinal()].sum());
        }
        Wal.ReplayStats rs = wal.replayStats();
        return new DbStats(head.seriesCount(), head.chunkCount(), head.minT(), head.maxT(), s.samplesAppended.sum(),
                s.outOfOrderAppended.sum(), rejected, s.rejectedAtCommit.sum(), s.seriesCreated.sum(),
                s.seriesRemoved.sum(), wal.fsyncLatency(), wal.commits(), wal.syncs(), rs.tornTails,
                rs.damagedSegments, rs.millis, blockInfos(), diskBytes(), compactions.get(), retentionDeletions.get(),
                registry == null ? -1 : registry.size(), registry == null ? 0 : registry.openMillis(),
                registry == null ? 0 : registry.mismatches());
    }

    private List<DbStats.BlockInfo> blockInfos() {
        List<DbStats.BlockInfo> out = new java.util.ArrayList<>();
        for (Block b : blocks.blocks()) {
            BlockMeta m = b.meta();
            out.add(new DbStats.BlockInfo(m.ulid(), m.minTime(), m.maxTime(), m.stats().numSeries(), m.stats().numSamples(),
                    m.compaction().level(), b.sizeBytes()));
        }
        return out;
    }

    /** Head cuts and WAL checkpoints done since start. */
    public long headCuts() {
        return headCuts.get();
    }

    private long diskBytes() {
        return diskUsage().total();
    }

    /** Bytes of each part of the data folder; a part that cannot be read counts 0. */
    public DiskUsage diskUsage() {
        try {
            return DiskUsage.scan(opts.io(), opts.dir(), blocks.blocks(), head.chunkBytes(), lastCheckpointSegment);
        } catch (IOException e) {
            LOG.log(Level.FINE, "could not size the data folder", e);
            return new DiskUsage(0, 0, head.chunkBytes(), 0, 0, blocks.sizeBytes(), 0, 0, null);
        }
    }

    /** Segment number of the last WAL checkpoint written since open, or -1. */
    private volatile int lastCheckpointSegment = -1;

    /**
     * Closes the WAL with no commit in flight and, if it was healthy, writes the head snapshot
     * that the next open loads instead of replaying. A failed snapshot only costs that replay.
     */
    private void closeWalAndSnapshot() throws IOException {
        var lock = head.commitLock().writeLock();
        lock.lock();
        try {
            boolean healthy = !wal.broken();
            wal.close();
            if (!healthy || !opts.headSnapshot()) {
                return;
            }
            FileIo io = opts.io();
            Path file = opts.dir().resolve(SNAPSHOT);
            long t0 = System.nanoTime();
            try {
                Path walDir = opts.dir().resolve("wal");
                int seg = wal.currentSegment();
                Path p = Wal.segmentPath(walDir, seg);
                long size = io.size(p);
                long n = head.writeSnapshot(io, file, new HeadSnapshotFile.WalPosition(seg, size, HeadLoad.crcOf(io, p, size)));
                LOG.info(String.format("wrote head snapshot: %d series at WAL segment %d in %d ms", n, seg,
                        (System.nanoTime() - t0) / 1_000_000));
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.WARNING, "could not write the head snapshot; the next start replays the WAL", e);
                try {
                    io.deleteIfExists(file.resolveSibling(SNAPSHOT + ".tmp"));
                } catch (IOException e2) {
                    e.addSuppressed(e2);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            ready = false;
        }
        // Let a running maintenance round finish (no interrupt: it may be writing the WAL).
        background.shutdown();
        try {
            if (!background.awaitTermination(120, TimeUnit.SECONDS)) {
                LOG.warning("maintenance still running at close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            closeWalAndSnapshot();
        } finally {
            head.close();
            blocks.close();
            synchronized (this) {
                if (rollups != null) {
                    rollups.close();
                }
            }
            if (registry != null) {
                registry.close();
            }
            try {
                lock.release();
            } finally {
                lockChannel.close();
            }
        }
    }
}
