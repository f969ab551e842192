package dev.vigil.query.rules.ruletest;

import dev.vigil.query.text.GoText;
import dev.vigil.tsdb.text.GoDuration;
import dev.vigil.tsdb.text.GoFloat;
import java.util.Map;
import java.util.TreeMap;

/** The ways promtool prints labels, numbers and times in its test failures. */
final class GoFormats {
    private GoFormats() {
    }

    /** Go's labels.Labels String(): {@code {a="1", b="2"}}, names sorted, values Go-quoted. */
    static String labels(Map<String, String> labels) {
        StringBuilder sb = new StringBuilder("{");
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(e.getKey()).append('=').append(GoText.quote(e.getValue()));
        }
        return sb.append('}').toString();
    }

    /** {@code strconv.FormatFloat(v, 'E', -1, 64)}: {@code 9.5E+02}, {@code 1E+00}, {@code 1E-05}. */
    static String floatE(double v) {
        return GoFloat.upperE(v);
    }

    /** Prometheus's model.Duration String(): {@code 1m30s}, {@code 2h}, {@code 0s}; y and w only when exact. */
    static String modelDuration(long ms) {
        return GoDuration.format(ms);
    }

    /** Go's time.Duration String() for whole milliseconds: {@code 1m0s}, {@code 1h2m3.5s}, {@code 500ms}. */
    static String goDuration(long ms) {
        return GoDuration.timeDuration(ms);
    }
}
