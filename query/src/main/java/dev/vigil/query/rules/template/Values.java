package dev.vigil.query.rules.template;

import java.util.Collection;
import java.util.Map;

/** The values templates handle and Go's rules for them: truth, conversion to float, comparison. */
final class Values {
    private Values() {
    }

    /** One element of a {@code query} result: {@code .Labels} and {@code .Value}. */
    record QuerySample(Map<String, String> labels, double value) {
    }

    /** Go's truth for {@code if}/{@code with}/{@code and}/{@code or}/{@code not}. */
    static boolean truth(Object o) {
        if (o == null) {
            return false;
        }
        if (o instanceof Boolean b) {
            return b;
        }
        if (o instanceof String s) {
            return !s.isEmpty();
        }
        if (o instanceof Long l) {
            return l != 0;
        }
        if (o instanceof Double d) {
            return d != 0;
        }
        if (o instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        if (o instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        return true;
    }

    /** Prometheus's convertToFloat: numbers, and strings that parse as Go floats. */
    static double toFloat(Object o) {
        if (o instanceof Double d) {
            return d;
        }
        if (o instanceof Long l) {
            return l;
        }
        if (o instanceof String s) {
            try {
                return parseGoFloat(s);
            } catch (NumberFormatException e) {
                throw new TemplateException("strconv.ParseFloat: parsing " + dev.vigil.query.text.GoText.quote(s)
                        + ": invalid syntax");
            }
        }
        throw new TemplateException("can't convert " + GoFormat.typeName(o) + " to float");
    }

    static double parseGoFloat(String s) {
        String t = s.strip();
        switch (t.toLowerCase(java.util.Locale.ROOT)) {
            case "inf", "+inf", "infinity", "+infinity" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf", "-infinity" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan" -> {
                return Double.NaN;
            }
            default -> {
            }
        }
        if (!t.equals(s) || t.isEmpty() || t.endsWith("d") || t.endsWith("f") || t.endsWith("D") || t.endsWith("F")) {
            throw new NumberFormatException(s);
        }
        return Double.parseDouble(t);
    }

    /** Go's {@code eq}/{@code lt}… on basic kinds; mixing kinds is an error, as in Go. */
    static int compare(Object a, Object b, boolean orderOnly) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        if (a instanceof Double x && b instanceof Double y) {
            return x < y ? -1 : x > y ? 1 : x.equals(y) || x == (double) y ? 0 : 2;
        }
        if (a instanceof String x && b instanceof String y) {
            return Integer.signum(x.compareTo(y));
        }
        if (a instanceof Boolean x && b instanceof Boolean y && !orderOnly) {
            return x.equals(y) ? 0 : 1;
        }
        if (a == null || b == null) {
            throw new TemplateException("invalid type for comparison");
        }
        if (kind(a) == kind(b)) {
            throw new TemplateException("invalid type for comparison");
        }
        throw new TemplateException("incompatible types for comparison");
    }

    private static int kind(Object o) {
        return o instanceof Long ? 1 : o instanceof Double ? 2 : o instanceof String ? 3 : o instanceof Boolean ? 4 : 5;
    }
}
