package dev.vigil.server.alerting;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.query.rules.OutgoingAlert;
import dev.vigil.tsdb.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** The body Prometheus posts to Alertmanager's API v2: an array of alerts, times in RFC 3339 UTC. */
final class AlertJson {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

    private AlertJson() {
    }

    /** External labels are added to each alert unless it has the label already. */
    static byte[] encode(List<OutgoingAlert> alerts, Map<String, String> externalLabels) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartArray();
            for (OutgoingAlert a : alerts) {
                g.writeStartObject();
                Labels.Builder b = a.labels().toBuilder();
                externalLabels.forEach((k, v) -> {
                    if (!a.labels().has(k)) {
                        b.set(k, v);
                    }
                });
                g.writeObjectFieldStart("labels");
                labels(g, b.build());
                g.writeEndObject();
                if (!a.annotations().isEmpty()) {
                    g.writeObjectFieldStart("annotations");
                    labels(g, a.annotations());
                    g.writeEndObject();
                }
                g.writeStringField("startsAt", time(a.startsAtMs()));
                g.writeStringField("endsAt", time(a.endsAtMs()));
                g.writeStringField("generatorURL", a.generatorURL());
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void labels(JsonGenerator g, Labels l) throws IOException {
        for (int i = 0; i < l.size(); i++) {
            g.writeStringField(l.name(i), l.value(i));
        }
    }

    /** Go's RFC3339Nano in UTC for a time in ms: {@code 2024-01-02T10:00:07.254Z}. */
    static String time(long ms) {
        StringBuilder sb = new StringBuilder(SECONDS.format(Instant.ofEpochMilli(ms).atOffset(ZoneOffset.UTC)));
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
}
