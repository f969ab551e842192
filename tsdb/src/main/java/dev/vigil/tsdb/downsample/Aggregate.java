package dev.vigil.tsdb.downsample;

/** The per-window values a rollup keeps (docs/format/downsample.md). */
public enum Aggregate {
    COUNT,
    SUM,
    MIN,
    MAX,
    /** The counter value at the window's last sample, earlier resets added back. */
    COUNTER,
    /**
     * Not stored: sum over count, the window's mean (an instant selector's value from rollups),
     * so one pass gives what a sum and a count pass would. A raw sample is its own mean.
     */
    MEAN;

    double[] column(AggregateChunk.Decoded d) {
        return switch (this) {
            case COUNT -> d.count;
            case SUM -> d.sum;
            case MIN -> d.min;
            case MAX -> d.max;
            case COUNTER -> d.counter;
            case MEAN -> d.mean();
        };
    }
}
