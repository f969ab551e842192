package dev.vigil.ingest.push;

import dev.vigil.tsdb.Labels;
import java.util.List;

/**
 * A consistent read-only copy of one push group, for the JSON API, the exposition page and the
 * state file.
 *
 * @param key job and grouping labels
 * @param pushTimeSeconds last successful push (0 = never)
 * @param failureTimeSeconds last rejected push (0 = never)
 * @param pushStampMs when push_time_seconds last changed
 * @param failureStampMs when push_failure_time_seconds last changed (the group's creation at first)
 * @param lastPushMs last push attempt, successful or not (what the TTL is measured from)
 */
public record GroupView(Labels key, List<FamilyView> families, double pushTimeSeconds, double failureTimeSeconds,
        long pushStampMs, long failureStampMs, long lastPushMs) {
    /** The group's own gauges, written with every push (the failure time also with a refused one). */
    public static final String PUSH_TIME = "push_time_seconds";
    public static final String PUSH_FAILURE_TIME = "push_failure_time_seconds";
    public static final String PUSH_TIME_HELP = "Last Unix time when changing this group in the Pushgateway succeeded.";
    public static final String PUSH_FAILURE_TIME_HELP = "Last Unix time when changing this group in the Pushgateway failed.";

    /** One metric family of a group as last pushed. {@code series[i]} holds the stored labels (grouping labels applied). */
    public record FamilyView(String name, String type, String help, long timestampMs, Labels[] bodyLabels, Labels[] series, double[] values) {
    }

    /** Whether the last push succeeded (failure time not after success time). */
    public boolean lastPushSuccessful() {
        return failureTimeSeconds <= pushTimeSeconds;
    }
}
