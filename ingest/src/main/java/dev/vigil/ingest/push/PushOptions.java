package dev.vigil.ingest.push;

import java.nio.file.Path;

/**
 * Limits and behaviour of the push API; the server maps its flags onto this record.
 *
 * @param maxBodyBytes largest accepted (decompressed) push body; 0 = no limit ({@code --push.max-body-size})
 * @param maxSeriesPerPush largest number of samples in one push; 0 = no limit ({@code --push.max-series-per-push})
 * @param maxLabelNameLength longest label name; 0 = no limit ({@code --push.max-label-name-length})
 * @param maxLabelValueLength longest label value; 0 = no limit ({@code --push.max-label-value-length})
 * @param maxLabelsPerSeries most labels on one pushed series, the name included; 0 = no limit
 *     ({@code --push.max-labels-per-series})
 * @param groupTtlMs groups nobody pushed to for this long are removed; 0 = never ({@code --push.group-ttl})
 * @param stateFile where group state survives restarts; null = memory only
 * @param enableAdminApi whether {@code PUT /api/v1/admin/wipe} is served ({@code --web.enable-admin-api})
 * @param consistencyCheck whether pushes are checked against each other and the other groups; off answers
 *     202 and accepts what the check would refuse ({@code --push.disable-consistency-check})
 */
public record PushOptions(long maxBodyBytes, int maxSeriesPerPush, int maxLabelNameLength, int maxLabelValueLength,
        int maxLabelsPerSeries, long groupTtlMs, Path stateFile, boolean enableAdminApi, boolean consistencyCheck) {

    /** The record before {@link #consistencyCheck()} existed: the check on. */
    public PushOptions(long maxBodyBytes, int maxSeriesPerPush, int maxLabelNameLength, int maxLabelValueLength,
            int maxLabelsPerSeries, long groupTtlMs, Path stateFile, boolean enableAdminApi) {
        this(maxBodyBytes, maxSeriesPerPush, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries, groupTtlMs, stateFile,
                enableAdminApi, true);
    }

    /** Default of {@link #maxBodyBytes()}: 64 MiB, ~300 times a large Flink push. */
    public static final long DEFAULT_MAX_BODY_BYTES = 64L << 20;
    public static final int DEFAULT_MAX_SERIES_PER_PUSH = 1_000_000;
    public static final int DEFAULT_MAX_LABEL_NAME_LENGTH = 1024;
    public static final int DEFAULT_MAX_LABEL_VALUE_LENGTH = 16 * 1024;
    public static final int DEFAULT_MAX_LABELS_PER_SERIES = 64;

    /** 64 MiB bodies, 1 M series per push, 1 KiB names, 16 KiB values, 64 labels, no TTL, no state file, check on. */
    public static PushOptions defaults() {
        return new PushOptions(DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SERIES_PER_PUSH, DEFAULT_MAX_LABEL_NAME_LENGTH,
                DEFAULT_MAX_LABEL_VALUE_LENGTH, DEFAULT_MAX_LABELS_PER_SERIES, 0, null, false, true);
    }

    public PushOptions withStateFile(Path p) {
        return new PushOptions(maxBodyBytes, maxSeriesPerPush, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries, groupTtlMs, p,
                enableAdminApi, consistencyCheck);
    }

    public PushOptions withGroupTtlMs(long ttl) {
        return new PushOptions(maxBodyBytes, maxSeriesPerPush, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries, ttl, stateFile,
                enableAdminApi, consistencyCheck);
    }

    public PushOptions withAdminApi(boolean on) {
        return new PushOptions(maxBodyBytes, maxSeriesPerPush, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries, groupTtlMs,
                stateFile, on, consistencyCheck);
    }

    public PushOptions withConsistencyCheck(boolean on) {
        return new PushOptions(maxBodyBytes, maxSeriesPerPush, maxLabelNameLength, maxLabelValueLength, maxLabelsPerSeries, groupTtlMs,
                stateFile, enableAdminApi, on);
    }

    public PushOptions withLimits(long bodyBytes, int seriesPerPush, int nameLen, int valueLen, int labelsPerSeries) {
        return new PushOptions(bodyBytes, seriesPerPush, nameLen, valueLen, labelsPerSeries, groupTtlMs, stateFile, enableAdminApi,
                consistencyCheck);
    }
}
