package dev.vigil.server.federate;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.text.GoFloat;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.TreeMap;

/**
 * Writes federated samples in the text exposition format 0.0.4 exactly as Prometheus 2.42's
 * {@code /federate} does: one {@code # TYPE name untyped} line per metric name, the series'
 * own labels in order, then the external labels it lacks (by name; {@code instance=""} is one
 * of them unless configured), then the value and the timestamp in ms.
 */
public final class FederationText {
    /** The content type Prometheus answers {@code /federate} with for the text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final String[] names;
    private final String[] values;

    /** @param externalLabels {@code global.external_labels} of the configuration */
    public FederationText(Labels externalLabels) {
        // Prometheus adds an empty instance label to what federation attaches, so a series
        // without one is not given the scraping job's instance by the scraper.
        TreeMap<String, String> m = new TreeMap<>();
        externalLabels.forEach(m::put);
        m.putIfAbsent("instance", "");
        names = m.keySet().toArray(new String[0]);
        values = m.values().toArray(new String[0]);
    }

    public void write(List<LatestSamples.Sample> samples, Writer out) throws IOException {
        StringBuilder line = new StringBuilder(256);
        String family = null;
        for (LatestSamples.Sample s : samples) {
            Labels l = s.labels();
            String name = l.metricName();
            line.setLength(0);
            if (!name.equals(family)) {
                line.append("# TYPE ").append(name).append(" untyped\n");
                family = name;
            }
            line.append(name);
            boolean first = true;
            for (int i = 0; i < l.size(); i++) {
                String n = l.name(i);
                if (n.equals(Labels.METRIC_NAME) || l.value(i).isEmpty()) {
                    continue;
                }
                first = label(line, first, n, l.value(i));
            }
            for (int i = 0; i < names.length; i++) {
                if (l.get(names[i]).isEmpty()) {
                    first = label(line, first, names[i], values[i]);
                }
            }
            if (!first) {
                line.append('}');
            }
            line.append(' ');
            GoFloat.appendG(s.v(), line);
            line.append(' ').append(s.t()).append('\n');
            out.append(line);
        }
    }

    private static boolean label(StringBuilder line, boolean first, String name, String value) {
        line.append(first ? '{' : ',').append(name).append("=\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> line.append("\\\\");
                case '"' -> line.append("\\\"");
                case '\n' -> line.append("\\n");
                default -> line.append(c);
            }
        }
        line.append('"');
        return false;
    }
}
