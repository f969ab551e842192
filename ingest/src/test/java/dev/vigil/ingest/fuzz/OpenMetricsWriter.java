package dev.vigil.ingest.fuzz;

import dev.vigil.ingest.ParseSink;
import dev.vigil.tsdb.Labels;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes what a parser reads back as OpenMetrics text, and records it in a form two parses can be
 * compared by: the fuzz property that re-encoding what was decoded decodes to the same.
 */
final class OpenMetricsWriter implements ParseSink {
    /**
     * Beyond 2^44 ms (the year 2527) a timestamp in seconds with three decimals no longer parses
     * back to the same ms through a double; of such timestamps only their presence is compared.
     */
    private static final long EXACT_MS = 1L << 44;

    private final StringBuilder text = new StringBuilder();
    private final List<String> read = new ArrayList<>();
    private final Map<String, String> types = new HashMap<>();

    /** Everything read, in order, without line numbers. */
    List<String> read() {
        return read;
    }

    /** What was read, as an OpenMetrics body. */
    byte[] body() {
        return (text + "# EOF\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void help(String family, String help) {
        text.append("# HELP ").append(family).append(' ').append(escape(help)).append('\n');
        read.add("help " + family + " " + help);
    }

    @Override
    public void type(String family, String type) {
        text.append("# TYPE ").append(family).append(' ').append(type).append('\n');
        types.put(family, type);
        read.add("type " + family + " " + type);
    }

    @Override
    public void unit(String family, String unit) {
        text.append("# UNIT ").append(family).append(' ').append(unit).append('\n');
        read.add("unit " + family + " " + unit);
    }

    @Override
    public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
        throw new AssertionError("parsers name the family of each sample");
    }

    @Override
    public void sample(String family, Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
        text.append(labels.metricName());
        StringBuilder set = new StringBuilder();
        labels.forEach((n, v) -> {
            if (!n.equals(Labels.METRIC_NAME)) {
                set.append(set.length() == 0 ? "" : ",").append(n).append("=\"").append(escape(v)).append('"');
            }
        });
        // A stateset sample names its state in a label called like the family; read with an empty
        // value, that label was dropped like every empty one, but the format still needs it.
        if ("stateset".equals(types.get(family)) && !labels.has(family)) {
            set.append(set.length() == 0 ? "" : ",").append(family).append("=\"\"");
        }
        if (set.length() > 0) {
            text.append('{').append(set).append('}');
        }
        text.append(' ').append(number(value));
        if (hasTimestamp) {
            text.append(' ').append(BigDecimal.valueOf(timestampMs, 3).toPlainString());
        }
        text.append('\n');
        String ts = !hasTimestamp ? "-" : Math.abs(timestampMs) < EXACT_MS ? Long.toString(timestampMs) : "beyond 2^44";
        read.add(family + " " + labels + " " + Double.doubleToRawLongBits(value) + " " + ts);
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(v);
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
