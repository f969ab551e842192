package dev.vigil.tsdb.tombstones;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import java.util.List;

/**
 * A querier that hides what tombstones cover. Series no tombstone selects pass through as they
 * are; a series left with no sample in range is dropped, as Prometheus drops a series whose
 * chunks are all deleted. Label names and values come from the index unfiltered, as in
 * Prometheus until the data is compacted away.
 */
final class TombstoneQuerier implements Querier {
    private final Querier in;
    private final Tombstones stones;

    TombstoneQuerier(Querier in, Tombstones stones) {
        this.in = in;
        this.stones = stones;
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        SeriesSet s = in.select(sorted, hints, matchers);
        return new SeriesSet() {
            private Series cur;

            @Override
            public boolean next() {
                while (s.next()) {
                    Series x = s.at();
                    long[] iv = stones.intervalsFor(x.labels());
                    if (iv == null) {
                        cur = x;
                        return true;
                    }
                    Series f = new Filtered(x, iv);
                    if (f.iterator(null).next()) {
                        cur = f;
                        return true;
                    }
                }
                cur = null;
                return false;
            }

            @Override
            public Series at() {
                return cur;
            }
        };
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        return in.labelNames(matchers);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        return in.labelValues(name, matchers);
    }

    @Override
    public void close() {
        in.close();
    }

    private record Filtered(Series in, long[] intervals) implements Series {
        @Override
        public Labels labels() {
            return in.labels();
        }

        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            SampleIterator inner = reuse instanceof Skipping sk ? sk.in : reuse;
            return new Skipping(in.iterator(inner), intervals);
        }
    }

    /** Skips samples inside the deleted intervals. */
    private static final class Skipping implements SampleIterator {
        final SampleIterator in;
        final long[] intervals;

        Skipping(SampleIterator in, long[] intervals) {
            this.in = in;
            this.intervals = intervals;
        }

        /** The end of the deleted interval holding t, or Long.MIN_VALUE if t is kept. */
        private long deletedUntil(long t) {
            for (int i = 0; i < intervals.length; i += 2) {
                if (t < intervals[i]) {
                    return Long.MIN_VALUE;
                }
                if (t <= intervals[i + 1]) {
                    return intervals[i + 1];
                }
            }
            return Long.MIN_VALUE;
        }

        private boolean skipDeleted() {
            while (true) {
                long end = deletedUntil(in.t());
                if (end == Long.MIN_VALUE) {
                    return true;
                }
                if (end == Long.MAX_VALUE || !in.seek(end + 1)) {
                    return false;
                }
            }
        }

        @Override
        public boolean next() {
            return in.next() && skipDeleted();
        }

        @Override
        public boolean seek(long t) {
            return in.seek(t) && skipDeleted();
        }

        @Override
        public long t() {
            return in.t();
        }

        @Override
        public double v() {
            return in.v();
        }
    }
}
