package dev.vigil.server.cli;

/**
 * The push API's {@code --push.*} limits and the import's {@code --import.max-body-size}, validated; 0 = no limit.
 *
 * @param maxBodyBytes {@code --push.max-body-size}
 * @param maxSeriesPerPush {@code --push.max-series-per-push}
 * @param maxLabelNameLength {@code --push.max-label-name-length}
 * @param maxLabelValueLength {@code --push.max-label-value-length}
 * @param maxLabelsPerSeries {@code --push.max-labels-per-series}
 * @param consistencyCheck false with {@code --push.disable-consistency-check}
 * @param importMaxBodyBytes {@code --import.max-body-size}
 */
public record PushFlags(long maxBodyBytes, int maxSeriesPerPush, int maxLabelNameLength, int maxLabelValueLength,
        int maxLabelsPerSeries, boolean consistencyCheck, long importMaxBodyBytes) {
}
