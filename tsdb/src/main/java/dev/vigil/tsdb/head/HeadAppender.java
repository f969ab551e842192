package dev.vigil.tsdb.head;

import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.AppendRejectedException.Reason;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.wal.Wal;
import dev.vigil.tsdb.wal.WalRecords;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A head transaction. {@link #append} checks the sample against the series as committed so far
 * and throws for samples that can never be stored; {@link #commit} writes series records (for
 * series not yet in the WAL), the samples and the metadata as one WAL batch, waits for the
 * group commit's fsync, then applies the samples. Samples that a concurrent commit made
 * invalid in between are dropped and counted ({@code rejectedAtCommit}).
 */
final class HeadAppender implements Appender {
    private static final java.util.concurrent.atomic.AtomicLong TXNS = new java.util.concurrent.atomic.AtomicLong();
    private final long txn = TXNS.incrementAndGet();
    private final Head head;
    private final Wal wal;
    /**
     * The batch arrays and WAL encoding buffers of finished transactions, most recently returned
     * first: a push of 2,000 series grew fresh arrays through six doublings (about 0.5 MB of
     * garbage per commit); reused, they are already the right size. Each is taken by one
     * transaction at a time. Not one per thread: the 16 request workers would each keep a set
     * although pushes rarely overlap; this way the store keeps as many as transactions overlapped.
     */
    private static final java.util.ArrayDeque<Scratch> SCRATCH = new java.util.ArrayDeque<>();
    /** More sets than this are left to the collector. */
    private static final int SCRATCH_KEEP = 16;
    /** Larger batches give their arrays back to the collector instead of the thread. */
    private static final int KEEP_SAMPLES = 1 << 16;

    private static final class Scratch {
        MemSeries[] series = new MemSeries[64];
        long[] refs = new long[64];
        long[] ts = new long[64];
        long[] bits = new long[64];
        ByteOut enc = new ByteOut(4096);
    }

    private Scratch scratch;
    /** Keeps the reads of apply's prefetch pass from being optimised away. */
    private int touchSink;
    private MemSeries[] series;
    private long[] refs;
    private long[] ts;
    private long[] bits;
    private int n;
    private Map<String, Metadata> meta;
    private boolean finished;
    /**
     * Whether {@link #noteOrder} tracks this batch: only once a series got a second pending
     * sample (from this batch or a concurrent one). Until then every series of the batch had
     * none before its sample here, so each appears once and the batch is in order.
     */
    private boolean tracking;
    /** Per series in this batch, the newest timestamp so far (open addressing on the id). */
    private int[] seenIds;
    private long[] seenMaxT;
    private int seenCount;
    /** Some series got a sample not newer than an earlier one of this batch: apply in time order. */
    private boolean needSort;

    HeadAppender(Head head, Wal wal) {
        this.head = head;
        this.wal = wal;
        Scratch sc;
        synchronized (SCRATCH) {
            sc = SCRATCH.pollFirst();
        }
        if (sc == null) {
            sc = new Scratch();
        }
        scratch = sc;
        series = sc.series;
        refs = sc.refs;
        ts = sc.ts;
        bits = sc.bits;
    }

    /** Returns the arrays for a later transaction; this one no longer uses them. */
    private void recycle() {
        Scratch sc = scratch;
        if (sc == null) {
            return;
        }
        scratch = null;
        Arrays.fill(series, 0, Math.min(n, series.length), null); // an idle set keeps no series alive
        if (series.length <= KEEP_SAMPLES && sc.enc.array().length <= KEEP_SAMPLES * 32) {
            sc.series = series;
            sc.refs = refs;
            sc.ts = ts;
            sc.bits = bits;
            sc.enc.reset();
            synchronized (SCRATCH) {
                if (SCRATCH.size() < SCRATCH_KEEP) {
                    SCRATCH.addFirst(sc);
                }
            }
        }
        series = null;
        refs = null;
        ts = null;
        bits = null;
    }

    @Override
    public long append(long ref, Labels labels, long t, double v) {
        if (finished) {
            throw new IllegalStateException("appender already committed or rolled back");
        }
        // A ref handed out by this store is trusted without comparing labels (ids are never
        // reused, and a dropped series no longer resolves), which keeps the hot path hash-free.
        MemSeries s = ref != 0 ? head.byRef(ref) : null;
        if (s == null) {
            if (labels == null || labels.isEmpty()) {
                throw reject(Reason.INVALID, "empty label set");
            }
            s = head.getOrCreate(labels);
        }
        long b = Double.doubleToRawLongBits(v);
        long floor = head.minValidT();
        while (true) {
            // The common case (newer than the series' last sample) is decided without the
            // series' monitor: the commit takes it once per sample anyway, and checks again.
            long last = s.lastTSeen();
            if (!(t >= floor && (last == Long.MIN_VALUE || t > last))) {
                synchronized (s) {
                    if (!s.removed()) {
                        check(s, t, b, floor);
                    }
                }
            }
            long before = s.pend();
            if (before != MemSeries.REMOVED) {
                if (!tracking && s.hadPending(before)) {
                    startTracking();
                }
                break;
            }
            s = head.getOrCreate(s.labels);
        }
        if (n == ts.length) {
            int cap = n * 2;
            series = Arrays.copyOf(series, cap);
            refs = Arrays.copyOf(refs, cap);
            ts = Arrays.copyOf(ts, cap);
            bits = Arrays.copyOf(bits, cap);
        }
        if (tracking) {
            noteOrder(s.id, t);
        }
        series[n] = s;
        refs[n] = s.ref();
        ts[n] = t;
        bits[n] = b;
        n++;
        return s.ref();
    }

    /** Throws for a sample the series as committed so far can never take. Caller holds the monitor. */
    private void check(MemSeries s, long t, long b, long floor) {
        int c = s.check(t, b, floor, head.oldestAcceptable(), head.options().oooWindowMs(), head.files(), head.scratch());
        switch (c) {
            case MemSeries.DUPLICATE -> throw reject(Reason.DUPLICATE, s.labels + " @ " + t);
            case MemSeries.OUT_OF_ORDER -> throw reject(Reason.OUT_OF_ORDER, s.labels + " @ " + t);
            case MemSeries.TOO_OLD -> throw reject(Reason.TOO_OLD, s.labels + " @ " + t);
            case MemSeries.OUT_OF_BOUNDS -> throw reject(Reason.OUT_OF_BOUNDS, s.labels + " @ " + t + " is older than the retention");
            default -> {
            }
        }
    }

    /** From now on every sample of the batch is noted, starting with those already in it. */
    private void startTracking() {
        tracking = true;
        int cap = 128;
        while (cap < 2 * (n + 1)) {
            cap <<= 1;
        }
        seenIds = new int[cap];
        seenMaxT = new long[cap];
        seenCount = 0;
        for (int i = 0; i < n; i++) {
            noteOrder(series[i].id, ts[i]);
        }
    }

    private void noteOrder(int id, long t) {
        if (2 * (seenCount + 1) > seenIds.length) {
            int[] oi = seenIds;
            long[] ot = seenMaxT;
            seenIds = new int[oi.length * 2];
            seenMaxT = new long[oi.length * 2];
            seenCount = 0;
            for (int i = 0; i < oi.length; i++) {
                if (oi[i] != 0) {
                    put(oi[i], ot[i]);
                }
            }
        }
        int mask = seenIds.length - 1;
        int h = (id * 0x9E3779B9) & mask;
        while (seenIds[h] != 0 && seenIds[h] != id) {
            h = (h + 1) & mask;
        }
        if (seenIds[h] == id) {
            if (t <= seenMaxT[h]) {
                needSort = true;
            } else {
                seenMaxT[h] = t;
            }
        } else {
            seenIds[h] = id;
            seenMaxT[h] = t;
            seenCount++;
        }
    }

    private void put(int id, long t) {
        int mask = seenIds.length - 1;
        int h = (id * 0x9E3779B9) & mask;
        while (seenIds[h] != 0) {
            h = (h + 1) & mask;
        }
        seenIds[h] = id;
        seenMaxT[h] = t;
        seenCount++;
    }

    /** Orders the batch by (series, time), stably, so in-batch out-of-order samples apply as checked. */
    private void sortBatch() {
        Integer[] idx = new Integer[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        java.util.Arrays.sort(idx, (x, y) -> {
            int c = Integer.compare(series[x].id, series[y].id);
            return c != 0 ? c : Long.compare(ts[x], ts[y]);
        });
        MemSeries[] s2 = new MemSeries[n];
        long[] r2 = new long[n];
        long[] t2 = new long[n];
        long[] b2 = new long[n];
        for (int i = 0; i < n; i++) {
            int j = idx[i];
            s2[i] = series[j];
            r2[i] = refs[j];
            t2[i] = ts[j];
            b2[i] = bits[j];
        }
        series = s2;
        refs = r2;
        ts = t2;
        bits = b2;
    }

    private AppendRejectedException reject(Reason r, String detail) {
        head.stats().rejected[r.ordinal()].increment();
        return new AppendRejectedException(r, detail);
    }

    @Override
    public void metadata(String metricFamily, Metadata metadata) {
        if (meta == null) {
            meta = new LinkedHashMap<>();
        }
        meta.put(metricFamily, metadata);
    }

    @Override
    public void commit() throws IOException {
        if (finished) {
            throw new IllegalStateException("appender already committed or rolled back");
        }
        finished = true;
        java.util.concurrent.locks.Lock lock = head.commitLock().readLock();
        lock.lock();
        try {
            commitLocked();
        } finally {
            lock.unlock();
        }
    }

    private void commitLocked() throws IOException {
        try {
            ByteOut buf = scratch.enc;
            buf.reset();
            int f = -1;
            for (int i = 0; i < n; i++) {
                MemSeries s = series[i];
                if (!s.logged && s.logMark != txn) {
                    s.logMark = txn;
                    if (f < 0) {
                        f = WalRecords.beginFrame(buf, WalRecords.SERIES);
                    }
                    WalRecords.putSeries(buf, s.ref(), s.labels);
                }
            }
            if (f >= 0) {
                WalRecords.endFrame(buf, f);
            }
            if (n > 0) {
                WalRecords.samples(buf, refs, ts, bits, n);
            }
            if (meta != null && !meta.isEmpty()) {
                int m = WalRecords.beginFrame(buf, WalRecords.METADATA);
                meta.forEach((k, v) -> WalRecords.putMetadata(buf, k, v));
                WalRecords.endFrame(buf, m);
            }
            // Space for the chunks this commit may cut is taken before it is logged: once
            // logged it is applied whole, and a full disk must refuse it here, not half-way.
            head.files().reserve();
            wal.log(buf);
        } catch (IOException e) {
            release();
            throw e instanceof dev.vigil.tsdb.StorageWriteException ? e : new dev.vigil.tsdb.StorageWriteException(wal.dataFolder(), e);
        } catch (RuntimeException e) {
            release();
            throw e;
        }
        apply();
    }

    private void apply() throws IOException {
        if (needSort) {
            sortBatch();
        }
        Head.Stats st = head.stats();
        MemSeries.Scratch sc = head.scratch();
        long oldest = head.oldestAcceptable();
        long floor = head.minValidT();
        long window = head.options().oooWindowMs();
        long range = head.options().chunkRangeMs();
        long appended = 0;
        long ooo = 0;
        long rejected = 0;
        long maxSeen = Long.MIN_VALUE;
        long minSeen = Long.MAX_VALUE;
        // The batch's series were last touched before the WAL wait; fetch what the appends will
        // write all at once (independent loads overlap), instead of one series at a time behind
        // each monitor enter, which lets no load pass it.
        int touched = 0;
        for (int i = 0; i < n; i++) {
            touched += series[i].touch();
        }
        touchSink = touched;
        for (int i = 0; i < n; i++) {
            MemSeries s = series[i];
            synchronized (s) {
                if (!s.logged) {
                    s.logged = true; // a volatile store (a fence) only the first time
                }
                s.settle();
                int c = s.append(ts[i], bits[i], floor, oldest, window, range, head.files(), sc, false);
                if (c == MemSeries.OK || c == MemSeries.OK_OOO) {
                    appended++;
                    if (c == MemSeries.OK_OOO) {
                        ooo++;
                    }
                    if (ts[i] > maxSeen) {
                        maxSeen = ts[i];
                    }
                    if (ts[i] < minSeen) {
                        minSeen = ts[i];
                    }
                } else if (c != MemSeries.IDEMPOTENT) {
                    rejected++;
                }
            }
        }
        head.observeT(maxSeen);
        head.observeMinT(minSeen);
        if (meta != null) {
            meta.forEach(head::putMetadata);
        }
        st.samplesAppended.add(appended);
        st.outOfOrderAppended.add(ooo);
        st.rejectedAtCommit.add(rejected);
        recycle();
        n = 0;
    }

    private void release() {
        for (int i = 0; i < n; i++) {
            MemSeries s = series[i];
            synchronized (s) {
                s.settle();
            }
        }
        recycle();
        n = 0;
    }

    @Override
    public void rollback() {
        if (finished) {
            return;
        }
        finished = true;
        release();
    }
}
