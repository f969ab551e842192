package dev.vigil.server.push;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.ingest.Ingest;
import dev.vigil.ingest.push.GoFormat;
import dev.vigil.ingest.push.GroupKeys;
import dev.vigil.ingest.push.GroupView;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.text.GoFloat;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** The push API's JSON views: {@code /api/v1/status}, {@code /api/v1/metrics} and {@code /api/v1/push/groups}. */
final class PushJson {
    private static final JsonFactory JSON = new JsonFactory();

    private final Ingest ingest;
    private final Map<String, String> flags;
    private final String version;
    private final long startMs;

    /**
     * @param flags every flag as a string, for {@code /api/v1/status}
     * @param version the build version
     * @param startMs process start, for {@code /api/v1/status}
     */
    PushJson(Ingest ingest, Map<String, String> flags, String version, long startMs) {
        this.ingest = ingest;
        this.flags = flags;
        this.version = version;
        this.startMs = startMs;
    }

    void statusJson(HttpServerExchange ex) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeObjectFieldStart("data");
            g.writeObjectFieldStart("build_information");
            g.writeStringField("branch", "");
            g.writeStringField("buildDate", "");
            g.writeStringField("buildUser", "");
            g.writeStringField("goVersion", "java" + Runtime.version().feature());
            g.writeStringField("revision", "");
            g.writeStringField("version", version);
            g.writeEndObject();
            g.writeObjectFieldStart("flags");
            for (Map.Entry<String, String> e : new TreeMap<>(flags).entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            g.writeStringField("start_time", GoFormat.rfc3339Nano(startMs));
            g.writeEndObject();
            g.writeEndObject();
        }
        Exchanges.json(ex, out.toByteArray());
    }

    /** Streamed to the client group by group: 200 groups of 2,000 series are ~150 MB of JSON, never held at once. */
    void metricsJson(HttpServerExchange ex) throws IOException {
        List<GroupView> all = ingest.groups();
        Exchanges.corsHeaders(ex);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        try (JsonGenerator g = JSON.createGenerator(ex.getOutputStream())) {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeArrayFieldStart("data");
            for (GroupView v : all) {
                writeGroup(g, v);
            }
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** {@code GET /api/v1/push/groups?filter=&offset=&limit=}: the push groups page's data. */
    void groupSummary(HttpServerExchange ex) throws IOException {
        String filter = param(ex, "filter", "");
        int offset;
        int limit;
        try {
            offset = Integer.parseInt(param(ex, "offset", "0"));
            limit = Integer.parseInt(param(ex, "limit", String.valueOf(GroupSummary.DEFAULT_LIMIT)));
        } catch (NumberFormatException e) {
            Exchanges.text(ex, 400, "offset and limit must be whole numbers");
            return;
        }
        if (offset < 0 || limit < 1 || limit > GroupSummary.MAX_LIMIT) {
            Exchanges.text(ex, 400, "offset must be >= 0 and limit between 1 and " + GroupSummary.MAX_LIMIT);
            return;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 12);
        GroupSummary.write(out, ingest.groups(), filter, offset, limit, ingest.options().groupTtlMs(), System.currentTimeMillis());
        Exchanges.json(ex, out.toByteArray());
    }

    private static String param(HttpServerExchange ex, String name, String dflt) {
        Deque<String> v = ex.getQueryParameters().get(name);
        return v == null || v.isEmpty() ? dflt : v.getFirst();
    }

    private static void writeGroup(JsonGenerator g, GroupView v) throws IOException {
        String[] empty = GroupKeys.emptyNames(v.key());
        g.writeStartObject();
        g.writeObjectFieldStart("labels");
        for (Map.Entry<String, String> e : GroupKeys.shown(v.key()).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        for (GroupView.FamilyView f : v.families()) {
            g.writeObjectFieldStart(f.name());
            g.writeStringField("time_stamp", GoFormat.rfc3339Nano(f.timestampMs()));
            g.writeStringField("type", f.type().toUpperCase(Locale.ROOT));
            if (f.help() != null && !f.help().isEmpty()) {
                g.writeStringField("help", f.help());
            }
            g.writeArrayFieldStart("metrics");
            switch (f.type()) {
                case "summary", "histogram" -> writeComplex(g, f, empty);
                default -> {
                    for (int i = 0; i < f.series().length; i++) {
                        g.writeStartObject();
                        writeLabels(g, f.series()[i], empty);
                        g.writeStringField("value", GoFloat.g(f.values()[i]));
                        g.writeEndObject();
                    }
                }
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeBooleanField("last_push_successful", v.lastPushSuccessful());
        Labels stored = GroupKeys.stored(v.key());
        writeOwn(g, GroupView.PUSH_TIME, GroupView.PUSH_TIME_HELP, v.pushStampMs(), stored, empty, v.pushTimeSeconds());
        writeOwn(g, GroupView.PUSH_FAILURE_TIME, GroupView.PUSH_FAILURE_TIME_HELP, v.failureStampMs(), stored, empty, v.failureTimeSeconds());
        g.writeEndObject();
    }

    private static void writeOwn(JsonGenerator g, String name, String help, long stamp, Labels key, String[] empty, double value)
            throws IOException {
        g.writeObjectFieldStart(name);
        g.writeStringField("time_stamp", GoFormat.rfc3339Nano(stamp));
        g.writeStringField("type", "GAUGE");
        g.writeStringField("help", help);
        g.writeArrayFieldStart("metrics");
        g.writeStartObject();
        writeLabels(g, key, empty);
        g.writeStringField("value", GoFloat.g(value));
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
    }

    /** Labels as the JSON shows them: without the name, with {@code instance=""} when absent. */
    private static void writeLabels(JsonGenerator g, Labels l, String[] emptyGrouping) throws IOException {
        g.writeObjectFieldStart("labels");
        if (emptyGrouping.length > 0) {
            // Grouping labels with an empty value are shown, as the API we replace shows them.
            TreeMap<String, String> all = new TreeMap<>();
            l.forEach(all::put);
            all.remove(Labels.METRIC_NAME);
            all.putIfAbsent("instance", "");
            for (String n : emptyGrouping) {
                all.put(n, "");
            }
            for (Map.Entry<String, String> e : all.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
            }
            g.writeEndObject();
            return;
        }
        boolean instance = l.has("instance");
        for (int i = 0; i < l.size(); i++) {
            String n = l.name(i);
            if (n.equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (!instance && n.compareTo("instance") > 0) {
                g.writeStringField("instance", "");
                instance = true;
            }
            g.writeStringField(n, l.value(i));
        }
        if (!instance) {
            g.writeStringField("instance", "");
        }
        g.writeEndObject();
    }

    /** Summaries and histograms: one entry per child (labels without quantile/le), count, sum, quantiles or buckets. */
    private static void writeComplex(JsonGenerator g, GroupView.FamilyView f, String[] empty) throws IOException {
        boolean summary = f.type().equals("summary");
        String sub = summary ? "quantile" : "le";
        Map<Labels, double[]> countSum = new LinkedHashMap<>();
        Map<Labels, List<String[]>> parts = new LinkedHashMap<>();
        for (int i = 0; i < f.series().length; i++) {
            Labels l = f.series()[i];
            String name = l.metricName();
            Labels child = l.without(Labels.METRIC_NAME, sub);
            double[] cs = countSum.computeIfAbsent(child, k -> new double[] {0, 0});
            parts.computeIfAbsent(child, k -> new ArrayList<>());
            if (name.equals(f.name() + "_count")) {
                cs[0] = f.values()[i];
            } else if (name.equals(f.name() + "_sum")) {
                cs[1] = f.values()[i];
            } else if (l.has(sub)) {
                parts.get(child).add(new String[] {GoFloat.g(Double.parseDouble(l.get(sub).replace("Inf", "Infinity"))), GoFloat.g(f.values()[i])});
            }
        }
        for (Map.Entry<Labels, double[]> e : countSum.entrySet()) {
            g.writeStartObject();
            writeLabels(g, e.getKey(), empty);
            g.writeStringField("count", GoFloat.g(e.getValue()[0]));
            g.writeStringField("sum", GoFloat.g(e.getValue()[1]));
            g.writeObjectFieldStart(summary ? "quantiles" : "buckets");
            for (String[] p : parts.get(e.getKey())) {
                g.writeStringField(p[0], p[1]);
            }
            g.writeEndObject();
            g.writeEndObject();
        }
    }
}
