package dev.vigil.tsdb.downsample;

/** The per-window values a rollup keeps (docs/format/downsample.md). */
public enum Aggregate {
    COUNT,
    SUM,
    MIN,
    MAX,
    /** The counter value at the window's last sample, earlier resets added back. */
    COUNTER;

    double[] column(AggregateChunk.Decoded d) {
        return switch (this) {
            case COUNT -> d.count;
            case SUM -> d.sum;
            case MIN -> d.min;
            case MAX -> d.max;
            case COUNTER -> d.counter;
        };
    }
}
