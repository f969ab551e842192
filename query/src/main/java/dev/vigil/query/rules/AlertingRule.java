package dev.vigil.query.rules;

import dev.vigil.query.rules.template.Template;
import dev.vigil.query.value.Sample;
import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;

/**
 * An alerting rule with Prometheus 2.42's state machine: inactive → pending → firing after
 * {@code for}, held by {@code keep_firing_for}, resolved alerts kept 15 minutes so they are sent
 * as resolved; and the {@code ALERTS}/{@code ALERTS_FOR_STATE} series once restored.
 */
public final class AlertingRule extends Rule {
    /** How long a resolved alert is still sent (Prometheus's resolvedRetention). */
    static final long RESOLVED_RETENTION_MS = 15 * 60_000L;
    private static final Logger LOG = Logger.getLogger(AlertingRule.class.getName());

    private final Map<String, Template> labelTemplates = new LinkedHashMap<>();
    private final Map<String, Template> annotationTemplates = new LinkedHashMap<>();
    /** Active alerts by identity labels; guarded by {@code this}. */
    private final Map<Labels, Alert> active = new HashMap<>();
    private volatile boolean restored;

    AlertingRule(RuleSpec spec, boolean restored) {
        super(spec);
        this.restored = restored;
        String tn = "__alert_" + spec.name();
        spec.labels().forEach((k, v) -> labelTemplates.put(k, Template.parse(tn, v)));
        spec.annotations().forEach((k, v) -> annotationTemplates.put(k, Template.parse(tn, v)));
    }

    @Override
    List<Sample> eval(long ts, RuleContext ctx) throws RuleEvalException {
        List<Sample> res = ctx.query(query, ts);
        Map<Labels, Alert> current = new HashMap<>();
        boolean templated = !labelTemplates.isEmpty() || !annotationTemplates.isEmpty();
        for (Sample s : res) {
            Map<String, String> lm = new TreeMap<>();
            if (templated) {
                s.metric().forEach(lm::put);
            }
            Template.Data data = new Template.Data(lm, s.v(), ctx.externalLabels(), ctx.externalURL(), q -> {
                List<Template.Sample> out = new ArrayList<>();
                for (Sample x : ctx.query(q, ts)) {
                    Map<String, String> m = new TreeMap<>();
                    x.metric().forEach(m::put);
                    out.add(new Template.Sample(m, x.v()));
                }
                return out;
            });
            Labels.Builder b = s.metric().toBuilder().remove(Labels.METRIC_NAME);
            labelTemplates.forEach((k, t) -> b.set(k, expand(t, data)));
            b.set("alertname", spec.name());
            Labels.Builder ab = Labels.builder();
            annotationTemplates.forEach((k, t) -> ab.set(k, expand(t, data)));
            Labels l = b.build();
            if (current.put(l, new Alert(l, ab.build(), ts, s.v())) != null) {
                throw new RuleEvalException("vector contains metrics with the same labelset after applying alert labels");
            }
        }
        List<Sample> out = new ArrayList<>();
        synchronized (this) {
            for (Alert a : current.values()) {
                Alert old = active.get(a.labels);
                if (old != null && old.state != AlertState.INACTIVE) {
                    old.value = a.value;
                    old.annotations = a.annotations;
                } else {
                    active.put(a.labels, a);
                }
            }
            int activeCount = 0;
            for (Iterator<Alert> it = active.values().iterator(); it.hasNext();) {
                Alert a = it.next();
                if (!current.containsKey(a.labels)) {
                    boolean keepFiring = false;
                    if (a.state == AlertState.FIRING && spec.keepFiringForMs() > 0) {
                        if (a.keepFiringSince == 0) {
                            a.keepFiringSince = ts;
                        }
                        keepFiring = ts - a.keepFiringSince < spec.keepFiringForMs();
                    }
                    if (a.state == AlertState.PENDING || (a.resolvedAt != 0 && ts - a.resolvedAt > RESOLVED_RETENTION_MS)) {
                        it.remove();
                    }
                    if (a.state != AlertState.INACTIVE && !keepFiring) {
                        a.state = AlertState.INACTIVE;
                        a.resolvedAt = ts;
                    }
                    if (!keepFiring) {
                        continue;
                    }
                } else {
                    a.keepFiringSince = 0;
                }
                activeCount++;
                if (a.state == AlertState.PENDING && ts - a.activeAt >= spec.forMs()) {
                    a.state = AlertState.FIRING;
                    a.firedAt = ts;
                }
                if (restored) {
                    out.add(new Sample(alertsLabels(a), ts, 1));
                    out.add(new Sample(forStateLabels(a.labels), ts, Math.floorDiv(a.activeAt, 1000L)));
                }
            }
            if (ctx.limit() > 0 && activeCount > ctx.limit()) {
                active.clear();
                throw new RuleEvalException("exceeded limit of " + ctx.limit() + " with " + activeCount + " alerts");
            }
        }
        return out;
    }

    private static String expand(Template t, Template.Data data) {
        String s = t.expandOrError(data);
        if (s.startsWith("<error expanding template: ")) {
            LOG.warning("expanding alert template " + t + " failed: " + s);
        }
        return s;
    }

    static Labels alertsLabels(Alert a) {
        return a.labels.toBuilder().set(Labels.METRIC_NAME, "ALERTS").set("alertstate", a.state.text()).build();
    }

    static Labels forStateLabels(Labels alert) {
        return alert.toBuilder().set(Labels.METRIC_NAME, "ALERTS_FOR_STATE").build();
    }

    /** The alerts to send at {@code ts}; marks them sent. */
    synchronized List<OutgoingAlert> alertsToSend(long ts, long resendDelayMs, long intervalMs, String generatorURL) {
        List<OutgoingAlert> out = new ArrayList<>();
        for (Alert a : active.values()) {
            if (a.needsSending(ts, resendDelayMs)) {
                a.lastSentAt = ts;
                a.validUntil = ts + 4 * Math.max(resendDelayMs, intervalMs);
                out.add(new OutgoingAlert(a.labels, a.annotations, a.firedAt, a.resolvedAt != 0 ? a.resolvedAt : a.validUntil,
                        generatorURL));
            }
        }
        return out;
    }

    /** Copies of the alerts, for the API. */
    public synchronized List<Alert> alerts() {
        List<Alert> out = new ArrayList<>(active.size());
        for (Alert a : active.values()) {
            out.add(a.copy());
        }
        return out;
    }

    /** The rule's state: its highest alert's, inactive without alerts. */
    public synchronized AlertState state() {
        AlertState s = AlertState.INACTIVE;
        for (Alert a : active.values()) {
            if (a.state.compareTo(s) > 0) {
                s = a.state;
            }
        }
        return s;
    }

    boolean restored() {
        return restored;
    }

    void setRestored() {
        restored = true;
    }

    /** Runs {@code f} on each active alert under the rule's lock (restoring the for state). */
    synchronized void forEachActive(java.util.function.Consumer<Alert> f) {
        active.values().forEach(f);
    }

    /** Takes over another rule's alerts (the same rule after a reload). */
    synchronized void copyAlerts(AlertingRule from) {
        for (Alert a : from.alerts()) {
            active.put(a.labels, a);
        }
    }
}
