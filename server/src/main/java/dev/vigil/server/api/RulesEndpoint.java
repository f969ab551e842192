package dev.vigil.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.query.text.GoText;
import dev.vigil.query.rules.Alert;
import dev.vigil.query.rules.AlertState;
import dev.vigil.query.rules.AlertingRule;
import dev.vigil.query.rules.RecordingRule;
import dev.vigil.query.rules.Rule;
import dev.vigil.query.rules.RuleGroup;
import dev.vigil.query.rules.RuleManager;
import dev.vigil.tsdb.Labels;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** {@code /api/v1/rules} and {@code /api/v1/alerts} with Prometheus 2.42's fields, order and filters. */
final class RulesEndpoint {
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private RulesEndpoint() {
    }

    static ApiResult rules(RuleManager m, ApiRequest req) {
        String type = req.params().get("type").toLowerCase(Locale.ROOT);
        if (!type.isEmpty() && !type.equals("alert") && !type.equals("record")) {
            throw ApiException.badData("not supported value " + GoText.quote(type));
        }
        Set<String> names = Set.copyOf(req.params().all("rule_name[]"));
        Set<String> groups = Set.copyOf(req.params().all("rule_group[]"));
        Set<String> files = Set.copyOf(req.params().all("file[]"));
        List<RuleGroup> all = m == null ? List.of() : m.groups();
        return ApiResult.of(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("groups");
            for (RuleGroup grp : all) {
                if ((!groups.isEmpty() && !groups.contains(grp.name())) || (!files.isEmpty() && !files.contains(grp.file()))) {
                    continue;
                }
                g.writeStartObject();
                g.writeStringField("name", grp.name());
                g.writeStringField("file", grp.file());
                g.writeArrayFieldStart("rules");
                for (Rule r : grp.rules()) {
                    if (!names.isEmpty() && !names.contains(r.name())) {
                        continue;
                    }
                    if (r instanceof AlertingRule ar && !type.equals("record")) {
                        alerting(g, ar);
                    } else if (r instanceof RecordingRule && !type.equals("alert")) {
                        recording(g, r);
                    }
                }
                g.writeEndArray();
                seconds(g, "interval", grp.intervalMs() / 1000.0);
                g.writeNumberField("limit", grp.spec().limit());
                seconds(g, "evaluationTime", grp.lastDurationSeconds());
                g.writeStringField("lastEvaluation", time(grp.lastEvaluationMs()));
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void alerting(JsonGenerator g, AlertingRule r) throws IOException {
        g.writeStartObject();
        g.writeStringField("state", r.state().text());
        g.writeStringField("name", r.name());
        g.writeStringField("query", r.query());
        seconds(g, "duration", r.spec().forMs() / 1000.0);
        seconds(g, "keepFiringFor", r.spec().keepFiringForMs() / 1000.0);
        g.writeObjectFieldStart("labels");
        map(g, r.spec().labels());
        g.writeEndObject();
        g.writeObjectFieldStart("annotations");
        map(g, r.spec().annotations());
        g.writeEndObject();
        g.writeArrayFieldStart("alerts");
        for (Alert a : r.alerts()) {
            if (a.state() != AlertState.INACTIVE) {
                alert(g, a);
            }
        }
        g.writeEndArray();
        status(g, r);
        g.writeStringField("type", "alerting");
        g.writeEndObject();
    }

    private static void recording(JsonGenerator g, Rule r) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", r.name());
        g.writeStringField("query", r.query());
        if (!r.spec().labels().isEmpty()) {
            g.writeObjectFieldStart("labels");
            map(g, r.spec().labels());
            g.writeEndObject();
        }
        status(g, r);
        g.writeStringField("type", "recording");
        g.writeEndObject();
    }

    private static void status(JsonGenerator g, Rule r) throws IOException {
        g.writeStringField("health", r.health().text);
        if (!r.lastError().isEmpty()) {
            g.writeStringField("lastError", r.lastError());
        }
        seconds(g, "evaluationTime", r.evaluationSeconds());
        g.writeStringField("lastEvaluation", time(r.lastEvaluationMs()));
    }

    static ApiResult alerts(RuleManager m) {
        List<RuleGroup> all = m == null ? List.of() : m.groups();
        return ApiResult.of(g -> {
            g.writeStartObject();
            g.writeArrayFieldStart("alerts");
            for (RuleGroup grp : all) {
                for (Rule r : grp.rules()) {
                    if (r instanceof AlertingRule ar) {
                        for (Alert a : ar.alerts()) {
                            if (a.state() != AlertState.INACTIVE) {
                                alert(g, a);
                            }
                        }
                    }
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }

    private static void alert(JsonGenerator g, Alert a) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("labels");
        labels(g, a.labels());
        g.writeEndObject();
        g.writeObjectFieldStart("annotations");
        labels(g, a.annotations());
        g.writeEndObject();
        g.writeStringField("state", a.state().text());
        g.writeStringField("activeAt", time(a.activeAt()));
        if (a.keepFiringSince() != 0) {
            g.writeStringField("keepFiringSince", time(a.keepFiringSince()));
        }
        g.writeStringField("value", exponent(a.value()));
        g.writeEndObject();
    }

    /** A float64 as Go's encoding/json writes it: {@code 4}, not {@code 4.0}. */
    private static void seconds(JsonGenerator g, String field, double v) throws IOException {
        g.writeFieldName(field);
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            g.writeNumber((long) v);
        } else {
            g.writeRawValue(dev.vigil.tsdb.text.GoFloat.format(v));
        }
    }

    private static void labels(JsonGenerator g, Labels l) throws IOException {
        for (int i = 0; i < l.size(); i++) {
            g.writeStringField(l.name(i), l.value(i));
        }
    }

    private static void map(JsonGenerator g, java.util.Map<String, String> m) throws IOException {
        for (java.util.Map.Entry<String, String> e : new java.util.TreeMap<>(m).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
    }

    /** Go's RFC3339Nano in UTC: the fraction without trailing zeros; 0 is Go's zero time. */
    static String time(long ms) {
        if (ms == 0) {
            return ZERO_TIME;
        }
        Instant t = Instant.ofEpochMilli(ms);
        StringBuilder sb = new StringBuilder(SECONDS.format(t.atOffset(ZoneOffset.UTC)));
        int frac = (int) Math.floorMod(ms, 1000L);
        if (frac != 0) {
            String f = String.format("%03d", frac);
            while (f.endsWith("0")) {
                f = f.substring(0, f.length() - 1);
            }
            sb.append('.').append(f);
        }
        return sb.append('Z').toString();
    }

    /** Go's {@code strconv.FormatFloat(v, 'e', -1, 64)}: {@code 1e+00}, {@code 9.55e+01}. */
    static String exponent(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v < 0 ? "-" : "") + "0e+00";
        }
        BigDecimal b = new BigDecimal(dev.vigil.tsdb.text.GoFloat.g(Math.abs(v))).stripTrailingZeros();
        String digits = b.unscaledValue().toString();
        int x = b.precision() - b.scale() - 1;
        StringBuilder sb = new StringBuilder(v < 0 ? "-" : "");
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('e').append(x < 0 ? '-' : '+');
        if (Math.abs(x) < 10) {
            sb.append('0');
        }
        return sb.append(Math.abs(x)).toString();
    }
}
