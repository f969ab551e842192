package dev.vigil.tsdb.head;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * Reads the head over [mint, maxt]. Selection runs on the postings; samples are read lazily per
 * series from a snapshot taken when its iterator is created. A series is returned only if it
 * has a sample in range.
 */
final class HeadQuerier implements Querier {
    private final Head head;
    private final long mint;
    private final long maxt;

    HeadQuerier(Head head, long mint, long maxt) {
        this.head = head;
        this.mint = mint;
        this.maxt = maxt;
    }

    private boolean overlaps(MemSeries s) {
        synchronized (s) {
            return s.maxT >= mint && s.minT <= maxt;
        }
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        RoaringBitmap ids = head.select(matchers);
        if (sorted) {
            List<MemSeries> list = new ArrayList<>(ids.getCardinality());
            IntIterator it = ids.getIntIterator();
            while (it.hasNext()) {
                MemSeries s = head.seriesById(it.next());
                if (s != null && overlaps(s)) {
                    list.add(s);
                }
            }
            list.sort((a, b) -> a.labels.compareTo(b.labels));
            return new Set(list.iterator());
        }
        IntIterator it = ids.getIntIterator();
        return new Set(new java.util.Iterator<>() {
            private MemSeries nxt;

            @Override
            public boolean hasNext() {
                while (nxt == null && it.hasNext()) {
                    MemSeries s = head.seriesById(it.next());
                    if (s != null && overlaps(s)) {
                        nxt = s;
                    }
                }
                return nxt != null;
            }

            @Override
            public MemSeries next() {
                hasNext();
                MemSeries s = nxt;
                nxt = null;
                return s;
            }
        });
    }

    /** Whether the series has at least one sample in range (exactly, not by chunk bounds). */
    private boolean hasSample(MemSeries s, HeadIterator probe) {
        HeadSnapshot snap = probe.ownSnapshot();
        synchronized (s) {
            // The series' first or last sample inside the range settles it without decoding:
            // the usual case for a range that ends now or starts within the head.
            if ((s.minT >= mint && s.minT <= maxt) || (s.maxT >= mint && s.maxT <= maxt)) {
                return true;
            }
            s.snapshot(mint, maxt, head.files(), snap);
        }
        if (snap.isEmpty()) {
            return false;
        }
        if (snap.surelyHasSampleIn(mint, maxt)) {
            return true;
        }
        return probe.reset(snap, head.files(), mint, maxt).next();
    }

    private final class Set implements SeriesSet {
        private final java.util.Iterator<MemSeries> it;
        private final HeadIterator probe = new HeadIterator();
        private HeadSeries cur;

        Set(java.util.Iterator<MemSeries> it) {
            this.it = it;
        }

        @Override
        public boolean next() {
            while (it.hasNext()) {
                MemSeries s = it.next();
                if (hasSample(s, probe)) {
                    cur = new HeadSeries(s);
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
    }

    private final class HeadSeries implements Series {
        private final MemSeries s;

        HeadSeries(MemSeries s) {
            this.s = s;
        }

        @Override
        public Labels labels() {
            return s.labels;
        }

        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            HeadIterator it = reuse instanceof HeadIterator h ? h : new HeadIterator();
            HeadSnapshot snap = it.ownSnapshot();
            synchronized (s) {
                s.snapshot(mint, maxt, head.files(), snap);
            }
            return it.reset(snap, head.files(), mint, maxt);
        }
    }

    /** True when every sample of the head lies in range, so the postings alone answer. */
    private boolean coversHead() {
        return mint <= head.minTBound() && maxt >= head.maxT();
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        if (matchers.length == 0 && coversHead()) {
            return new ArrayList<>(head.postings().names());
        }
        TreeSet<String> out = new TreeSet<>();
        SeriesSet set = select(false, null, matchers);
        while (set.next()) {
            out.addAll(set.at().labels().names());
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        if (matchers.length == 0 && coversHead()) {
            return new ArrayList<>(head.postings().values(name));
        }
        TreeSet<String> out = new TreeSet<>();
        SeriesSet set = select(false, null, matchers);
        while (set.next()) {
            Labels l = set.at().labels();
            if (l.has(name)) {
                out.add(l.get(name));
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
    }
}
