package dev.vigil.server.alerting;

import dev.vigil.ingest.relabel.Relabeler;
import dev.vigil.ingest.relabel.Relabeling;
import dev.vigil.query.rules.OutgoingAlert;
import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What Prometheus 2.42's notifier does to alerts before queueing them: adds the external labels
 * an alert does not have, then applies {@code alerting.alert_relabel_configs}; alerts a rule drops
 * are not sent. Shared by the rule groups' threads, so the relabeler is used under a lock.
 */
public final class AlertRelabeling {
    /** No external labels and no rules: alerts pass unchanged. */
    public static final AlertRelabeling NONE = new AlertRelabeling(Map.of(), Relabeling.NONE);

    private final Map<String, String> externalLabels;
    private final Relabeler relabeler;

    public AlertRelabeling(Map<String, String> externalLabels, Relabeling rules) {
        this.externalLabels = Map.copyOf(externalLabels);
        this.relabeler = rules.relabeler();
    }

    /** The alerts to send, labels final, in their order; those dropped by a rule left out. */
    public List<OutgoingAlert> apply(List<OutgoingAlert> alerts) {
        List<OutgoingAlert> out = new ArrayList<>(alerts.size());
        synchronized (relabeler) {
            for (OutgoingAlert a : alerts) {
                Labels labels = a.labels();
                if (!externalLabels.isEmpty()) {
                    Labels.Builder b = labels.toBuilder();
                    externalLabels.forEach((k, v) -> {
                        if (!a.labels().has(k)) {
                            b.set(k, v);
                        }
                    });
                    labels = b.build();
                }
                Labels kept = relabeler.process(labels);
                if (kept == null) {
                    continue;
                }
                out.add(kept == a.labels() ? a
                        : new OutgoingAlert(kept, a.annotations(), a.startsAtMs(), a.endsAtMs(), a.generatorURL()));
            }
        }
        return out;
    }
}
