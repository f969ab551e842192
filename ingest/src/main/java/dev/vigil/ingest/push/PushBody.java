package dev.vigil.ingest.push;

import dev.vigil.ingest.ParseSink;
import dev.vigil.tsdb.Labels;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One push as parsed, collected before anything is applied (a push is all or nothing). Checks the
 * per-series limits as samples arrive, so an oversized push fails early with a message naming
 * the line and label. Not thread-safe; one per request.
 */
public final class PushBody implements ParseSink {
    /** The samples of one metric family in input order. */
    public static final class Family {
        final String name;
        String type;
        String help;
        Labels[] labels = new Labels[8];
        double[] values = new double[8];
        int[] lines = new int[8];
        int size;

        Family(String name) {
            this.name = name;
        }

        public String name() {
            return name;
        }

        public int size() {
            return size;
        }

        /** The i-th series' labels, {@code i < size()}. */
        Labels labels(int i) {
            return labels[i];
        }

        void add(Labels l, double v, int line) {
            int n = size;
            if (n == values.length) {
                labels = java.util.Arrays.copyOf(labels, n * 2);
                values = java.util.Arrays.copyOf(values, n * 2);
                lines = java.util.Arrays.copyOf(lines, n * 2);
            }
            labels[n] = l;
            values[n] = v;
            lines[n] = line;
            size = n + 1;
        }
    }

    private final PushOptions options;
    private final Map<String, Family> families = new LinkedHashMap<>();
    private int samples;
    private int firstTimestampLine;
    private Family last;

    public PushBody(PushOptions options) {
        this.options = options;
    }

    Map<String, Family> families() {
        return families;
    }

    public int samples() {
        return samples;
    }

    /** Line of the first sample that carried a timestamp, or 0. */
    int firstTimestampLine() {
        return firstTimestampLine;
    }

    private Family family(String name) {
        Family f = last;
        if (f != null && f.name.equals(name)) {
            return f;
        }
        f = families.get(name);
        if (f == null) {
            f = spare.remove(name);
            if (f == null) {
                f = new Family(name);
            }
            families.put(name, f);
        }
        last = f;
        return f;
    }

    /**
     * Empties this body for the next push, keeping its families' arrays for families of the same
     * name: a worker thread parses one reporter's shape after another, and a Flink push has over a
     * hundred families whose arrays otherwise grow from scratch every time. Nothing handed out
     * before may be used after this.
     */
    public void reset() {
        if (spare.size() > MAX_SPARE) {
            spare.clear();
        }
        for (Family f : families.values()) {
            if (f.values.length <= MAX_SPARE_SERIES) {
                f.type = null;
                f.help = null;
                java.util.Arrays.fill(f.labels, 0, f.size, null);
                f.size = 0;
                spare.put(f.name, f);
            }
        }
        families.clear();
        last = null;
        samples = 0;
        firstTimestampLine = 0;
    }

    /** Families kept by {@link #reset} for reuse, by name; bounded by {@link #MAX_SPARE}. */
    private final java.util.HashMap<String, Family> spare = new java.util.HashMap<>();
    private static final int MAX_SPARE = 4096;
    private static final int MAX_SPARE_SERIES = 4096;

    @Override
    public void help(String family, String help) {
        family(family).help = help;
    }

    @Override
    public void type(String family, String type) {
        family(family).type = type;
    }

    @Override
    public void unit(String family, String unit) {
        // Not part of the push API's model; kept out of group state.
    }

    @Override
    public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
        sample(labels.metricName(), labels, value, hasTimestamp, timestampMs, line);
    }

    @Override
    public void sample(String family, Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
        if (hasTimestamp && firstTimestampLine == 0) {
            firstTimestampLine = Math.max(line, 1);
        }
        samples++;
        if (options.maxSeriesPerPush() > 0 && samples > options.maxSeriesPerPush()) {
            throw new LimitException("push has more than " + options.maxSeriesPerPush() + " series (limit reached at line " + line
                    + ", --push.max-series-per-push)");
        }
        checkLabels(labels, line);
        family(family).add(labels, value, line);
    }

    private void checkLabels(Labels labels, int line) {
        int maxN = options.maxLabelNameLength();
        int maxV = options.maxLabelValueLength();
        if (options.maxLabelsPerSeries() > 0 && labels.size() > options.maxLabelsPerSeries()) {
            throw new LimitException("line " + line + ": series " + labels.metricName() + " has " + labels.size()
                    + " labels, more than the limit of " + options.maxLabelsPerSeries() + " (--push.max-labels-per-series)");
        }
        // The cached longest lengths settle the common case without touching every string.
        if ((maxN <= 0 || labels.longestName() <= maxN) && (maxV <= 0 || labels.longestValue() <= maxV)) {
            return;
        }
        for (int i = 0; i < labels.size(); i++) {
            if (maxN > 0 && labels.name(i).length() > maxN) {
                throw new LimitException("line " + line + ": label name \"" + shortened(labels.name(i)) + "\" is longer than "
                        + maxN + " characters (--push.max-label-name-length)");
            }
            if (maxV > 0 && labels.value(i).length() > maxV) {
                throw new LimitException("line " + line + ": value of label \"" + labels.name(i) + "\" is longer than " + maxV
                        + " characters (--push.max-label-value-length)");
            }
        }
    }

    /** The start of an overlong name, enough to find it in the body. */
    private static String shortened(String name) {
        return name.length() <= 32 ? name : name.substring(0, 32) + "...";
    }

    /** A limit of {@link PushOptions} exceeded while parsing; the push is refused untouched. */
    public static final class LimitException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        LimitException(String message) {
            super(message);
        }
    }
}
