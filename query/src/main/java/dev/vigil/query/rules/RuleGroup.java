package dev.vigil.query.rules;

import dev.vigil.query.Engine;
import dev.vigil.query.value.Sample;
import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.Values;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A rule group: its rules evaluated in order at one timestamp, each rule's samples committed
 * before the next rule runs (so it sees them), stale markers for series a rule stopped
 * producing, and alerts handed to the sink. Evaluated by one thread at a time.
 */
public final class RuleGroup {
    private static final Logger LOG = Logger.getLogger(RuleGroup.class.getName());
    private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();

    private final GroupSpec spec;
    private final List<Rule> rules = new ArrayList<>();
    private final Storage storage;
    private final RuleContext ctx;
    private final RuleOptions options;
    private final AlertSink sink;
    /** Per rule, the series written at the previous successful evaluation. */
    private final List<Set<Labels>> previous = new ArrayList<>();
    /**
     * Per rule, whether a later rule of the group may read what it writes (its name appears in a
     * later expression): only then are its samples committed before the next rule runs; the
     * others share one commit at the end of the round, which saves a WAL sync per rule.
     */
    private final boolean[] commitAfter;
    /** Series of rules dropped by a reload, marked stale at the next evaluation. */
    private List<Labels> staleOnNext = List.of();
    final GroupMetrics metrics = new GroupMetrics();
    private volatile long lastEvaluationMs;
    private volatile double lastDurationSeconds;

    /**
     * @param restored false for groups loaded at start: their alerts' {@code for} state is
     *     restored from {@code ALERTS_FOR_STATE} after the second evaluation, and no
     *     {@code ALERTS} are written before that
     */
    RuleGroup(GroupSpec spec, Engine engine, Storage storage, RuleOptions options, AlertSink sink, boolean restored) {
        this.spec = spec;
        this.storage = storage;
        this.options = options;
        this.sink = sink;
        this.ctx = new RuleContext(engine, options.externalLabels(), options.externalURL(), spec.limit());
        for (RuleSpec r : spec.rules()) {
            rules.add(r.alert() ? new AlertingRule(r, restored) : new RecordingRule(r));
            previous.add(new HashSet<>());
        }
        List<RuleSpec> rs = spec.rules();
        commitAfter = new boolean[rs.size()];
        for (int i = 0; i < rs.size(); i++) {
            String written = rs.get(i).alert() ? "ALERTS" : rs.get(i).name();
            for (int j = i + 1; j < rs.size() && !commitAfter[i]; j++) {
                commitAfter[i] = reads(rs.get(j), written);
            }
        }
    }

    /** Whether {@code r} may read {@code name}: in its expression, or through a template's {@code query}. */
    private static boolean reads(RuleSpec r, String name) {
        if (r.expr().contains(name)) {
            return true;
        }
        for (String t : r.labels().values()) {
            if (t.contains("query")) {
                return true;
            }
        }
        for (String t : r.annotations().values()) {
            if (t.contains("query")) {
                return true;
            }
        }
        return false;
    }

    /**
     * A group evaluated by hand at chosen times, as {@code promtool test rules} does: its alerts
     * count as restored (so {@code ALERTS} are written from the first evaluation) and nothing is sent.
     */
    public static RuleGroup standalone(GroupSpec spec, Engine engine, Storage storage, RuleOptions options) {
        return new RuleGroup(spec, engine, storage, options, AlertSink.NONE, true);
    }

    public GroupSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public String file() {
        return spec.file();
    }

    public long intervalMs() {
        return spec.intervalMs();
    }

    public List<Rule> rules() {
        return List.copyOf(rules);
    }

    public long lastEvaluationMs() {
        return lastEvaluationMs;
    }

    public double lastDurationSeconds() {
        return lastDurationSeconds;
    }

    /**
     * The group's slot offset within its interval, in ns: Prometheus hashes the labels
     * {@code file} and {@code name} (xxhash of {@code name\xffvalue\xff} pairs in name order).
     */
    long offsetNanos() {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (String part : new String[] {"file", spec.file(), "name", spec.name()}) {
            b.writeBytes(part.getBytes(StandardCharsets.UTF_8));
            b.write(0xff);
        }
        return Long.remainderUnsigned(XxHash64.hash(b.toByteArray()), spec.intervalMs() * 1_000_000L);
    }

