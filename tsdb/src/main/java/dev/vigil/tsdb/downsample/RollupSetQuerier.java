package dev.vigil.tsdb.downsample;

import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One aggregate over every rollup block of one resolution, in time order (rollup blocks never
 * overlap). The counter aggregate continues across blocks: each block counts its resets from its
 * own start, so the blocks before it add what they had added back, and a block that starts below
 * where the one before ended raw is a reset at the boundary.
 */
public final class RollupSetQuerier implements Querier {
    private final List<RollupQuerier> parts = new ArrayList<>();
    private final Aggregate agg;

    /** @param blocks the rollup blocks of one resolution, sorted by minTime */
    public RollupSetQuerier(List<Block> blocks, Aggregate agg, long mint, long maxt) {
        this(blocks, agg, mint, maxt, null);
    }

    /** As above, reading columns through {@code cache} (null: none). */
    public RollupSetQuerier(List<Block> blocks, Aggregate agg, long mint, long maxt, DecodedColumns cache) {
        this.agg = agg;
        for (Block b : blocks) {
            if (b.meta().overlaps(mint, maxt)) {
                parts.add(new RollupQuerier(b, agg, mint, maxt, cache));
            }
        }
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        List<SeriesSet> sets = new ArrayList<>(parts.size());
        for (RollupQuerier q : parts) {
            sets.add(q.select(true, hints, matchers));
        }
        boolean counter = agg == Aggregate.COUNTER;
        return new PartsByLabels(sets, (series, from) -> new Chain(series, counter));
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        TreeSet<String> out = new TreeSet<>();
        for (RollupQuerier q : parts) {
            out.addAll(q.labelNames(matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        TreeSet<String> out = new TreeSet<>();
        for (RollupQuerier q : parts) {
            out.addAll(q.labelValues(name, matchers));
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
    }

    /** The blocks' iterators one after another; for the counter, with the carry between them. */
    private static final class Chain implements SampleIterator {
        private final List<Series> parts;
        private final boolean counter;
        private int part = -1;
        private SampleIterator it;
        private double carry;
        private double lastOut = Double.NaN;
        private boolean fresh;

        Chain(List<Series> parts, boolean counter) {
            this.parts = parts;
            this.counter = counter;
        }

        @Override
        public boolean next() {
            while (true) {
                if (it != null && it.next()) {
                    if (fresh && counter && !Double.isNaN(lastOut)) {
                        fresh = false;
                        // A block that starts below where the last one ended (raw) begins after a reset.
                        if (it.v() + carry < lastOut) {
                            carry += lastRawEnd;
                        }
                    }
                    fresh = false;
                    lastOut = v();
                    return true;
                }
                if (it != null && counter) {
                    double raw = RollupQuerier.lastRaw(it);
                    if (!Double.isNaN(raw) && !Double.isNaN(lastOut)) {
                        // Continue from the corrected value: the next block's values sit on top of it.
                        lastRawEnd = raw;
                        carry = lastOut - raw;
                    }
                }
                if (++part >= parts.size()) {
                    return false;
                }
                it = parts.get(part).iterator(null);
                fresh = true;
            }
        }

        private double lastRawEnd;

        @Override
        public boolean seek(long t) {
            if (it != null && part < parts.size() && !fresh && it.t() >= t) {
                return true;
            }
            while (next()) {
                if (t() >= t) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long t() {
            return it.t();
        }

        @Override
        public double v() {
            return counter ? it.v() + carry : it.v();
        }
    }
}
