package dev.vigil.tsdb.tools;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.block.BlockWriter;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Offline backfill: samples collected in memory, in any order, then written as level-1 blocks aligned to the block
 * duration, as {@code promtool tsdb create-blocks-from} writes them. A later sample at the same timestamp wins.
 */
public final class BlockBackfill {
    private final Map<Labels, Samples> series = new HashMap<>();
    private long count;

    /** Adds one sample. */
    public void add(Labels labels, long t, double v) {
        series.computeIfAbsent(labels, k -> new Samples()).add(t, v);
        count++;
    }

    public long samples() {
        return count;
    }

    /**
     * Writes the blocks into the folder, after checking that they take nothing from its head. On its next start the
     * store drops from its WAL's head every sample older than the newest block's end, as already persisted (that
     * is how it recovers from a crash between writing a block and checkpointing), so a block reaching past the
     * blocks already there would make the head's unpersisted samples in between disappear.
     *
     * @throws IOException naming the time from which the head holds samples, when the blocks would reach it
     */
    public List<BlockMeta> write(FileIo io, DataFolder folder, long blockMs) throws IOException {
        long persisted = Long.MIN_VALUE;
        for (var b : folder.blocks()) {
            persisted = Math.max(persisted, b.meta().maxTime());
        }
        long end = Long.MIN_VALUE;
        for (Samples s : series.values()) {
            s.sortAndDedup();
            end = Math.max(end, Math.floorDiv(s.t[s.n - 1], blockMs) * blockMs + blockMs);
        }
        if (end > persisted) {
            long from = folder.firstHeadSample(persisted, end);
            if (from != Long.MAX_VALUE) {
                throw new IOException("the data reaches " + GoFormat.time(end - 1) + " (blocks end on " + GoFormat.duration(blockMs)
                        + " boundaries), but the store's head holds samples from " + GoFormat.time(from)
                        + " not yet in blocks, which its next start would drop: backfill only data before "
                        + GoFormat.time(Math.floorDiv(from, blockMs) * blockMs)
                        + ", or import the rest into the running server (/api/v1/import/prometheus)");
            }
        }
        return write(io, folder.dir(), blockMs);
    }

    /**
     * Writes the blocks into {@code dir}, one per {@code blockMs}-aligned window that holds samples.
     *
     * @return the blocks written, oldest first
     */
    public List<BlockMeta> write(FileIo io, Path dir, long blockMs) throws IOException {
        List<Labels> sorted = new ArrayList<>(series.keySet());
        sorted.sort(null);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Samples s : series.values()) {
            s.sortAndDedup();
            min = Math.min(min, s.t[0]);
            max = Math.max(max, s.t[s.n - 1]);
        }
        List<BlockMeta> out = new ArrayList<>();
        if (sorted.isEmpty()) {
            return out;
        }
        BlockWriter writer = new BlockWriter(io);
        for (long start = Math.floorDiv(min, blockMs) * blockMs; start <= max; start += blockMs) {
            long end = start + blockMs;
            List<Labels> inWindow = new ArrayList<>();
            for (Labels l : sorted) {
                if (series.get(l).any(start, end)) {
                    inWindow.add(l);
                }
            }
            if (!inWindow.isEmpty()) {
                out.add(writer.writeBlock(dir, new Set(inWindow, series), start, end, 1, List.of()));
            }
        }
        return out;
    }

    /** One series' samples, growing as they come. */
    private static final class Samples {
        long[] t = new long[16];
        double[] v = new double[16];
        int n;

        void add(long ts, double value) {
            if (n == t.length) {
                t = Arrays.copyOf(t, n * 2);
                v = Arrays.copyOf(v, n * 2);
            }
            t[n] = ts;
            v[n] = value;
            n++;
        }

        void sortAndDedup() {
            boolean ordered = true;
            for (int i = 1; i < n && ordered; i++) {
                ordered = t[i - 1] < t[i];
            }
            if (ordered) {
                return;
            }
            Integer[] idx = new Integer[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i;
            }
            // Stable: of equal timestamps the last added comes last, and is kept.
            Arrays.sort(idx, (a, b) -> Long.compare(t[a], t[b]));
            long[] nt = new long[n];
            double[] nv = new double[n];
            int m = 0;
            for (Integer i : idx) {
                if (m > 0 && nt[m - 1] == t[i]) {
                    nv[m - 1] = v[i];
                } else {
                    nt[m] = t[i];
                    nv[m] = v[i];
                    m++;
                }
            }
            t = nt;
            v = nv;
            n = m;
        }

        boolean any(long from, long to) {
            int i = Arrays.binarySearch(t, 0, n, from);
            int at = i >= 0 ? i : -i - 1;
            return at < n && t[at] < to;
        }
    }

    /** The sorted series of one window; the writer keeps only the window's samples. */
    private static final class Set implements SeriesSet {
        private final List<Labels> labels;
        private final Map<Labels, Samples> data;
        private int i = -1;

        Set(List<Labels> labels, Map<Labels, Samples> data) {
            this.labels = labels;
            this.data = data;
        }

        @Override
        public boolean next() {
            return ++i < labels.size();
        }

        @Override
        public Series at() {
            Labels l = labels.get(i);
            Samples s = data.get(l);
            return new Series() {
                @Override
                public Labels labels() {
                    return l;
                }

                @Override
                public SampleIterator iterator(SampleIterator reuse) {
                    return new Iter(s);
                }
            };
        }
    }

    private static final class Iter implements SampleIterator {
        private final Samples s;
        private int i = -1;

        Iter(Samples s) {
            this.s = s;
        }

        @Override
        public boolean next() {
            return ++i < s.n;
        }

        @Override
        public boolean seek(long t) {
            if (i < 0) {
                i = 0;
            }
            while (i < s.n && s.t[i] < t) {
                i++;
            }
            return i < s.n;
        }

        @Override
        public long t() {
            return s.t[i];
        }

        @Override
        public double v() {
            return s.v[i];
        }
    }
}
