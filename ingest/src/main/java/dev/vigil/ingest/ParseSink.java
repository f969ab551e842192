package dev.vigil.ingest;

import dev.vigil.tsdb.Labels;

/**
 * Receives what an exposition parser reads, in input order. Parsers call it as they go, so a
 * caller that must apply a push atomically collects first and applies after the parse succeeded.
 */
public interface ParseSink {
    /** A {@code # HELP} line (escapes resolved); ignored unless a sink needs it. */
    default void help(String family, String help) {
    }

    /** A {@code # TYPE} line; type in lower case (counter, gauge, summary, histogram, untyped, ...). */
    default void type(String family, String type) {
    }

    /** A {@code # UNIT} line (OpenMetrics). */
    default void unit(String family, String unit) {
    }

    /**
     * One sample line.
     *
     * @param labels all labels of the line including {@code __name__}; empty values already
     *     dropped (Prometheus's rule)
     * @param timestampMs the sample's timestamp in ms when {@code hasTimestamp}
     * @param line 1-based line number, for error messages of later checks
     */
    void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line);

    /**
     * One sample line with the metric family it belongs to (for a summary {@code x} the lines
     * {@code x}, {@code x_sum} and {@code x_count} all belong to {@code x}). Parsers call this
     * one; a sink that does not care about families keeps the default.
     */
    default void sample(String family, Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
        sample(labels, value, hasTimestamp, timestampMs, line);
    }
}
