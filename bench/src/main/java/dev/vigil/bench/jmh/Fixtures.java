package dev.vigil.bench.jmh;

import dev.vigil.bench.flink.ByteSink;
import dev.vigil.bench.flink.Cluster;
import dev.vigil.bench.flink.ClusterSpec;
import dev.vigil.bench.flink.Reporter;
import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.ParseSink;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Flink-shaped data for the suites: the simulated cluster's pushes, parsed by the push parser
 * into label sets with the group's {@code job} label, as the store receives them.
 */
public final class Fixtures {
    private Fixtures() {
    }

    /** One series' samples over a time range, for codec suites. */
    public record SeriesSamples(Labels labels, long[] t, double[] v) {
    }

    /**
     * Appends {@code hours} of history at {@code stepMs} into {@code storage}, one commit per
     * push, and returns the number of samples appended.
     */
    public static long load(Storage storage, ClusterSpec spec, long startMs, double hours, long stepMs) {
        Cluster c = new Cluster(spec, startMs - stepMs);
        TextParser parser = new TextParser();
        ByteSink sink = new ByteSink(1 << 20);
        long steps = (long) (hours * 3_600_000 / stepMs);
        long n = 0;
        for (long i = 0; i < steps; i++) {
            long t = startMs + i * stepMs;
            c.advanceAll(t);
            for (Reporter r : c.reporters()) {
                r.render(sink);
                Appender app = storage.appender();
                String job = r.groupJob();
                long[] count = {0};
                parse(parser, sink, (labels, v) -> {
                    app.append(0, labels.toBuilder().set("job", job).build(), t, v);
                    count[0]++;
                });
                try {
                    app.commit();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                n += count[0];
            }
        }
        return n;
    }

    /** Every series' samples over {@code points} pushes at {@code stepMs}, keyed by label set. */
    public static List<SeriesSamples> series(ClusterSpec spec, long startMs, int points, long stepMs, int maxSeries) {
        Cluster c = new Cluster(spec, startMs - stepMs);
        TextParser parser = new TextParser();
        ByteSink sink = new ByteSink(1 << 20);
        java.util.LinkedHashMap<Labels, double[]> values = new java.util.LinkedHashMap<>();
        for (int i = 0; i < points; i++) {
            long t = startMs + i * stepMs;
            c.advanceAll(t);
            int step = i;
            for (Reporter r : c.reporters()) {
                r.render(sink);
                String job = r.groupJob();
                parse(parser, sink, (labels, v) -> {
                    Labels l = labels.toBuilder().set("job", job).build();
                    double[] arr = values.get(l);
                    if (arr == null) {
                        if (values.size() >= maxSeries) {
                            return;
                        }
                        arr = new double[points];
                        java.util.Arrays.fill(arr, Double.NaN);
                        values.put(l, arr);
                    }
                    arr[step] = v;
                });
            }
        }
        List<SeriesSamples> out = new ArrayList<>();
        values.forEach((l, arr) -> {
            // Keep the contiguous run of samples a series has (churned series are shorter).
            int first = 0;
            while (first < arr.length && Double.isNaN(arr[first])) {
                first++;
            }
            int last = first;
            while (last < arr.length && !Double.isNaN(arr[last])) {
                last++;
            }
            long[] t = new long[last - first];
            double[] v = new double[last - first];
            for (int i = first; i < last; i++) {
                t[i - first] = startMs + i * stepMs + jitterMs(i);
                v[i - first] = arr[i];
            }
            if (t.length > 1) {
                out.add(new SeriesSamples(l, t, v));
            }
        });
        return out;
    }

    /** Push receive times drift by tens of ms (the reporter's fixed delay), as measured. */
    static long jitterMs(int i) {
        return (i * 23L) % 40;
    }

    interface SampleConsumer {
        void accept(Labels labels, double v);
    }

    private static void parse(TextParser parser, ByteSink body, SampleConsumer c) {
        try {
            parser.parse(body.array(), 0, body.length(), new ParseSink() {
                @Override
                public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
                    c.accept(labels, value);
                }
            });
        } catch (ExpositionException e) {
            throw new IllegalStateException("generated push does not parse: " + e.getMessage(), e);
        }
    }
}
