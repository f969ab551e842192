package dev.vigil.query.rules.ruletest;

import dev.vigil.query.text.GoText;
import dev.vigil.tsdb.text.GoDuration;
import java.math.BigDecimal;
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
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == 0) {
            return (1 / v < 0 ? "-" : "") + "0E+00";
        }
        BigDecimal d = new BigDecimal(Double.toString(v)).stripTrailingZeros();
        String digits = d.unscaledValue().abs().toString();
        int exp = digits.length() - 1 - d.scale();
        StringBuilder sb = new StringBuilder();
        if (v < 0) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (digits.length() > 1) {
            sb.append('.').append(digits, 1, digits.length());
        }
        sb.append('E').append(exp < 0 ? '-' : '+');
        int a = Math.abs(exp);
        if (a < 10) {
            sb.append('0');
        }
        return sb.append(a).toString();
    }

    /** Prometheus's model.Duration String(): {@code 1m30s}, {@code 2h}, {@code 0s}; y and w only when exact. */
    static String modelDuration(long ms) {
        return GoDuration.format(ms);
    }

    /** Go's time.Duration String() for whole milliseconds: {@code 1m0s}, {@code 1h2m3.5s}, {@code 500ms}. */
    static String goDuration(long ms) {
        if (ms == 0) {
            return "0s";
        }
        if (Math.abs(ms) < 1000) {
            return ms + "ms";
        }
        StringBuilder sb = new StringBuilder();
        if (ms < 0) {
            sb.append('-');
            ms = -ms;
        }
        long h = ms / 3_600_000;
        long m = ms / 60_000 % 60;
        long s = ms / 1000 % 60;
        long frac = ms % 1000;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            sb.append(m).append('m');
        }
        sb.append(s);
        if (frac > 0) {
            String f = String.format("%03d", frac).replaceAll("0+$", "");
            sb.append('.').append(f);
        }
        return sb.append('s').toString();
    }
}
