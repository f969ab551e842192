package dev.vigil.tsdb.head;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.wal.WalRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Applies WAL records to an empty head at start, in windows: series records are applied at
 * once, samples are collected and applied one series after the other on {@code threads}
 * threads, each series seeing its samples in WAL order exactly as a sample-by-sample replay
 * would. A sample-by-sample replay of the WAL's time-ordered batches touches a different series
 * for nearly every sample, so it waits on memory rather than computing; grouping makes each
 * series' state hot for all of its samples in the window. In a valid WAL a series record
 * precedes every sample of that series (a commit logs it before its samples until the record is
 * durable), so applying series records first changes nothing.
 *
 * <p>Grouping is done in two steps that each keep only a few hundred write positions busy, so
 * both stay in the CPU cache: while decoding, a sample goes to the bucket of its id's high bits
 * ({@link Window}); when applied, a bucket (two thousand series) is counting-sorted by the low
 * bits. One flat counting sort over the whole window writes to a million places at random and
 * cost half of a replay's time. The WAL is decoded into one window while the other is applied.
 * When taking over head chunks set some series aside ({@link ChunkReuse}), the WAL is read a
 * second time ({@link #again}) and only their samples are applied. Not thread-safe: one caller,
 * before the head is shared.
 */
final class HeadReplay implements WalRecords.Handler {
    /**
     * Ids per bucket: 2048 (11 bits); the low bits index a sort histogram that fits in L1, and a
     * million series make 489 buckets, whose write positions stay within the TLB while decoding.
     */
    static final int SHIFT = 11;
    private static final int MASK = (1 << SHIFT) - 1;

    private final Head head;
    private final HeadChunks files;
    private final long chunkRange;
    private ChunkReuse reuse;
    /** In a second pass: the series (by id) it applies, set aside by the first; null in the first. */
    private boolean[] only;
    private final int threads;
    private final Map<Integer, MemSeries> alias = new HashMap<>();
    private Window filling = new Window();
    private Window spare = new Window();
    /** Fixed samples per window (tests), or 0 to size windows by the heap and the series. */
    private final int fixedWindow;
    private int windowSamples;
    private ExecutorService pool;
    private Future<?>[] applying;
    /** Ids seen in the head, as bits: a lookup per sample that stays in the cache. */
    private long[] knownIds = new long[1024];

    HeadReplay(Head head, HeadChunks files, long chunkRange, ChunkReuse reuse, int threads, int fixedWindow) {
        this.head = head;
        this.fixedWindow = fixedWindow;
        this.files = files;
        this.chunkRange = chunkRange;
        this.reuse = reuse;
        this.threads = threads;
        this.windowSamples = window();
    }

    /**
     * Samples per window: a few dozen per series, so that the per-series work of a window
     * (finding the series, its monitor, its open or matched chunk: cache misses all) is shared
     * by many samples. Bounded by a fifth of the heap: about 56 bytes a sample, for the window
     * being applied, the one being decoded and the buckets' spare room.
     */
    private int window() {
        if (fixedWindow > 0) {
            return fixedWindow;
        }
        long w = Math.max(1L << 21, 32L * head.numSeries());
        long budget = Runtime.getRuntime().maxMemory() / 5 / 56;
        return (int) Math.min(w, Math.max(1L << 21, Math.min(budget, 64L << 20)));
    }

    @Override
    public void series(long ref, Labels labels) {
        int id = Refs.seriesId(ref);
        if (id < 0) {
            return;
        }
        MemSeries s = head.registerReplayed(id, labels);
        if (s != null && s.id != id) {
            alias.put(id, s);
        }
        if (s != null && reuse != null) {
            // Now, while the series is new: an array given to it once it is old is a reference
            // from old to young objects, which young collections find by scanning (most of
            // a replay's collection time).
            reuse.reserveFor(s);
        }
    }

    @Override
    public void samples(long[] refs, long[] t, long[] b, int cnt) {
        Window w = filling;
        for (int i = 0; i < cnt; i++) {
            int id = Refs.seriesId(refs[i]);
            if (!known(id)) {
                // An id whose labels came back under another id: its samples join that
                // series' group, in WAL order with the others.
                MemSeries a = alias.get(id);
                if (a == null) {
                    continue; // a series the WAL never named: nothing to add them to
                }
                id = a.id;
            }
            if (only != null && (id >= only.length || !only[id])) {
                continue;
            }
            w.add(id, t[i], b[i]);
        }
        if (w.total >= windowSamples) {
            flush();
        }
    }

    private boolean known(int id) {
        if (id < 0) {
            return false;
        }
        int w = id >>> 6;
        if (w < knownIds.length && (knownIds[w] & (1L << id)) != 0) {
            return true;
        }
        if (head.seriesById(id) == null) {
            return false;
        }
        if (w >= knownIds.length) {
            knownIds = java.util.Arrays.copyOf(knownIds, Math.max(w + 1, knownIds.length * 2));
        }
        knownIds[w] |= 1L << id;
        return true;
    }

    @Override
    public void metadata(String family, Metadata m) {
        head.putMetadata(family, m);
    }

    @Override
    public void finish() {
        try {
            flush();
            awaitWindow();
        } finally {
            if (pool != null) {
                pool.shutdown();
                pool = null;
            }
        }
        if (reuse != null) {
            try {
                reuse.finish(head, head.scratch());
                files.dropUnused(reuse.usedFiles());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Head.LOG.info("WAL replay: " + reuse.summary());
            head.replayChunksTaken(reuse.chunksTaken());
            only = reuse.setAside();
            reuse = null;
            if (only != null) {
                int n = 0;
                for (boolean b : only) {
                    n += b ? 1 : 0;
                }
                head.replaySeriesSetAside(n);
                // Their samples were dropped since they were set aside: start them over.
                for (int id = 0; id < only.length; id++) {
                    if (only[id]) {
                        MemSeries s = head.seriesById(id);
                        synchronized (s) {
                            s.resetForReplay();
                        }
                    }
                }
                return;
            }
        }
        only = null;
    }

    /** A second pass when the first set series aside (their samples are applied again, encoded). */
    @Override
    public boolean again() {
        return only != null;
    }

    /**
     * Hands the window to the apply threads and lets decoding go on into the other window: the
     * WAL is read and decoded while the previous window is applied.
     */
    private void flush() {
        if (filling.total == 0) {
            return;
        }
        awaitWindow();
        Window w = filling;
        filling = spare;
        spare = w;
        filling.clear();
        windowSamples = window();
        if (pool == null) {
            pool = Executors.newFixedThreadPool(threads, r -> {
                Thread t = new Thread(r, "vigil-wal-replay");
                t.setDaemon(true);
                return t;
            });
        }
        AtomicInteger nextBucket = new AtomicInteger();
        applying = new Future<?>[threads];
        for (int p = 0; p < threads; p++) {
            applying[p] = pool.submit(() -> applyBuckets(w, nextBucket));
        }
    }

    private void awaitWindow() {
        if (applying == null) {
            return;
        }
        RuntimeException failure = null;
        for (Future<?> f : applying) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = new IllegalStateException("interrupted during WAL replay", e);
            } catch (java.util.concurrent.ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
                }
            }
        }
        applying = null;
        if (failure != null) {
            pool.shutdown();
            throw failure;
        }
    }

    /** One apply thread: takes buckets until none is left. */
    private void applyBuckets(Window w, AtomicInteger nextBucket) {
        Sorted sorted = new Sorted();
        MemSeries.Scratch sc = head.scratch();
        int k;
        while ((k = nextBucket.getAndIncrement()) < w.buckets) {
            if (w.n[k] > 0) {
                sorted.sort(w.ids[k], w.tb[k], w.n[k]);
                applyBucket(k, sorted, sc);
            }
        }
        if (sorted.hi != Long.MIN_VALUE) {
            head.observeT(sorted.hi);
            head.observeMinT(sorted.lo);
        }
    }

    /** Applies a sorted bucket's samples series by series; each series is in one bucket, so one thread. */
    private void applyBucket(int k, Sorted b, MemSeries.Scratch sc) {
        int[] start = b.start;
        long[] st = b.t;
        long[] sb = b.bits;
        long hi = b.hi;
        long lo = b.lo;
        // First every series of the bucket and its matching state, with loads that do not wait
        // on each other (a cache miss each: waiting for them one by one was a tenth of the CPU).
        MemSeries[] series = b.series;
        long sink = 0;
        for (int low = 0; low <= MASK; low++) {
            if (start[low] != start[low + 1]) {
                MemSeries s = head.seriesById((k << SHIFT) | low);
                series[low] = s;
                sink += s.id;
                if (reuse != null) {
                    sink += reuse.touch(s.id);
                }
            }
        }
        b.sink += sink;
        for (int low = 0; low <= MASK; low++) {
            int from = start[low];
            int to = start[low + 1];
            if (from == to) {
                continue;
            }
            MemSeries s = series[low];
            series[low] = null;
            synchronized (s) {
                for (int i = from; i < to; i++) {
                    try {
                        if (reuse != null && reuse.offer(s, st[i], sb[i], sc)) {
                            hi = Math.max(hi, st[i]);
                            lo = Math.min(lo, st[i]);
                            continue;
                        }
                        int c = s.append(st[i], sb[i], Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, chunkRange,
                                files, sc, true);
                        if (c == MemSeries.OK || c == MemSeries.OK_OOO) {
                            hi = Math.max(hi, st[i]);
                            lo = Math.min(lo, st[i]);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        }
        b.hi = hi;
        b.lo = lo;
    }

    /**
     * Samples grouped by the high bits of their series id, each bucket in WAL order. A sample
     * stores the low bits of its id only (18 bytes a sample with its time and value). Time and
     * value sit side by side in one array: a bucket is written at two places, not three (with a
     * few hundred buckets, each place its own page, the third missed the TLB).
     */
    static final class Window {
        int buckets;
        short[][] ids = new short[0][];
        /** Per bucket: time and value bits of sample i at 2i and 2i + 1. */
        long[][] tb = new long[0][];
        int[] n = new int[0];
        long total;

        void add(int id, long t, long b) {
            int k = id >>> SHIFT;
            if (k >= buckets) {
                addBuckets(k + 1);
            }
            int i = n[k];
            short[] bucketIds = ids[k];
            if (i == bucketIds.length) {
                grow(k);
                bucketIds = ids[k];
            }
            bucketIds[i] = (short) (id & MASK);
            long[] x = tb[k];
            x[2 * i] = t;
            x[2 * i + 1] = b;
            n[k] = i + 1;
            total++;
        }

        private void addBuckets(int want) {
            if (want > ids.length) {
                int cap = Math.max(want, ids.length * 2);
                ids = java.util.Arrays.copyOf(ids, cap);
                tb = java.util.Arrays.copyOf(tb, cap);
                n = java.util.Arrays.copyOf(n, cap);
            }
            for (int k = buckets; k < want; k++) {
                if (ids[k] == null) {
                    ids[k] = new short[64];
                    tb[k] = new long[2 * 64];
                }
            }
            buckets = want;
        }

        private void grow(int k) {
            int cap = ids[k].length + (ids[k].length >> 1);
            ids[k] = java.util.Arrays.copyOf(ids[k], cap);
            tb[k] = java.util.Arrays.copyOf(tb[k], 2 * cap);
        }

        /** Empties the window, keeping each bucket's arrays for the next one. */
        void clear() {
            java.util.Arrays.fill(n, 0, buckets, 0);
            total = 0;
        }
    }

    /** One bucket counting-sorted by the low bits of the id (stable), and the times applied so far. */
    static final class Sorted {
        final int[] start = new int[MASK + 2];
        private final int[] pos = new int[MASK + 1];
        long[] t = new long[0];
        long[] bits = new long[0];
        long hi = Long.MIN_VALUE;
        long lo = Long.MAX_VALUE;
        final MemSeries[] series = new MemSeries[MASK + 1];
        /** Sum of the touched fields, kept so that the loads are not optimised away. */
        long sink;

        void sort(short[] ids, long[] tb, int n) {
            java.util.Arrays.fill(start, 0);
            for (int i = 0; i < n; i++) {
                start[ids[i] + 1]++;
            }
            for (int i = 1; i < start.length; i++) {
                start[i] += start[i - 1];
            }
            if (t.length < n) {
                t = new long[ids.length];
                bits = new long[ids.length];
            }
            System.arraycopy(start, 0, pos, 0, MASK + 1);
            for (int i = 0; i < n; i++) {
                int at = pos[ids[i]]++;
                t[at] = tb[2 * i];
                bits[at] = tb[2 * i + 1];
            }
        }
    }
}
