package dev.vigil.tsdb.tools;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.block.BlockWriter;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.prometheus.SampleBuffer;
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
    private final Map<Labels, SampleBuffer> series = new HashMap<>();
    private long count;

    /** Adds one sample. */
    public void add(Labels labels, long t, double v) {
        series.computeIfAbsent(labels, k -> new SampleBuffer(16)).add(t, v);
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
        for (SampleBuffer s : series.values()) {
            s.sortIfNeeded();
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
        for (SampleBuffer s : series.values()) {
            s.sortIfNeeded();
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
                if (any(series.get(l), start, end)) {
                    inWindow.add(l);
                }
            }
            if (!inWindow.isEmpty()) {
                out.add(writer.writeBlock(dir, new Set(inWindow, series), start, end, 1, List.of()));
            }
        }
        return out;
    }

    /** Whether {@code s} (sorted) has a sample in [from, to). */
    private static boolean any(SampleBuffer s, long from, long to) {
        int i = Arrays.binarySearch(s.t, 0, s.n, from);
        int at = i >= 0 ? i : -i - 1;
        return at < s.n && s.t[at] < to;
    }

    /** The sorted series of one window; the writer keeps only the window's samples. */
    private static final class Set implements SeriesSet {
        private final List<Labels> labels;
        private final Map<Labels, SampleBuffer> data;
        private int i = -1;

        Set(List<Labels> labels, Map<Labels, SampleBuffer> data) {
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
            SampleBuffer s = data.get(l);
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
        private final SampleBuffer s;
        private int i = -1;

        Iter(SampleBuffer s) {
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
