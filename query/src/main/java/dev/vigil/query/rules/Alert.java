package dev.vigil.query.rules;

import dev.vigil.tsdb.Labels;

/**
 * One alert of an alerting rule: its identity labels and where it stands. Mutated only by the
 * group's evaluating thread; readers take a {@link #copy()} under the rule's lock. Times in ms,
 * 0 = unset.
 */
public final class Alert {
    final Labels labels;
    Labels annotations;
    AlertState state;
    double value;
    long activeAt;
    long firedAt;
    long resolvedAt;
    long lastSentAt;
    long validUntil;
    long keepFiringSince;

    Alert(Labels labels, Labels annotations, long activeAt, double value) {
        this.labels = labels;
        this.annotations = annotations;
        this.activeAt = activeAt;
        this.value = value;
        this.state = AlertState.PENDING;
    }

    Alert copy() {
        Alert a = new Alert(labels, annotations, activeAt, value);
        a.state = state;
        a.firedAt = firedAt;
        a.resolvedAt = resolvedAt;
        a.lastSentAt = lastSentAt;
        a.validUntil = validUntil;
        a.keepFiringSince = keepFiringSince;
        return a;
    }

    public Labels labels() {
        return labels;
    }

    public Labels annotations() {
        return annotations;
    }

    public AlertState state() {
        return state;
    }

    public double value() {
        return value;
    }

    public long activeAt() {
        return activeAt;
    }

    public long firedAt() {
        return firedAt;
    }

    public long resolvedAt() {
        return resolvedAt;
    }

    public long keepFiringSince() {
        return keepFiringSince;
    }

    /** Prometheus's needsSending: never pending; resolved since last sent; or the resend delay strictly passed. */
    boolean needsSending(long ts, long resendDelayMs) {
        if (state == AlertState.PENDING) {
            return false;
        }
        if (resolvedAt > lastSentAt) {
            return true;
        }
        return lastSentAt + resendDelayMs < ts;
    }
}
