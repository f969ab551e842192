package dev.vigil.query.rules;

import java.util.concurrent.atomic.AtomicLong;

/** Prometheus's per-group rule counters and gauges ({@code prometheus_rule_*}). */
final class GroupMetrics {
    final AtomicLong evaluations = new AtomicLong();
    final AtomicLong failures = new AtomicLong();
    final AtomicLong iterations = new AtomicLong();
    final AtomicLong missed = new AtomicLong();
    volatile double lastDurationSeconds;
    volatile long lastEvaluationMs;
    volatile long lastSamples;
    /** CPU the evaluating thread spent on the group, over all evaluations: the cost load does not inflate. */
    final AtomicLong cpuNanos = new AtomicLong();
}
