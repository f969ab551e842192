package dev.vigil.server.push;

import dev.vigil.ingest.push.GroupKeys;
import dev.vigil.ingest.push.GroupView;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.text.GoFloat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The push port's {@code GET /metrics}: every group's series in text format, as a scrape of the replaced gateway shows them. */
final class Exposition {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private Exposition() {
    }

    /** Every group's series, merged per family. */
    static String render(List<GroupView> groups) {
        // Merge groups per family, as one scrape of the replaced gateway shows them.
        TreeMap<String, StringBuilder> bodies = new TreeMap<>();
        TreeMap<String, String[]> meta = new TreeMap<>();
        for (GroupView v : groups) {
            for (GroupView.FamilyView f : v.families()) {
                meta.putIfAbsent(f.name(), new String[] {f.help(), f.type()});
                StringBuilder sb = bodies.computeIfAbsent(f.name(), k -> new StringBuilder());
                for (int i = 0; i < f.series().length; i++) {
                    line(sb, f.series()[i], f.values()[i]);
                }
            }
            Labels stored = GroupKeys.stored(v.key());
            line(bodies.computeIfAbsent(GroupView.PUSH_FAILURE_TIME, k -> new StringBuilder()),
                    stored.toBuilder().set(Labels.METRIC_NAME, GroupView.PUSH_FAILURE_TIME).build(), v.failureTimeSeconds());
            line(bodies.computeIfAbsent(GroupView.PUSH_TIME, k -> new StringBuilder()),
                    stored.toBuilder().set(Labels.METRIC_NAME, GroupView.PUSH_TIME).build(), v.pushTimeSeconds());
        }
        meta.put(GroupView.PUSH_TIME, new String[] {GroupView.PUSH_TIME_HELP, "gauge"});
        meta.put(GroupView.PUSH_FAILURE_TIME, new String[] {GroupView.PUSH_FAILURE_TIME_HELP, "gauge"});
        StringBuilder out = new StringBuilder(1 << 16);
        for (Map.Entry<String, StringBuilder> e : bodies.entrySet()) {
            String[] m = meta.get(e.getKey());
            if (m[0] != null && !m[0].isEmpty()) {
                out.append("# HELP ").append(e.getKey()).append(' ').append(m[0].replace("\\", "\\\\").replace("\n", "\\n")).append('\n');
            }
            out.append("# TYPE ").append(e.getKey()).append(' ').append(m[1]).append('\n');
            out.append(e.getValue());
        }
        return out.toString();
    }

    private static void line(StringBuilder sb, Labels l, double v) {
        sb.append(l.metricName());
        boolean any = false;
        for (int i = 0; i < l.size(); i++) {
            if (l.name(i).equals(Labels.METRIC_NAME)) {
                continue;
            }
            sb.append(any ? ',' : '{').append(l.name(i)).append("=\"");
            String s = l.value(i);
            for (int j = 0; j < s.length(); j++) {
                char c = s.charAt(j);
                switch (c) {
                    case '\\' -> sb.append("\\\\");
                    case '"' -> sb.append("\\\"");
                    case '\n' -> sb.append("\\n");
                    default -> sb.append(c);
                }
            }
            sb.append('"');
            any = true;
        }
        if (any) {
            sb.append('}');
        }
        sb.append(' ').append(GoFloat.g(v)).append('\n');
    }
}