    /** The latest slot at or before {@code nowNanos}: {@code k * interval + offset}. */
    long slotAtOrBefore(long nowNanos) {
        long interval = spec.intervalMs() * 1_000_000L;
        long offset = offsetNanos();
        long adj = nowNanos - offset;
        return adj - Math.floorMod(adj, interval) + offset;
    }

    /** Evaluates every rule at {@code tsMs}, in order. */
    public void evaluate(long tsMs) {
        long t0 = System.nanoTime();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long startedMs = System.currentTimeMillis();
        long samples = 0;
        metrics.iterations.incrementAndGet();
        if (!staleOnNext.isEmpty()) {
            writeStale(staleOnNext, tsMs);
            staleOnNext = List.of();
        }
        Appender app = storage.appender();
        for (int i = 0; i < rules.size(); i++) {
            if (i > 0 && commitAfter[i - 1]) {
                commit(app);
                app = storage.appender();
            }
            Rule rule = rules.get(i);
            long r0 = System.nanoTime();
            metrics.evaluations.incrementAndGet();
            List<Sample> out;
            try {
                out = rule.eval(tsMs, ctx);
            } catch (Exception | StackOverflowError e) {
                String msg = e.getMessage() == null ? e.toString() : e.getMessage();
                rule.recordResult(Rule.Health.ERR, msg, System.currentTimeMillis(), System.nanoTime() - r0);
                metrics.failures.incrementAndGet();
                LOG.warning("evaluating rule " + rule.name() + " of group " + spec.name() + " failed: " + msg);
                continue;
            }
            rule.recordResult(Rule.Health.OK, null, System.currentTimeMillis(), System.nanoTime() - r0);
            samples += out.size();
            if (rule instanceof AlertingRule ar) {
                List<OutgoingAlert> send = ar.alertsToSend(tsMs, options.resendDelayMs(), spec.intervalMs(),
                        options.externalURL() + tableLink(rule.query()));
                if (!send.isEmpty()) {
                    try {
                        sink.send(send);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, "handing alerts to the notifier failed", e);
                    }
                }
            }
            previous.set(i, write(app, out, previous.get(i), tsMs));
        }
        commit(app);
        lastDurationSeconds = (System.nanoTime() - t0) / 1e9;
        lastEvaluationMs = startedMs;
        metrics.lastDurationSeconds = lastDurationSeconds;
        metrics.lastEvaluationMs = tsMs;
        metrics.lastSamples = samples;
        long cpu = THREADS.getCurrentThreadCpuTime();
        if (cpu0 >= 0 && cpu >= cpu0) {
            metrics.cpuNanos.addAndGet(cpu - cpu0);
        }
    }

    /** Appends one rule's samples and stale markers for its series that are gone. */
    private Set<Labels> write(Appender app, List<Sample> out, Set<Labels> before, long tsMs) {
        Set<Labels> now = new HashSet<>(out.size() * 2);
        for (Sample s : out) {
            try {
                app.append(0, s.metric(), tsMs, s.v());
                now.add(s.metric());
            } catch (AppendRejectedException e) {
                LOG.fine("rule sample rejected: " + e.getMessage());
            }
        }
        for (Labels l : before) {
            if (!now.contains(l)) {
                try {
                    app.append(0, l, tsMs, Values.STALE_NAN);
                } catch (AppendRejectedException e) {
                    LOG.fine("stale marker rejected: " + e.getMessage());
                }
            }
        }
        return now;
    }

    private static void commit(Appender app) {
        try {
            app.commit();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "writing rule results failed", e);
        }
    }

    private void writeStale(List<Labels> series, long tsMs) {
        Appender app = storage.appender();
        for (Labels l : series) {
            try {
                app.append(0, l, tsMs, Values.STALE_NAN);
            } catch (AppendRejectedException e) {
                LOG.fine("stale marker rejected: " + e.getMessage());
            }
        }
        try {
            app.commit();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "writing stale markers failed", e);
        }
    }

    /** Every series this group wrote last; marked stale when the group is removed. */
    List<Labels> lastSeries() {
        List<Labels> all = new ArrayList<>();
        previous.forEach(all::addAll);
        return all;
    }

    /** Marks the series of a removed group stale at {@code tsMs}. */
    void markAllStale(long tsMs) {
        writeStale(lastSeries(), tsMs);
    }

    /**
     * Takes over the state of the group this one replaces on reload: alerts, previous series and
     * health of rules with the same name and labels; the series of rules that are gone become
     * stale at the next evaluation.
     */
    void copyState(RuleGroup old) {
        lastEvaluationMs = old.lastEvaluationMs;
        lastDurationSeconds = old.lastDurationSeconds;
        boolean[] used = new boolean[old.rules.size()];
        for (int i = 0; i < rules.size(); i++) {
            Rule r = rules.get(i);
            for (int j = 0; j < old.rules.size(); j++) {
                Rule o = old.rules.get(j);
                if (!used[j] && o.getClass() == r.getClass() && o.name().equals(r.name())
                        && o.spec.labels().equals(r.spec.labels())) {
                    used[j] = true;
                    previous.set(i, new HashSet<>(old.previous.get(j)));
                    r.copyStatus(o);
                    if (r instanceof AlertingRule ar) {
                        ar.copyAlerts((AlertingRule) o);
                    }
                    break;
                }
            }
        }
        List<Labels> gone = new ArrayList<>();
        for (int j = 0; j < used.length; j++) {
            if (!used[j]) {
                gone.addAll(old.previous.get(j));
            }
        }
        staleOnNext = gone;
    }

    /**
     * Prometheus's RestoreForState at {@code nowMs}: each pending or firing alert of a rule whose
     * {@code for} is at least the grace period takes its {@code ActiveAt} from the last
     * {@code ALERTS_FOR_STATE} sample within the outage tolerance, shifted by the downtime.
     */
    void restoreForState(long nowMs) {
        try (Querier q = storage.querier(nowMs - options.outageToleranceMs(), nowMs)) {
            for (Rule r : rules) {
                if (!(r instanceof AlertingRule ar)) {
                    continue;
                }
                long hold = r.spec.forMs();
                if (hold < options.gracePeriodMs()) {
                    ar.setRestored();
                    continue;
                }
                ar.forEachActive(a -> restoreAlert(q, a, hold, nowMs));
                ar.setRestored();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "restoring the for state of group " + spec.name() + " failed", e);
            for (Rule r : rules) {
                if (r instanceof AlertingRule ar) {
                    ar.setRestored();
                }
            }
        }
    }

    private void restoreAlert(Querier q, Alert a, long hold, long nowMs) {
        Labels want = AlertingRule.forStateLabels(a.labels);
        Matcher[] ms = new Matcher[want.size()];
        for (int i = 0; i < want.size(); i++) {
            ms[i] = Matcher.eq(want.name(i), want.value(i));
        }
        SeriesSet ss = q.select(false, new SelectHints(nowMs - options.outageToleranceMs(), nowMs, 0, 0, null), ms);
        Series found = null;
        while (ss.next()) {
            if (ss.at().labels().size() == want.size()) {
                found = ss.at();
                break;
            }
        }
        if (found == null) {
            return;
        }
        SampleIterator it = found.iterator(null);
        long t = Long.MIN_VALUE;
        double v = 0;
        while (it.next()) {
            t = it.t();
            v = it.v();
        }
        if (t == Long.MIN_VALUE || Values.isStaleNaN(v)) {
            return;
        }
        long downAt = Math.floorDiv(t, 1000L) * 1000;
        long restoredActiveAt = (long) v * 1000;
        long remaining = hold - (downAt - restoredActiveAt);
        if (remaining <= 0) {
            // It was firing when the process went down; the next evaluation fires it again.
        } else if (remaining < options.gracePeriodMs()) {
            restoredActiveAt = nowMs + options.gracePeriodMs() - hold;
        } else {
            restoredActiveAt += nowMs - downAt;
        }
        a.activeAt = restoredActiveAt;
    }

    /** Go's url.QueryEscape. */
    static String tableLink(String expr) {
        String e = URLEncoder.encode(expr, StandardCharsets.UTF_8).replace("*", "%2A").replace("%7E", "~");
        return "/graph?g0.expr=" + e + "&g0.tab=1";
    }
}
