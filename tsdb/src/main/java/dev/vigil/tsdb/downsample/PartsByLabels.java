package dev.vigil.tsdb.downsample;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The series of several sorted parts (consecutive time ranges) merged by labels: each label set
 * comes out once, and its iterator chains that label set's series from the parts that hold it,
 * in part order, as {@link Chainer} joins them.
 */
final class PartsByLabels implements SeriesSet {
    /** Joins one label set's series; {@code parts} names the part each came from. */
    interface Chainer {
        SampleIterator chain(List<Series> series, List<Integer> parts);
    }

    private final SeriesSet[] sets;
    private final Series[] heads;
    private final Chainer chainer;
    private Series cur;

    PartsByLabels(List<SeriesSet> parts, Chainer chainer) {
        this.sets = parts.toArray(new SeriesSet[0]);
        this.heads = new Series[sets.length];
        this.chainer = chainer;
        for (int i = 0; i < sets.length; i++) {
            heads[i] = sets[i].next() ? sets[i].at() : null;
        }
    }

    @Override
    public boolean next() {
        Labels min = null;
        for (Series h : heads) {
            if (h != null && (min == null || h.labels().compareTo(min) < 0)) {
                min = h.labels();
            }
        }
        if (min == null) {
            return false;
        }
        List<Series> series = new ArrayList<>();
        List<Integer> from = new ArrayList<>();
        for (int i = 0; i < heads.length; i++) {
            if (heads[i] != null && heads[i].labels().equals(min)) {
                series.add(heads[i]);
                from.add(i);
                heads[i] = sets[i].next() ? sets[i].at() : null;
            }
        }
        Labels labels = min;
        cur = new Series() {
            @Override
            public Labels labels() {
                return labels;
            }

            @Override
            public SampleIterator iterator(SampleIterator reuse) {
                return chainer.chain(series, from);
            }
        };
        return true;
    }

    @Override
    public Series at() {
        return cur;
    }
}
