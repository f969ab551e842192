package dev.vigil.server.alerting;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.tsdb.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Alertmanager's webhook payload (version 4) for one group: what Slack, Teams and DingTalk
 * bridges behind an Alertmanager already read.
 */
final class WebhookMessage {
    private static final JsonFactory FACTORY = new JsonFactory();
    /** Go's zero time: how Alertmanager writes the endsAt of a firing alert. */
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

    private WebhookMessage() {
    }

    /** An alert as the group holds it; {@code resolved} as of the flush. */
    record Item(Labels labels, Labels annotations, long startsAtMs, long endsAtMs, String generatorURL, boolean resolved) {
    }

    static byte[] encode(String receiver, String groupKey, Labels groupLabels, List<Item> alerts, int truncated, String externalURL) {
        boolean firing = alerts.stream().anyMatch(a -> !a.resolved());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("receiver", receiver.replaceAll("([\\\\.+*?()|\\[\\]{}^$])", "\\\\$1"));
            g.writeStringField("status", firing ? "firing" : "resolved");
            g.writeArrayFieldStart("alerts");
            for (Item a : alerts) {
                g.writeStartObject();
                g.writeStringField("status", a.resolved() ? "resolved" : "firing");
                map(g, "labels", a.labels());
                map(g, "annotations", a.annotations());
                g.writeStringField("startsAt", AlertJson.time(a.startsAtMs()));
                g.writeStringField("endsAt", a.resolved() ? AlertJson.time(a.endsAtMs()) : ZERO_TIME);
                g.writeStringField("generatorURL", a.generatorURL());
                g.writeStringField("fingerprint", fingerprint(a.labels()));
                g.writeEndObject();
            }
            g.writeEndArray();
            map(g, "groupLabels", groupLabels);
            map(g, "commonLabels", common(alerts, true));
            map(g, "commonAnnotations", common(alerts, false));
            g.writeStringField("externalURL", externalURL);
            g.writeStringField("version", "4");
            g.writeStringField("groupKey", groupKey);
            g.writeNumberField("truncatedAlerts", truncated);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** The label pairs every alert of the group has. */
    private static Labels common(List<Item> alerts, boolean labels) {
        if (alerts.isEmpty()) {
            return Labels.EMPTY;
        }
        Map<String, String> c = new TreeMap<>();
        Labels first = labels ? alerts.get(0).labels() : alerts.get(0).annotations();
        first.forEach(c::put);
        for (Item a : alerts) {
            Labels l = labels ? a.labels() : a.annotations();
            c.entrySet().removeIf(e -> !e.getValue().equals(l.get(e.getKey())));
        }
        return Labels.of(c);
    }

    private static void map(JsonGenerator g, String field, Labels l) throws IOException {
        g.writeObjectFieldStart(field);
        for (int i = 0; i < l.size(); i++) {
            g.writeStringField(l.name(i), l.value(i));
        }
        g.writeEndObject();
    }

    /** Alertmanager's fingerprint: FNV-1a 64 over the sorted pairs, name 0xff value 0xff, as 16 hex digits. */
    static String fingerprint(Labels l) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < l.size(); i++) {
            h = fnv(h, l.name(i));
            h = (h ^ 0xff) * 0x100000001b3L;
            h = fnv(h, l.value(i));
            h = (h ^ 0xff) * 0x100000001b3L;
        }
        return String.format("%016x", h);
    }

    private static long fnv(long h, String s) {
        for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** Alertmanager's group key of the root route: {@code {}:{alertname="X"}}. */
    static String groupKey(Labels groupLabels) {
        return groupKey("{}", groupLabels);
    }

    /** Alertmanager's group key: the route's key, then the group labels: {@code {}/{team="a"}:{alertname="X"}}. */
    static String groupKey(String routeKey, Labels groupLabels) {
        StringBuilder sb = new StringBuilder(routeKey).append(":{");
        for (int i = 0; i < groupLabels.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(groupLabels.name(i)).append('=').append(dev.vigil.query.text.GoText.quote(groupLabels.value(i)));
        }
        return sb.append('}').toString();
    }
}
