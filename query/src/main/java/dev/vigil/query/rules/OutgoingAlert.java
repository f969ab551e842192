package dev.vigil.query.rules;

import dev.vigil.tsdb.Labels;

/**
 * An alert as Prometheus hands it to the notifier.
 *
 * @param startsAtMs when it fired
 * @param endsAtMs when it resolved, or how long it stays valid without a resend
 * @param generatorURL the external URL's table link for the rule's expression
 */
public record OutgoingAlert(Labels labels, Labels annotations, long startsAtMs, long endsAtMs, String generatorURL) {
}
