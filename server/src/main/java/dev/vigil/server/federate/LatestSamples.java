package dev.vigil.server.federate;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;

/**
 * The newest sample of each series selected by any of several matcher sets, inside a querier's
 * range (the lookback window), as Prometheus's federation picks them: a series whose newest
 * sample is a staleness marker is left out, and so is a series without a metric name.
 */
public final class LatestSamples {
    /** One series' newest sample. */
    public record Sample(Labels labels, long t, double v) {
    }

    private LatestSamples() {
    }

    /**
     * Series selected by more than one set appear once. The result is grouped by metric name
     * (names in byte order), series in label order inside a name.
     */
    public static List<Sample> collect(Querier q, SelectHints hints, List<Matcher[]> sets) {
        TreeMap<Labels, Sample> bySeries = new TreeMap<>();
        SampleIterator it = null;
        for (Matcher[] set : sets) {
            SeriesSet ss = q.select(false, hints, set);
            while (ss.next()) {
                Series s = ss.at();
                Labels l = s.labels();
                if (l.metricName() == null || l.metricName().isEmpty() || bySeries.containsKey(l)) {
                    continue;
                }
                it = s.iterator(it);
                boolean any = false;
                long t = 0;
                double v = 0;
                while (it.next()) {
                    any = true;
                    t = it.t();
                    v = it.v();
                }
                if (any && !Values.isStaleNaN(v)) {
                    bySeries.put(l, new Sample(l, t, v));
                }
            }
        }
        List<Sample> out = new ArrayList<>(bySeries.values());
        // Stable: inside one name the label order of the TreeMap stays.
        out.sort(Comparator.comparing(s -> s.labels().metricName()));
        return out;
    }
}
