package dev.vigil.tsdb.head;

import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.wal.Wal;
import dev.vigil.tsdb.wal.WalRecords;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The live store: the series registry (label set → {@link MemSeries} with a stable id), the
 * postings, and per series its chunks. Appends come through {@link #appender}, which logs to the
 * WAL before applying; reads through {@link #querier}. Thread-safe.
 */
public final class Head implements AutoCloseable {
    static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(Head.class.getName());
    /**
     * @param chunkRangeMs chunks never cross a multiple of this (the block range, 2 h)
     * @param oooWindowMs samples up to this much older than the newest sample in the head are
     *     accepted out of order; 0 refuses out-of-order samples
     * @param maxSeries 0 for no limit
     */
    public record Options(long chunkRangeMs, long oooWindowMs, int maxSeries, LongSupplier clock) {
    }

    private final Options opts;
    private final HeadChunks files;
    /** Replaced once, presized, by {@link #loadSnapshot} before the head is shared. */
    private ConcurrentHashMap<Labels, MemSeries> byLabels = new ConcurrentHashMap<>();
    private final SeriesTable byId = new SeriesTable();
    private final ConcurrentHashMap<String, String> symbols = new ConcurrentHashMap<>();
    private final Postings postings = new Postings();
    private final AtomicInteger lastId = new AtomicInteger();
    private final AtomicLong maxT = new AtomicLong(Long.MIN_VALUE);
    /** At most the oldest sample time in the head (exact after truncate, lowered by appends). */
    private final AtomicLong minTBound = new AtomicLong(Long.MAX_VALUE);
    private final Map<String, Metadata> metadata = new ConcurrentHashMap<>();
    private final ThreadLocal<MemSeries.Scratch> scratch = ThreadLocal.withInitial(MemSeries.Scratch::new);
    private final Stats stats = new Stats();
    private volatile long minValidT = Long.MIN_VALUE;
    private volatile SeriesRegistry registry;
    /**
     * Commits hold the read side from their WAL write until their samples are applied; cutting
     * the head into a block and starting a WAL checkpoint take the write side, so they see every
     * logged sample applied and none half-way.
     */
    private final java.util.concurrent.locks.ReentrantReadWriteLock commitLock =
            new java.util.concurrent.locks.ReentrantReadWriteLock();

    /**
     * @param keepChunkFiles leave the head chunk files for {@link #loadSnapshot}; otherwise they
     *     are deleted and rebuilt by WAL replay
     */
    public Head(Path chunkDir, FileIo io, Options opts, boolean keepChunkFiles) throws IOException {
        this.opts = opts;
        this.files = new HeadChunks(chunkDir, io, HeadChunks.configuredFileBytes(), keepChunkFiles);
    }

    /** Counters for /metrics and the status page. */
    public static final class Stats {
        public final LongAdder samplesAppended = new LongAdder();
        public final LongAdder outOfOrderAppended = new LongAdder();
        public final LongAdder seriesCreated = new LongAdder();
        public final LongAdder seriesRemoved = new LongAdder();
        public final LongAdder chunksCut = new LongAdder();
        public final LongAdder rejectedAtCommit = new LongAdder();
        public final LongAdder[] rejected = new LongAdder[AppendRejectedException.Reason.values().length];

        Stats() {
            for (int i = 0; i < rejected.length; i++) {
                rejected[i] = new LongAdder();
            }
        }
    }

    public Stats stats() {
        return stats;
    }

    public Options options() {
        return opts;
    }

    HeadChunks files() {
        return files;
    }

    Postings postings() {
        return postings;
    }

    MemSeries.Scratch scratch() {
        return scratch.get();
    }

    // ------------------------------------------------------------- registry

    private Labels intern(Labels l) {
        // A label set made of strings the head already holds is kept as it is: the push groups
        // hold the same instance, so a pushed series costs one label set, not two (5 MiB of heap
        // for 42,000 Flink series).
        boolean canonical = true;
        for (int i = 0; i < l.size() && canonical; i++) {
            canonical = canonical(l.name(i)) && canonical(l.value(i));
        }
        if (canonical) {
            return l;
        }
        String[] kv = new String[l.size() * 2];
        for (int i = 0; i < l.size(); i++) {
            kv[2 * i] = symbols.computeIfAbsent(l.name(i), k -> k);
            kv[2 * i + 1] = symbols.computeIfAbsent(l.value(i), k -> k);
        }
        return Labels.of(kv);
    }

    /** True when the head holds this very instance for its text (added if it held none). */
    private boolean canonical(String s) {
        String c = symbols.putIfAbsent(s, s);
        return c == null || c == s;
    }

    MemSeries getOrCreate(Labels labels) {
        MemSeries s = byLabels.get(labels);
        if (s != null) {
            return s;
        }
        if (opts.maxSeries() > 0 && byLabels.size() >= opts.maxSeries()) {
            throw new AppendRejectedException(AppendRejectedException.Reason.SERIES_LIMIT,
                    "the store holds " + byLabels.size() + " series (limit " + opts.maxSeries() + ")");
        }
        Labels interned = intern(labels);
        return byLabels.computeIfAbsent(interned, l -> {
            SeriesRegistry reg = registry;
            // A series seen before (a restarted job) gets its old id back, unless a live series holds it.
            int id = reg != null ? reg.resolve(l, old -> byId.get(old) != null, lastId::incrementAndGet) : lastId.incrementAndGet();
            return register(id, l);
        });
    }

    private MemSeries register(int id, Labels l) {
        MemSeries ns = new MemSeries(id, l);
        byId.put(id, ns);
        postings.add(id, l);
        stats.seriesCreated.increment();
        return ns;
    }

    MemSeries byRef(long ref) {
        return byId.get(Refs.seriesId(ref));
    }

    /**
     * Attaches the persisted label set → id registry (after WAL replay): validates it against the
     * replayed series, and moves the id counter above every id it may have handed out.
     */
    public void attachRegistry(SeriesRegistry r) {
        attachRegistry(r, true);
    }

    /**
     * As {@link #attachRegistry(SeriesRegistry)}; with {@code validate} false the caller checks
     * it later ({@link SeriesRegistry#validate}, e.g. in the background after a snapshot load:
     * until then a series created anew may get an id the registry remembers wrongly, which only
     * costs id continuity for that series, never data).
     */
    public void attachRegistry(SeriesRegistry r, boolean validate) {
        if (validate) {
            r.validate(this);
        }
        long reserved = r.reserved();
        if (reserved > lastId.get() && reserved < Refs.MAX_SERIES_ID) {
            lastId.set((int) reserved);
        }
        registry = r;
    }

    /** See the field's comment; the store's maintenance takes the write side. */
    public java.util.concurrent.locks.ReentrantReadWriteLock commitLock() {
        return commitLock;
    }

    /** Highest series id handed out so far. */
    public int lastId() {
        return lastId.get();
    }

    /** Number of series in the head. */
    public int seriesCount() {
        return byLabels.size();
    }

    /** Newest timestamp appended, or Long.MIN_VALUE. */
    public long maxT() {
        return maxT.get();
    }

    /** Oldest timestamp in the head, or Long.MAX_VALUE when empty (walks all series). */
    public long minT() {
        long lo = Long.MAX_VALUE;
        for (MemSeries s : byLabels.values()) {
            synchronized (s) {
                lo = Math.min(lo, s.minT);
            }
        }
        return lo;
    }

    void observeT(long t) {
        long cur = maxT.get();
        while (t > cur && !maxT.compareAndSet(cur, t)) {
            cur = maxT.get();
        }
    }

    void observeMinT(long t) {
        long cur = minTBound.get();
        while (t < cur && !minTBound.compareAndSet(cur, t)) {
            cur = minTBound.get();
        }
    }

    /** A lower bound of the oldest sample time in the head, without walking the series. */
    public long minTBound() {
        return minTBound.get();
    }

    /** Samples older than this are refused as too old (relative to the head's newest sample). */
    long oldestAcceptable() {
        long m = maxT.get();
        long w = opts.oooWindowMs();
        long lo = m == Long.MIN_VALUE || w >= Long.MAX_VALUE / 2 ? Long.MIN_VALUE : m - w;
        return lo;
    }

    long minValidT() {
        return minValidT;
    }

    /** Samples below this are refused outright (they belong to data already persisted elsewhere). */
    public void setMinValidT(long t) {
        minValidT = t;
    }

    public Map<String, Metadata> metadata() {
        return Map.copyOf(metadata);
    }

    void putMetadata(String family, Metadata m) {
        metadata.put(family, m);
    }

    // ------------------------------------------------------------- access

    /** A new transaction that logs to {@code wal} on commit. */
    public Appender appender(Wal wal) {
        return new HeadAppender(this, wal);
    }

    public Querier querier(long mint, long maxt) {
        return new HeadQuerier(this, mint, maxt);
    }

    /** Visits every series (no particular order); the visitor must not block. */
    void forEachSeries(Consumer<MemSeries> c) {
        byLabels.values().forEach(c);
    }

    MemSeries seriesById(int id) {
        return byId.get(id);
    }

    RoaringBitmap select(dev.vigil.tsdb.Matcher... ms) {
        return postings.select(ms);
    }

    /** Why taking head chunk space last failed (a full disk), or null once it succeeded since. */
    public IOException chunkSpaceFailure() {
        return files.reserveFailure();
    }

    /** Takes the head chunk space the next commits need now (see {@link HeadChunks#reserve}). */
    public void reserveChunkSpace() throws IOException {
        files.reserve();
    }

    /** Bytes written to head chunk files since start. */
    public long chunkBytes() {
        return files.bytesWritten();
    }

    /** Total chunks held (open and full). */
    public long chunkCount() {
        long n = 0;
        for (MemSeries s : byLabels.values()) {
            synchronized (s) {
                n += s.chunkCount();
            }
        }
        return n;
    }

    /** Rough heap bytes of the head's per-series structures (labels and maps included). */
    public long heapBytesEstimate() {
        long n = postings.heapBytes();
        for (MemSeries s : byLabels.values()) {
            synchronized (s) {
                n += s.heapBytes() + 48 /* map node */ + 16 + 8L * 2 * s.labels.size() + 24;
            }
        }
        return n;
    }

    /**
     * Drops data that ends before {@code mint} and then series left empty with no transaction
     * in flight, so churned series (a restarted Flink job) do not stay in memory forever.
     * Returns the number of series removed.
     */
    public int truncate(long mint) throws IOException {
        long boundBefore = minTBound.get();
        int removed = 0;
        List<MemSeries> gone = new ArrayList<>();
        for (MemSeries s : byLabels.values()) {
            synchronized (s) {
                s.truncateBefore(mint);
                if (s.isEmpty() && s.idle()) {
                    gone.add(s);
                }
            }
        }
        for (MemSeries s : gone) {
            synchronized (s) {
                if (!s.isEmpty() || !s.retire()) {
                    continue; // data arrived, or a transaction holds samples for it
                }
                byLabels.remove(s.labels, s);
                byId.remove(s.id);
                postings.remove(s.id, s.labels);
                SeriesRegistry reg = registry;
                if (reg != null) {
                    reg.remove(s.labels, s.id);
                }
                removed++;
            }
        }
        stats.seriesRemoved.add(removed);
        files.truncateBefore(mint);
        long lo = Long.MAX_VALUE;
        for (MemSeries s : byLabels.values()) {
            synchronized (s) {
                lo = Math.min(lo, s.minT);
            }
        }
        // Raise the bound only if no append lowered it during the walk (it only ever goes down
        // otherwise), so it stays a true lower bound.
        if (lo > boundBefore) {
            minTBound.compareAndSet(boundBefore, lo);
        }
        return removed;
    }

    /** Every live series' ref and labels, for a WAL checkpoint. */
    public void forEachSeriesLabels(java.util.function.ObjLongConsumer<Labels> c) {
        for (MemSeries s : byLabels.values()) {
            c.accept(s.labels, s.ref());
        }
    }

    /**
     * Logs every live series and every sample the head holds to {@code wal}, so segments below
     * the current one can be deleted (docs/format/wal.md, "Truncation"). The caller must have
     * cut the WAL with no commit in flight (commit lock held while cutting).
     *
     * @return samples written
     */
    public long writeCheckpoint(dev.vigil.tsdb.wal.FrameSink wal) throws IOException {
        final int frameBytes = 1 << 20;
        dev.vigil.tsdb.io.ByteOut buf = new dev.vigil.tsdb.io.ByteOut(frameBytes + 4096);
        List<MemSeries> live = new ArrayList<>(byLabels.values());
        int f = -1;
        for (MemSeries s : live) {
            if (f < 0) {
                f = WalRecords.beginFrame(buf, WalRecords.SERIES);
            }
            WalRecords.putSeries(buf, s.ref(), s.labels);
            if (buf.length() > frameBytes) {
                WalRecords.endFrame(buf, f);
                f = -1;
                wal.log(buf);
                buf.reset();
            }
        }
        if (f >= 0) {
            WalRecords.endFrame(buf, f);
        }
        int cap = 16_384;
        long[] refs = new long[cap];
        long[] ts = new long[cap];
        long[] bits = new long[cap];
        int n = 0;
        long total = 0;
        HeadIterator it = new HeadIterator();
        for (MemSeries s : live) {
            HeadSnapshot snap = it.ownSnapshot();
            synchronized (s) {
                s.snapshot(Long.MIN_VALUE, Long.MAX_VALUE, files, snap);
            }
            it.reset(snap, files, Long.MIN_VALUE, Long.MAX_VALUE);
            while (it.next()) {
                refs[n] = s.ref();
                ts[n] = it.t();
                bits[n] = Double.doubleToRawLongBits(it.v());
                if (++n == cap) {
                    WalRecords.samples(buf, refs, ts, bits, n);
                    total += n;
                    n = 0;
                    if (buf.length() > frameBytes) {
                        wal.log(buf);
                        buf.reset();
                    }
                }
            }
        }
        if (n > 0) {
            WalRecords.samples(buf, refs, ts, bits, n);
            total += n;
        }
        if (!metadata.isEmpty()) {
            int m = WalRecords.beginFrame(buf, WalRecords.METADATA);
            metadata.forEach((k, v) -> WalRecords.putMetadata(buf, k, v));
            WalRecords.endFrame(buf, m);
        }
        wal.log(buf);
        return total;
    }

    // ------------------------------------------------------------- shutdown snapshot

    /**
     * Writes the head to {@code file} (docs/format/head-snapshot.md) as standing for the WAL up
     * to {@code wal}. The caller holds the commit lock's write side and has closed the WAL, so
     * the head is exactly the WAL's records applied. Returns the series written.
     */
    public long writeSnapshot(FileIo io, Path file, HeadSnapshotFile.WalPosition wal) throws IOException {
        return HeadSnapshotFile.write(this, files, io, file, wal);
    }

    /**
     * Loads a shutdown snapshot into this empty head (made with {@code keepChunkFiles}): attaches
     * and checks the head chunk files, decodes series frames on {@code threads} threads and
     * indexes them in frame order. Throws if anything is missing or damaged; the head must then
     * be discarded and rebuilt from the WAL. Not thread-safe; used before the head is shared.
     */
    public void loadSnapshot(HeadSnapshotFile snap, int threads) throws IOException {
        if (!byLabels.isEmpty()) {
            throw new IllegalStateException("head not empty");
        }
        // Growing to a million entries would move every entry about twice.
        byLabels = new ConcurrentHashMap<>((int) Math.min(Integer.MAX_VALUE / 2, snap.seriesCount * 4 / 3 + 16));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(
                Math.max(1, threads), r -> {
                    Thread t = new Thread(r, "vigil-snapshot-load");
                    t.setDaemon(true);
                    return t;
                });
        try {
            files.attach(snap.files, pool);
            for (String x : snap.symbols) {
                symbols.putIfAbsent(x, x);
            }
            List<java.util.concurrent.Future<MemSeries[]>> parts = new ArrayList<>();
            for (int i = 0; i < snap.frames.size(); i++) {
                int fi = i;
                parts.add(pool.submit(() -> {
                    // Decoding and the label → series map (concurrent) run on the pool; the
                    // postings are built by the caller, frame by frame, meanwhile.
                    MemSeries[] ss = snap.decode(snap.frame(fi), files);
                    for (MemSeries s : ss) {
                        if (byLabels.putIfAbsent(s.labels, s) != null) {
                            throw new IOException("head snapshot lists " + s.labels + " twice");
                        }
                        byId.put(s.id, s);
                    }
                    return ss;
                }));
            }
            List<MemSeries[]> all = new ArrayList<>();
            long hi = Long.MIN_VALUE;
            long lo = Long.MAX_VALUE;
            int maxId = 0;
            long loaded = 0;
            for (var part : parts) {
                MemSeries[] ss;
                try {
                    ss = part.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException("interrupted while loading the head snapshot");
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IOException("head snapshot: " + e.getCause().getMessage(), e.getCause());
                }
                all.add(ss);
                for (MemSeries s : ss) {
                    maxId = Math.max(maxId, s.id);
                    if (s.maxT > hi) {
                        hi = s.maxT;
                    }
                    if (s.minT < lo) {
                        lo = s.minT;
                    }
                }
                postings.addAll(ss);
                loaded += ss.length;
            }
            for (MemSeries[] ss : all) {
                for (MemSeries s : ss) {
                    if (byId.get(s.id) != s) {
                        throw new IOException("head snapshot lists series id " + s.id + " twice");
                    }
                }
            }
            if (loaded != snap.seriesCount) {
                throw new IOException("head snapshot holds " + loaded + " series, its end frame says " + snap.seriesCount);
            }
            stats.seriesCreated.add(loaded);
            lastId.set(Math.max(maxId, snap.lastId));
            if (hi != Long.MIN_VALUE) {
                observeT(hi);
            }
            if (lo != Long.MAX_VALUE) {
                observeMinT(lo);
            }
            metadata.putAll(snap.metadata);
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------- replay

    /** Applies WAL records at start ({@link HeadReplay}). Not thread-safe; used before the head is shared. */
    public WalRecords.Handler replayHandler() {
        HeadReplay r = new HeadReplay(this, files, opts.chunkRangeMs(), reuse,
                Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())), 0);
        reuse = null;
        return r;
    }

    /** A replay handler with {@code windowSamples} per window and {@code threads} apply threads (tests). */
    WalRecords.Handler replayHandler(int threads, int windowSamples) {
        return new HeadReplay(this, files, opts.chunkRangeMs(), null, threads, windowSamples);
    }

    private volatile long replayChunksTaken;

    /** Chunks the last WAL replay took over from the head chunk files instead of encoding them. */
    public long replayChunksTaken() {
        return replayChunksTaken;
    }

    void replayChunksTaken(long n) {
        replayChunksTaken = n;
    }

    private volatile long replaySetAside;

    /** Series the last WAL replay applied again in a second pass (a head chunk it followed held other samples). */
    public long replaySeriesSetAside() {
        return replaySetAside;
    }

    void replaySeriesSetAside(long n) {
        replaySetAside = n;
    }

    /** Set by {@link #adoptChunkFiles} for the next {@link #replayHandler}. */
    private ChunkReuse reuse;

    /**
     * Before a replay without a head snapshot into this empty head (made with
     * {@code keepChunkFiles}): reads the head chunk files left by the last run, so that the
     * replay takes over the chunks whose samples it finds in the WAL instead of encoding them
     * again ({@link ChunkReuse}); the files nothing is taken from are deleted after it. Chunks
     * starting before {@code floor} (the end of the newest block) are not taken. Returns the
     * chunks found.
     */
    public int adoptChunkFiles(long floor) throws IOException {
        if (!byLabels.isEmpty()) {
            throw new IllegalStateException("head not empty");
        }
        reuse = new ChunkReuse(files, files.adopt(), opts.chunkRangeMs(), floor);
        chunkFilesSeries = reuse.seriesIdLimit();
        return reuse.candidates();
    }

    private int chunkFilesSeries;

    /** After {@link #adoptChunkFiles}: an estimate of the series the WAL holds (the highest series id the files name), or 0. */
    public int chunkFilesSeries() {
        return chunkFilesSeries;
    }

    /**
     * A WAL series record: the series with these labels (marked as logged), registered under
     * {@code id} unless the labels are known already (then under their first id); null when
     * {@code id} is taken by other labels (the first mapping of an id wins).
     */
    MemSeries registerReplayed(int id, Labels labels) {
        MemSeries existing = byLabels.get(labels);
        if (existing != null) {
            existing.logged = true;
            return existing;
        }
        if (byId.get(id) != null) {
            return null;
        }
        Labels l = intern(labels);
        MemSeries s = register(id, l);
        s.logged = true;
        byLabels.put(l, s);
        if (id > lastId.get()) {
            lastId.set(id);
        }
        return s;
    }

    int numSeries() {
        return byLabels.size();
    }

    @Override
    public void close() {
        files.close();
    }
}
