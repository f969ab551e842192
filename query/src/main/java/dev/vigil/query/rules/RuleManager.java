package dev.vigil.query.rules;

import dev.vigil.query.Engine;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.text.GoFloat;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the rule groups: each on its own interval at Prometheus's slot times, concurrently with
 * the others; a reload keeps unchanged groups running and moves the state of changed ones.
 */
public final class RuleManager implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RuleManager.class.getName());

    private final Engine engine;
    private final Storage storage;
    private final AlertSink sink;
    private final ScheduledThreadPoolExecutor pool;
    private RuleOptions options = RuleOptions.DEFAULT;
    /** Groups by {@link GroupSpec#key()}, in load order; replaced whole on update. */
    private volatile Map<String, Runner> runners = Map.of();
    private boolean started;
    private boolean closed;

    public RuleManager(Engine engine, Storage storage, AlertSink sink, int threads) {
        this.engine = engine;
        this.storage = storage;
        this.sink = sink;
        this.pool = new ScheduledThreadPoolExecutor(Math.max(1, threads), r -> {
            Thread t = new Thread(r, "rule-eval");
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
    }

    /**
     * Applies a rule configuration. The first call is the start: its groups restore their alerts'
     * {@code for} state after their second evaluation.
     */
    public synchronized void update(List<GroupSpec> specs, RuleOptions opts) {
        if (closed) {
            return;
        }
        boolean sameOptions = opts.equals(options);
        options = opts;
        Map<String, Runner> old = new HashMap<>(runners);
        Map<String, Runner> next = new LinkedHashMap<>();
        for (GroupSpec s : specs) {
            Runner o = old.remove(s.key());
            if (o != null && sameOptions && o.group.spec().equals(s)) {
                next.put(s.key(), o);
                continue;
            }
            RuleGroup g = new RuleGroup(s, engine, storage, opts, sink, started);
            if (o != null) {
                o.stop();
                g.copyState(o.group);
            }
            Runner r = new Runner(g, !started);
            next.put(s.key(), r);
            r.start();
        }
        for (Runner gone : old.values()) {
            gone.stop();
            long interval = gone.group.intervalMs();
            // As Prometheus: a removed group's series go stale two intervals later, not at once.
            pool.schedule(() -> gone.group.markAllStale(System.currentTimeMillis()), 2 * interval, TimeUnit.MILLISECONDS);
        }
        runners = next;
        started = true;
    }

    /** The groups sorted by file, then name (the rules API's order). */
    public List<RuleGroup> groups() {
        List<RuleGroup> out = new ArrayList<>();
        for (Runner r : runners.values()) {
            out.add(r.group);
        }
        out.sort(Comparator.comparing(RuleGroup::file).thenComparing(RuleGroup::name));
        return out;
    }

    /** The external URL alerts link to. */
    public synchronized RuleOptions options() {
        return options;
    }

    /** Prometheus's rule metrics in the text exposition format. */
    public String metricsText() {
        List<RuleGroup> gs = groups();
        StringBuilder sb = new StringBuilder();
        metric(sb, gs, "prometheus_rule_evaluations_total", "counter", "The total number of rule evaluations.",
                g -> (double) g.metrics.evaluations.get());
        metric(sb, gs, "prometheus_rule_evaluation_failures_total", "counter",
                "The total number of rule evaluation failures.", g -> (double) g.metrics.failures.get());
        metric(sb, gs, "prometheus_rule_group_interval_seconds", "gauge", "The interval of a rule group.",
                g -> g.intervalMs() / 1000.0);
        metric(sb, gs, "prometheus_rule_group_iterations_missed_total", "counter",
                "The total number of rule group evaluations missed due to slow rule group evaluation.",
                g -> (double) g.metrics.missed.get());
        metric(sb, gs, "prometheus_rule_group_iterations_total", "counter",
                "The total number of scheduled rule group evaluations, whether executed or missed.",
                g -> (double) (g.metrics.iterations.get() + g.metrics.missed.get()));
        metric(sb, gs, "prometheus_rule_group_last_duration_seconds", "gauge",
                "The duration of the last rule group evaluation.", g -> g.metrics.lastDurationSeconds);
        metric(sb, gs, "prometheus_rule_group_last_evaluation_samples", "gauge",
                "The number of samples returned during the last rule group evaluation.", g -> (double) g.metrics.lastSamples);
        metric(sb, gs, "prometheus_rule_group_last_evaluation_timestamp_seconds", "gauge",
                "The timestamp of the last rule group evaluation in seconds.",
                g -> g.metrics.lastEvaluationMs == 0 ? -62135596800.0 : g.metrics.lastEvaluationMs / 1000.0);
        metric(sb, gs, "prometheus_rule_group_rules", "gauge", "The number of rules.", g -> (double) g.rules().size());
        metric(sb, gs, "vigil_rule_group_cpu_seconds_total", "counter",
                "CPU time the evaluating thread spent on the rule group, all evaluations.", g -> g.metrics.cpuNanos.get() / 1e9);
        return sb.toString();
    }

    private static void metric(StringBuilder sb, List<RuleGroup> gs, String name, String type, String help,
            java.util.function.ToDoubleFunction<RuleGroup> f) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (RuleGroup g : gs) {
            sb.append(name).append("{rule_group=\"").append(escape(g.spec().key())).append("\"} ");
            GoFloat.appendG(f.applyAsDouble(g), sb);
            sb.append('\n');
        }
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /** Stops evaluating; writes no stale markers (as Prometheus at shutdown). */
    @Override
    public synchronized void close() {
        closed = true;
        for (Runner r : runners.values()) {
            r.stop();
        }
        pool.shutdownNow();
    }

    private static long nowNanos() {
        Instant n = Instant.now();
        return n.getEpochSecond() * 1_000_000_000L + n.getNano();
    }

    /** One group's schedule: evaluates at each slot, skipping (and counting) slots it overran. */
    private final class Runner implements Runnable {
        final RuleGroup group;
        private boolean restore;
        private int evaluations;
        private long slotNanos;
        private volatile boolean stopped;
        private ScheduledFuture<?> future;

        Runner(RuleGroup group, boolean restore) {
            this.group = group;
            this.restore = restore;
        }

        synchronized void start() {
            long interval = group.intervalMs() * 1_000_000L;
            slotNanos = group.slotAtOrBefore(nowNanos()) + interval;
            schedule();
        }

        private void schedule() {
            if (!stopped) {
                future = pool.schedule(this, Math.max(0, slotNanos - nowNanos()), TimeUnit.NANOSECONDS);
            }
        }

        @Override
        public synchronized void run() {
            if (stopped) {
                return;
            }
            try {
                group.evaluate(Math.floorDiv(slotNanos, 1_000_000L));
                evaluations++;
                if (restore && evaluations == 2) {
                    // As Prometheus: the second evaluation has enough data to know which alerts are active.
                    group.restoreForState(System.currentTimeMillis());
                    restore = false;
                }
            } catch (RuntimeException | Error e) {
                LOG.log(Level.SEVERE, "rule group " + group.name() + " failed", e);
            }
            long interval = group.intervalMs() * 1_000_000L;
            long now = nowNanos();
            long k = (now - slotNanos) / interval;
            if (k >= 2) {
                group.metrics.missed.addAndGet(k - 1);
                slotNanos += k * interval;
            } else {
                slotNanos += interval;
            }
            schedule();
        }

        void stop() {
            stopped = true;
            synchronized (this) {
                if (future != null) {
                    future.cancel(false);
                }
            }
        }
    }
}
