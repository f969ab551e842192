package dev.vigil.query.rules;

import java.util.Map;

/**
 * Settings of the rule manager, from the flags and the configuration's {@code global} section.
 *
 * @param externalLabels {@code global.external_labels}
 * @param externalURL {@code --web.external-url}, without a trailing slash
 * @param outageToleranceMs {@code --rules.alert.for-outage-tolerance} (1h)
 * @param gracePeriodMs {@code --rules.alert.for-grace-period} (10m)
 * @param resendDelayMs {@code --rules.alert.resend-delay} (1m)
 */
public record RuleOptions(Map<String, String> externalLabels, String externalURL, long outageToleranceMs,
        long gracePeriodMs, long resendDelayMs) {
    public static final RuleOptions DEFAULT = new RuleOptions(Map.of(), "", 3_600_000L, 600_000L, 60_000L);

    public RuleOptions {
        externalLabels = Map.copyOf(externalLabels);
    }

    public RuleOptions withExternalLabels(Map<String, String> labels) {
        return new RuleOptions(labels, externalURL, outageToleranceMs, gracePeriodMs, resendDelayMs);
    }
}
