package dev.vigil.tsdb.block;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

/**
 * Merges several queriers (blocks and the head): series are unioned by labels in sorted order,
 * samples merged by time; where two sources hold the same timestamp the querier listed first
 * wins and the others' sample is dropped.
 */
public final class MergeQuerier implements Querier {
    private final List<Querier> queriers;

    public MergeQuerier(List<? extends Querier> queriers) {
        // Nested merges (the blocks' merge inside the store's) become one level, so a series
        // read from k sources costs one k-way merge and its iterators can be reused.
        List<Querier> flat = new ArrayList<>();
        for (Querier q : queriers) {
            if (q instanceof MergeQuerier m) {
                flat.addAll(m.queriers);
            } else {
                flat.add(q);
            }
        }
        this.queriers = List.copyOf(flat);
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        if (queriers.size() == 1) {
            return queriers.get(0).select(sorted, hints, matchers);
        }
        SeriesSet[] sets = new SeriesSet[queriers.size()];
        for (int i = 0; i < sets.length; i++) {
            // Sorted inputs are what makes the union a streaming merge.
            sets[i] = queriers.get(i).select(true, hints, matchers);
        }
        return new MergedSet(sets);
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        TreeSet<String> out = new TreeSet<>();
        for (Querier q : queriers) {
            out.addAll(q.labelNames(matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        TreeSet<String> out = new TreeSet<>();
        for (Querier q : queriers) {
            out.addAll(q.labelValues(name, matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (Querier q : queriers) {
            try {
                q.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** k-way merge of sorted series sets; k is small (blocks in range + head), so a linear scan. */
    private static final class MergedSet implements SeriesSet {
        private final SeriesSet[] sets;
        private final Series[] heads;
        private boolean started;
        private Series cur;

        private final Series[] same;
        private final int[] idx;

        MergedSet(SeriesSet[] sets) {
            this.sets = sets;
            this.heads = new Series[sets.length];
            this.same = new Series[sets.length];
            this.idx = new int[sets.length];
        }

        @Override
        public boolean next() {
            if (!started) {
                for (int i = 0; i < sets.length; i++) {
                    heads[i] = sets[i].next() ? sets[i].at() : null;
                }
                started = true;
            }
            Labels min = null;
            for (Series s : heads) {
                if (s != null && (min == null || s.labels().compareTo(min) < 0)) {
                    min = s.labels();
                }
            }
            if (min == null) {
                cur = null;
                return false;
            }
            int count = 0;
            for (int i = 0; i < heads.length; i++) {
                if (heads[i] != null && heads[i].labels().equals(min)) {
                    same[count] = heads[i];
                    idx[count++] = i;
                    heads[i] = sets[i].next() ? sets[i].at() : null;
                }
            }
            cur = count == 1 ? same[0]
                    : new MergedSeries(min, Arrays.copyOf(same, count), Arrays.copyOf(idx, count), sets.length);
            return true;
        }

        @Override
        public Series at() {
            return cur;
        }
    }

    /** A series found in several sources; {@code sources[i]} is the querier index of {@code parts[i]}. */
    private record MergedSeries(Labels labels, Series[] parts, int[] sources, int width) implements Series {
        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            // Sub-iterators are kept per source: a source's iterator can be recycled by the same
            // source's next series (blocks keep their decode buffers and cursors).
            MergeIterator m = reuse instanceof MergeIterator r && r.pool.length == width ? r : new MergeIterator(width);
            SampleIterator[] its = new SampleIterator[parts.length];
            for (int i = 0; i < parts.length; i++) {
                int src = sources[i];
                its[i] = parts[i].iterator(m.pool[src]);
                m.pool[src] = its[i];
            }
            m.reset(its);
            return m;
        }
    }

    /**
     * Merges iterators by time; on equal timestamps the lowest index wins. While the current
     * source is strictly ahead of every other source's next sample (always, for sources that do
     * not overlap in time, as blocks and the head), only that source is advanced, and bulk reads
     * copy its samples up to the next source's first one.
     */
    static final class MergeIterator implements SampleIterator {
        final SampleIterator[] pool;
        private SampleIterator[] its;
        private boolean[] valid;
        private boolean started;
        private int cur = -1;
        private long t;
        /** Smallest next timestamp among the valid sources other than {@code cur}. */
        private long bound;
        /**
         * After a bulk read that stopped inside a source: every valid source's position is a
         * candidate not yet returned, and the current sample is ({@link #t}, {@link #lastV}).
         */
        private boolean fresh;
        private double lastV;

        MergeIterator(SampleIterator[] its) {
            this(its.length);
            reset(its);
        }

        MergeIterator(int width) {
            this.pool = new SampleIterator[width];
        }

        void reset(SampleIterator[] its) {
            this.its = its;
            if (valid == null || valid.length != its.length) {
                valid = new boolean[its.length];
            }
            started = false;
            fresh = false;
            cur = -1;
        }

        @Override
        public boolean next() {
            if (!started) {
                for (int i = 0; i < its.length; i++) {
                    valid[i] = its[i].next();
                }
                started = true;
                return pick();
            }
            if (fresh) {
                fresh = false;
                return pick();
            }
            if (cur < 0) {
                return false;
            }
            if (t < bound) {
                SampleIterator c = its[cur];
                if (c.next()) {
                    long nt = c.t();
                    if (nt < bound) {
                        t = nt;
                        return true;
                    }
                } else {
                    valid[cur] = false;
                }
                return pick();
            }
            for (int i = 0; i < its.length; i++) {
                if (valid[i] && its[i].t() == t) {
                    valid[i] = its[i].next();
                }
            }
            return pick();
        }

        @Override
        public boolean seek(long ts) {
            if (started && cur < 0 && !fresh) {
                return false;
            }
            if (started && t >= ts) {
                return true;
            }
            fresh = false;
            for (int i = 0; i < its.length; i++) {
                if (!started || valid[i]) {
                    valid[i] = its[i].seek(ts);
                }
            }
            started = true;
            return pick();
        }

        private boolean pick() {
            cur = -1;
            long second = Long.MAX_VALUE;
            for (int i = 0; i < its.length; i++) {
                if (!valid[i]) {
                    continue;
                }
                long ti = its[i].t();
                if (cur < 0 || ti < t) {
                    if (cur >= 0) {
                        second = Math.min(second, t);
                    }
                    cur = i;
                    t = ti;
                } else {
                    second = Math.min(second, ti);
                }
            }
            bound = second;
            return cur >= 0;
        }

        @Override
        public int nextBatch(long[] ts, double[] vs, int off, int max) {
            int got = 0;
            while (got < max) {
                if (started && !fresh && cur >= 0 && bound == Long.MAX_VALUE) {
                    // One source left: its own bulk read.
                    SampleIterator c = its[cur];
                    int want = max - got;
                    int k = c.nextBatch(ts, vs, off + got, want);
                    got += k;
                    if (k < want) {
                        valid[cur] = false;
                        pick();
                        break;
                    }
                    t = ts[off + got - 1];
                    continue;
                }
                if (!next()) {
                    break;
                }
                ts[off + got] = t;
                vs[off + got++] = its[cur].v();
                if (got < max && t < bound && its[cur] instanceof BlockQuerier.BlockIterator b) {
                    got += b.nextBatchBelow(ts, vs, off + got, max - got, bound);
                    t = ts[off + got - 1];
                    if (b.stop() != BlockQuerier.BlockIterator.FULL) {
                        if (b.stop() == BlockQuerier.BlockIterator.EXHAUSTED) {
                            valid[cur] = false;
                        }
                        fresh = true;
                        lastV = vs[off + got - 1];
                    }
                }
            }
            if (got > 0 && got < max) {
                // Exhausted: keep the last sample readable, as a full batch would.
                fresh = true;
                t = ts[off + got - 1];
                lastV = vs[off + got - 1];
            }
            return got;
        }

        @Override
        public long t() {
            return t;
        }

        @Override
        public double v() {
            return fresh ? lastV : its[cur].v();
        }
    }
}
