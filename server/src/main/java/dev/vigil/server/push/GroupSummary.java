package dev.vigil.server.push;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.ingest.push.GroupView;
import dev.vigil.tsdb.Labels;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One page of push groups with their counts and state, filtered on the server: what the push
 * groups page shows. {@code /api/v1/metrics} carries every value of every group (tens of MB with
 * 100,000 series), which a page listing groups must not download.
 */
final class GroupSummary {
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 1000;
    private static final JsonFactory JSON = new JsonFactory();

    private GroupSummary() {
    }

    /**
     * Whether a group matches every whitespace-separated term of {@code filter}: {@code name=text}
     * asks for label {@code name} whose value contains {@code text}; a bare term matches any label
     * name or value containing it.
     */
    static boolean matches(Labels key, String filter) {
        for (String term : filter.trim().split("\\s+")) {
            if (term.isEmpty()) {
                continue;
            }
            int eq = term.indexOf('=');
            boolean found = false;
            for (java.util.Map.Entry<String, String> e : dev.vigil.ingest.push.GroupKeys.shown(key).entrySet()) {
                String n = e.getKey();
                String v = e.getValue();
                found = eq >= 0 ? n.equals(term.substring(0, eq)) && v.contains(term.substring(eq + 1)) : n.contains(term) || v.contains(term);
                if (found) {
                    break;
                }
            }
            if (!found) {
                return false;
            }
        }
        return true;
    }

    static void write(OutputStream out, List<GroupView> all, String filter, int offset, int limit, long ttlMs, long nowMs)
            throws IOException {
        List<GroupView> matched = new ArrayList<>();
        for (GroupView v : all) {
            if (matches(v.key(), filter)) {
                matched.add(v);
            }
        }
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeObjectFieldStart("data");
            g.writeNumberField("total", all.size());
            g.writeNumberField("matched", matched.size());
            g.writeNumberField("offset", offset);
            g.writeNumberField("ttlSeconds", ttlMs / 1000.0);
            g.writeArrayFieldStart("groups");
            for (int i = offset; i < Math.min(matched.size(), offset + limit); i++) {
                writeGroup(g, matched.get(i), ttlMs, nowMs);
            }
            g.writeEndArray();
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    private static void writeGroup(JsonGenerator g, GroupView v, long ttlMs, long nowMs) throws IOException {
        int series = 0;
        for (GroupView.FamilyView f : v.families()) {
            series += f.series().length;
        }
        g.writeStartObject();
        g.writeObjectFieldStart("labels");
        for (java.util.Map.Entry<String, String> e : dev.vigil.ingest.push.GroupKeys.shown(v.key()).entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeNumberField("lastPushTime", v.pushTimeSeconds());
        g.writeNumberField("lastFailureTime", v.failureTimeSeconds());
        g.writeBooleanField("lastPushSuccessful", v.lastPushSuccessful());
        g.writeNumberField("families", v.families().size());
        g.writeNumberField("series", series);
        String state = !v.lastPushSuccessful() ? "failed" : ttlMs > 0 && nowMs - v.lastPushMs() > ttlMs ? "expired" : "ok";
        g.writeStringField("state", state.toLowerCase(Locale.ROOT));
        g.writeEndObject();
    }
}
