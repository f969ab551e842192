package dev.vigil.tsdb.downsample;

import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.block.Block;
import java.util.ArrayList;
import java.util.List;

/**
 * The store's querier when the engine may read rollups: a select whose hints ask for an
 * aggregate gets, per time range, the rollup windows at that resolution where rollup blocks
 * cover it and the raw samples as one-sample windows elsewhere, joined per series in time order
 * (the counter continued across every boundary as {@link RollupSetQuerier} does). Other selects
 * read raw data. The store filters the whole of it (tombstones), so the counter's joins see
 * every part's own iterator.
 */
public final class ResolutionQuerier implements Querier {
    /** Opens a raw querier over a closed range. */
    public interface RawSource {
        Querier open(long mint, long maxt);
    }

    private final Querier raw;
    private final RawSource rawSource;
    private final Rollups rollups;
    private final long mint;
    private final long maxt;
    private final List<Querier> opened = new ArrayList<>();

    /**
     * @param raw the raw querier over [mint, maxt], for selects without an aggregate
     * @param rawSource raw queriers over the parts rollups do not cover
     */
    public ResolutionQuerier(Querier raw, RawSource rawSource, Rollups rollups, long mint, long maxt) {
        this.raw = raw;
        this.rawSource = rawSource;
        this.rollups = rollups;
        this.mint = mint;
        this.maxt = maxt;
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        if (hints == null || hints.aggregate() == null) {
            return raw.select(sorted, hints, matchers);
        }
        Aggregate agg = hints.aggregate();
        List<Block> blocks = hints.resolution() > 0 && rollups != null ? rollups.set(hints.resolution()).blocks()
                : List.of();
        List<SeriesSet> parts = new ArrayList<>();
        List<Boolean> isRaw = new ArrayList<>();
        long from = mint;
        for (Block b : blocks) { // sorted by minTime, never overlapping
            long bmin = b.meta().minTime();
            long bmax = b.meta().maxTime() - 1;
            if (bmax < from || bmin > maxt) {
                continue;
            }
            if (bmin > from) {
                parts.add(rawPart(from, bmin - 1, hints, matchers));
                isRaw.add(true);
            }
            Querier q = new RollupQuerier(b, agg, Math.max(from, bmin), Math.min(maxt, bmax), rollups.columns());
            opened.add(q);
            parts.add(q.select(true, hints, matchers));
            isRaw.add(false);
            from = bmax + 1;
        }
        if (from <= maxt) {
            parts.add(rawPart(from, maxt, hints, matchers));
            isRaw.add(true);
        }
        return new PartsByLabels(parts, (series, partOf) -> new Chain(series, partOf.stream().map(isRaw::get).toList(), agg));
    }

    private SeriesSet rawPart(long from, long to, SelectHints hints, Matcher[] matchers) {
        Querier q = rawSource.open(from, to);
        opened.add(q);
        return q.select(true, new SelectHints(from, to, hints.step(), hints.range(), hints.func()), matchers);
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        return raw.labelNames(matchers);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        return raw.labelValues(name, matchers);
    }

    @Override
    public void close() {
        for (Querier q : opened) {
            q.close();
        }
        opened.clear();
        raw.close();
    }

    /**
     * The parts' samples one after another. Raw samples become one-sample windows (count 1, the
     * value itself otherwise; staleness markers are not samples, as in rollups). The counter comes
     * out reset-free, so a rate over it never adds a value back twice: each part's values sit on
     * top of the last output (from the raw value the part before ended at, or from zero after a
     * reset at the boundary), and a drop inside a part that the rollup did not correct (a chunk
     * without counter column, raw samples) adds the value before it, Prometheus's rule.
     */
    private static final class Chain implements SampleIterator {
        private final List<Series> parts;
        private final List<Boolean> raw;
        private final Aggregate agg;
        private int part = -1;
        private SampleIterator it;
        private boolean itRaw;
        private boolean fresh;
        private double v;
        private long t;
        /** Added to the current part's values. */
        private double carry;
        /** The current part's previous value, as the part gives it. */
        private double prev = Double.NaN;
        private double lastOut = Double.NaN;
        /** The raw value the previous part ended at, NaN when none. */
        private double endRaw = Double.NaN;

        Chain(List<Series> parts, List<Boolean> raw, Aggregate agg) {
            this.parts = parts;
            this.raw = raw;
            this.agg = agg;
        }

        @Override
        public boolean next() {
            while (true) {
                if (it != null && it.next()) {
                    double x = it.v();
                    if (dropped(x)) {
                        continue;
                    }
                    v = value(x); // before fresh is cleared: the counter reads it
                    fresh = false;
                    t = it.t();
                    return true;
                }
                if (!nextPart()) {
                    return false;
                }
            }
        }

        /** A raw part's staleness markers are not samples of any aggregate. */
        private boolean dropped(double x) {
            return itRaw && Values.isStaleNaN(x);
        }

        /** What a sample of the current part stands for: a raw sample counts one, a counter is carried across resets. */
        private double value(double x) {
            if (itRaw && agg == Aggregate.COUNT) {
                x = 1;
            }
            return agg == Aggregate.COUNTER && !Double.isNaN(x) ? counter(x) : x;
        }

        /** Ends the current part (noting where its counter ended) and opens the next; false at the end. */
        private boolean nextPart() {
            if (it != null && agg == Aggregate.COUNTER && !Double.isNaN(prev)) {
                double r = itRaw ? prev : RollupQuerier.lastRaw(it);
                endRaw = Double.isNaN(r) ? prev : r;
            }
            if (++part >= parts.size()) {
                part = parts.size();
                it = null;
                return false;
            }
            it = parts.get(part).iterator(null);
            itRaw = raw.get(part);
            fresh = true;
            prev = Double.NaN;
            return true;
        }

        /** Every part in bulk: its samples are copied, then filtered and carried in place. */
        @Override
        public int nextBatch(long[] ts, double[] out, int off, int max) {
            int got = 0;
            while (got < max) {
                if (it != null) {
                    int want = max - got;
                    int k = it.nextBatch(ts, out, off + got, want);
                    int w = off + got;
                    for (int j = off + got; j < off + got + k; j++) {
                        double x = out[j];
                        if (dropped(x)) {
                            continue;
                        }
                        ts[w] = ts[j];
                        out[w++] = value(x);
                        fresh = false;
                    }
                    if (w > off + got) {
                        t = ts[w - 1];
                        v = out[w - 1];
                    }
                    got = w - off;
                    if (k == want) {
                        continue;
                    }
                }
                if (!nextPart()) {
                    return got;
                }
            }
            return got;
        }

        private double counter(double x) {
            if (fresh && !Double.isNaN(lastOut)) {
                // Continue from the raw value the last part ended at; below it is a reset.
                carry = x >= endRaw ? lastOut - endRaw : lastOut;
            } else if (!Double.isNaN(prev) && x < prev) {
                carry += prev;
            }
            prev = x;
            lastOut = x + carry;
            return lastOut;
        }

        @Override
        public boolean seek(long to) {
            if (it != null && !fresh && t >= to) {
                return true;
            }
            while (next()) {
                if (t >= to) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long t() {
            return t;
        }

        @Override
        public double v() {
            return v;
        }
    }
}
