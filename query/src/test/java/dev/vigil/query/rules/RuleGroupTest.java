package dev.vigil.query.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.query.QueryOptions;
import dev.vigil.query.eval.EngineOptions;
import dev.vigil.query.eval.PromEngine;
import dev.vigil.query.value.Sample;
import dev.vigil.query.value.Vector;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group evaluation and alert state machine over a real store, step by step at chosen timestamps. */
class RuleGroupTest {
    private static final long T0 = System.currentTimeMillis() / 10_000 * 10_000 - 300_000;
    @TempDir
    Path dir;
    private Db db;
    private PromEngine engine;
    private final List<OutgoingAlert> sent = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        db = Db.open(DbOptions.builder(dir).build());
        engine = new PromEngine(db, EngineOptions.DEFAULT);
    }

    @AfterEach
    void close() throws Exception {
        db.close();
    }

    private void write(String metric, String instance, long t, double v) throws Exception {
        Appender a = db.appender();
        a.append(0, Labels.of("__name__", metric, "instance", instance, "job", "j"), t, v);
        a.commit();
    }

    private RuleGroup group(String yaml, RuleOptions opts) throws Exception {
        GroupSpec spec = RuleFiles.parse(yaml, "/rules/test.yml", 10_000).get(0);
        return new RuleGroup(spec, engine, db, opts, sent::addAll, true);
    }

    private List<String> query(String q, long t) {
        List<String> out = new ArrayList<>();
        for (Sample s : ((Vector) engine.instant(q, t, QueryOptions.DEFAULT).value()).samples()) {
            out.add(s.metric() + "=" + s.v());
        }
        out.sort(null);
        return out;
    }

    @Test
    void pendingThenFiringThenResolvedWithSeriesAndNotifications() throws Exception {
        RuleGroup g = group("""
                groups:
                - name: g
                  rules:
                  - record: job:up:sum
                    expr: sum by (job) (up)
                  - alert: Down
                    expr: job:up:sum < 2
                    for: 20s
                    labels: {severity: page}
                    annotations: {summary: "{{ $labels.job }} has {{ $value }} up"}
                """, RuleOptions.DEFAULT);
        for (int i = 0; i <= 12; i++) {
            long t = T0 + i * 10_000L;
            write("up", "a", t, 1);
            write("up", "b", t, i >= 2 && i < 7 ? 0 : 1);
        }
        long[] ts = new long[13];
        for (int i = 0; i <= 12; i++) {
            ts[i] = T0 + i * 10_000L + 500;
            g.evaluate(ts[i]);
            Rule alert = g.rules().get(1);
            assertEquals(Rule.Health.OK, alert.health(), alert.lastError());
            AlertState want = i < 2 || i >= 7 ? AlertState.INACTIVE : i < 4 ? AlertState.PENDING : AlertState.FIRING;
            assertEquals(want, ((AlertingRule) alert).state(), "at step " + i);
        }
        // The recording rule's output was visible to the alert at the same timestamp.
        assertEquals(List.of("job:up:sum{job=\"j\"}=1.0"), query("job:up:sum", ts[3]));
        assertEquals(List.of("ALERTS{alertname=\"Down\", alertstate=\"pending\", job=\"j\", severity=\"page\"}=1.0"),
                query("ALERTS", ts[3]));
        assertEquals(List.of("ALERTS{alertname=\"Down\", alertstate=\"firing\", job=\"j\", severity=\"page\"}=1.0"),
                query("ALERTS", ts[5]));
        assertEquals(List.of("ALERTS_FOR_STATE{alertname=\"Down\", job=\"j\", severity=\"page\"}="
                + (double) (ts[2] / 1000)), query("ALERTS_FOR_STATE", ts[5]));
        // Stale markers: the firing series is gone at once when the alert resolves, not after 5 minutes.
        assertEquals(List.of(), query("ALERTS", ts[7]));
        // Sent: firing at steps 4 (first), 11 (after the 1m resend delay strictly passed... only at 4 and on resolve at 7).
        List<String> sends = sent.stream().map(a -> (a.endsAtMs() == ts[7] ? "resolved@" : "firing@") + (a.startsAtMs() - T0))
                .collect(Collectors.toList());
        assertEquals("firing@40500", sends.get(0));
        assertTrue(sends.contains("resolved@40500"), sends.toString());
        OutgoingAlert first = sent.get(0);
        assertEquals("j has 1 up", first.annotations().get("summary"));
        assertEquals(ts[4] + 4 * 60_000, first.endsAtMs());
        assertTrue(first.generatorURL().endsWith("/graph?g0.expr=job%3Aup%3Asum+%3C+2&g0.tab=1"), first.generatorURL());
    }

    @Test
    void keepFiringForHoldsAFiringAlert() throws Exception {
        RuleGroup g = group("""
                groups:
                - name: g
                  rules:
                  - alert: Zero
                    expr: up == 0
                    keep_firing_for: 30s
                """, RuleOptions.DEFAULT);
        AlertingRule r = (AlertingRule) g.rules().get(0);
        write("up", "a", T0, 0);
        g.evaluate(T0);
        assertEquals(AlertState.FIRING, r.state(), "for: 0 fires at once");
        write("up", "a", T0 + 10_000, 1);
        for (long t = 10_000; t <= 30_000; t += 10_000) {
            g.evaluate(T0 + t);
            assertEquals(AlertState.FIRING, r.state(), "kept firing at +" + t);
        }
        g.evaluate(T0 + 40_000);
        assertEquals(AlertState.INACTIVE, r.state());
    }

    @Test
    void limitAndDuplicateLabelsetsAreRuleErrors() throws Exception {
        RuleGroup g = group("""
                groups:
                - name: g
                  limit: 1
                  rules:
                  - record: x
                    expr: up
                  - record: y
                    expr: sum(up)
                """, RuleOptions.DEFAULT);
        write("up", "a", T0, 1);
        write("up", "b", T0, 1);
        g.evaluate(T0);
        assertEquals(Rule.Health.ERR, g.rules().get(0).health());
        assertEquals("exceeded limit of 1 with 2 series", g.rules().get(0).lastError());
        assertEquals(Rule.Health.OK, g.rules().get(1).health());
        assertEquals(1, g.metrics.failures.get());
        RuleGroup dup = group("""
                groups:
                - name: g
                  rules:
                  - record: x
                    expr: up
                    labels: {instance: ""}
                """, RuleOptions.DEFAULT);
        dup.evaluate(T0);
        assertEquals("vector contains metrics with the same labelset after applying rule labels", dup.rules().get(0).lastError());
    }

    @Test
    void recordingRuleSeriesThatLeaveGetAStaleMarker() throws Exception {
        RuleGroup g = group("""
                groups:
                - name: g
                  rules:
                  - record: r
                    expr: up > 0
                """, RuleOptions.DEFAULT);
        write("up", "a", T0, 1);
        g.evaluate(T0);
        write("up", "a", T0 + 10_000, 0);
        g.evaluate(T0 + 10_000);
        // Without the marker the old sample would still answer for 5 minutes.
        assertEquals(List.of(), query("r", T0 + 20_000));
    }

    @Test
    void slotOffsetIsStableAndWithinTheInterval() throws Exception {
        RuleGroup g = group("groups: [{name: g, interval: 15s, rules: [{record: r, expr: up}]}]", RuleOptions.DEFAULT);
        long off = g.offsetNanos();
        assertTrue(off >= 0 && off < 15_000_000_000L);
        long slot = g.slotAtOrBefore(T0 * 1_000_000L);
        assertTrue(slot <= T0 * 1_000_000L && T0 * 1_000_000L - slot < 15_000_000_000L);
        assertEquals(off, Math.floorMod(slot, 15_000_000_000L));
    }

    @Test
    void forStateIsRestoredAfterARestart() throws Exception {
        String yaml = """
                groups:
                - name: g
                  rules:
                  - alert: Long
                    expr: up == 0
                    for: 30m
                """;
        RuleGroup before = group(yaml, RuleOptions.DEFAULT);
        for (long t = 0; t <= 60_000; t += 10_000) {
            write("up", "a", T0 + t, 0);
            before.evaluate(T0 + t);
        }
        AlertingRule r0 = (AlertingRule) before.rules().get(0);
        assertEquals(AlertState.PENDING, r0.state());
        // Down from +60 s to +120 s; the new process's alerts start pending at its own first evaluation.
        GroupSpec spec = RuleFiles.parse(yaml, "/rules/test.yml", 10_000).get(0);
        RuleGroup after = new RuleGroup(spec, engine, db, RuleOptions.DEFAULT, sent::addAll, false);
        write("up", "a", T0 + 120_000, 0);
        after.evaluate(T0 + 120_000);
        assertEquals(List.of(), query("count_over_time(ALERTS[5s])", T0 + 120_000), "no ALERTS written before the restore");
        after.evaluate(T0 + 130_000);
        after.restoreForState(T0 + 130_000);
        Alert a = ((AlertingRule) after.rules().get(0)).alerts().get(0);
        // Pending for 60 s before the outage; the 70 s outage (last ALERTS_FOR_STATE at +60 s) is added on top.
        assertEquals(T0 / 1000 * 1000 + 70_000, a.activeAt());
        after.evaluate(T0 + 140_000);
        assertEquals(List.of("ALERTS_FOR_STATE{alertname=\"Long\", instance=\"a\", job=\"j\"}=" + (double) ((T0 + 70_000) / 1000)),
                query("ALERTS_FOR_STATE", T0 + 140_000));
    }

    @Test
    void aChangedGroupKeepsItsAlertsAndMarksDroppedRulesStale() throws Exception {
        RuleGroup old = group("""
                groups:
                - name: g
                  rules:
                  - record: gone
                    expr: up
                  - alert: Zero
                    expr: up == 0
                    for: 10s
                """, RuleOptions.DEFAULT);
        write("up", "a", T0, 0);
        old.evaluate(T0);
        write("up", "a", T0 + 10_000, 0);
        old.evaluate(T0 + 10_000);
        assertEquals(AlertState.FIRING, ((AlertingRule) old.rules().get(1)).state());
        RuleGroup changed = group("""
                groups:
                - name: g
                  interval: 5s
                  rules:
                  - alert: Zero
                    expr: up == 0
                    for: 10s
                """, RuleOptions.DEFAULT);
        changed.copyState(old);
        write("up", "a", T0 + 15_000, 0);
        changed.evaluate(T0 + 15_000);
        Alert a = ((AlertingRule) changed.rules().get(0)).alerts().get(0);
        assertEquals(AlertState.FIRING, a.state());
        assertEquals(T0, a.activeAt());
        assertEquals(List.of(), query("gone", T0 + 16_000), "the dropped recording rule's series is stale");
    }
}
