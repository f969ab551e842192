package dev.vigil.query.rules.template;

import dev.vigil.tsdb.text.GoFloat;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Map;

/** Go's fmt for the verbs rule templates use: {@code %v %s %d %f %e %g %q %x %%} with flags, width and precision. */
final class GoFormat {
    private GoFormat() {
    }

    /** {@code fmt.Sprintf(format, args...)}; a verb that does not fit its argument prints Go's {@code %!verb(type=value)}. */
    static String sprintf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int a = 0;
        for (int i = 0; i < format.length(); i++) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            i++;
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            boolean minus = false;
            boolean plus = false;
            boolean zero = false;
            boolean space = false;
            for (; i < format.length(); i++) {
                char f = format.charAt(i);
                if (f == '-') {
                    minus = true;
                } else if (f == '+') {
                    plus = true;
                } else if (f == '0') {
                    zero = true;
                } else if (f == ' ') {
                    space = true;
                } else if (f != '#') {
                    break;
                }
            }
            int width = -1;
            int start = i;
            while (i < format.length() && Character.isDigit(format.charAt(i))) {
                i++;
            }
            if (i > start) {
                width = Integer.parseInt(format.substring(start, i));
            }
            int prec = -1;
            if (i < format.length() && format.charAt(i) == '.') {
                i++;
                start = i;
                while (i < format.length() && Character.isDigit(format.charAt(i))) {
                    i++;
                }
                prec = i > start ? Integer.parseInt(format.substring(start, i)) : 0;
            }
            if (i >= format.length()) {
                out.append("%!(NOVERB)");
                break;
            }
            char verb = format.charAt(i);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (a >= args.size()) {
                out.append("%!").append(verb).append("(MISSING)");
                continue;
            }
            Object arg = args.get(a++);
            String s = verb(verb, arg, prec, plus, space);
            if (width > s.length()) {
                String pad = (zero && !minus && !(arg instanceof String) ? "0" : " ").repeat(width - s.length());
                if (minus) {
                    s = s + pad;
                } else if (pad.charAt(0) == '0' && (s.startsWith("-") || s.startsWith("+"))) {
                    s = s.charAt(0) + pad + s.substring(1);
                } else {
                    s = pad + s;
                }
            }
            out.append(s);
        }
        if (a < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = a; k < args.size(); k++) {
                if (k > a) {
                    out.append(", ");
                }
                out.append(typeName(args.get(k))).append('=').append(print(args.get(k)));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static String verb(char verb, Object arg, int prec, boolean plus, boolean space) {
        switch (verb) {
            case 'v':
                return sign(print(arg), arg, plus);
            case 's':
                if (arg instanceof String s) {
                    return prec >= 0 && prec < s.length() ? s.substring(0, prec) : s;
                }
                if (arg instanceof Double || arg instanceof Long || arg instanceof Boolean) {
                    return bad(verb, arg);
                }
                return print(arg);
            case 'q':
                return arg instanceof String s ? dev.vigil.query.text.GoText.quote(s) : bad(verb, arg);
            case 'd':
                return arg instanceof Long l ? sign(Long.toString(l), arg, plus) : bad(verb, arg);
            case 'x', 'X': {
                String s;
                if (arg instanceof Long l) {
                    s = Long.toHexString(l);
                } else if (arg instanceof String str) {
                    StringBuilder sb = new StringBuilder();
                    for (byte b : str.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
                        sb.append(String.format("%02x", b & 0xff));
                    }
                    s = sb.toString();
                } else {
                    return bad(verb, arg);
                }
                return verb == 'X' ? s.toUpperCase(java.util.Locale.ROOT) : s;
            }
            case 'f', 'F', 'e', 'E', 'g', 'G': {
                if (!(arg instanceof Double d)) {
                    return bad(verb, arg);
                }
                String s = switch (Character.toLowerCase(verb)) {
                    case 'f' -> fixed(d, prec < 0 ? 6 : prec);
                    case 'e' -> exponent(d, prec < 0 ? 6 : prec);
                    default -> prec < 0 ? GoFloat.g(d) : general(d, prec);
                };
                if (Character.isUpperCase(verb)) {
                    s = s.toUpperCase(java.util.Locale.ROOT);
                }
                return sign(s, arg, plus || space);
            }
            case 't':
                return arg instanceof Boolean ? arg.toString() : bad(verb, arg);
            default:
                return bad(verb, arg);
        }
    }

    private static String sign(String s, Object arg, boolean plus) {
        if (plus && (arg instanceof Double || arg instanceof Long) && !s.startsWith("-") && !s.startsWith("+")) {
            return "+" + s;
        }
        return s;
    }

    private static String bad(char verb, Object arg) {
        return "%!" + verb + "(" + typeName(arg) + "=" + print(arg) + ")";
    }

    static String typeName(Object o) {
        if (o == null) {
            return "<nil>";
        }
        if (o instanceof String) {
            return "string";
        }
        if (o instanceof Double) {
            return "float64";
        }
        if (o instanceof Long) {
            return "int";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof Map) {
            return "map[string]string";
        }
        if (o instanceof Values.QuerySample) {
            return "*template.sample";
        }
        if (o instanceof List) {
            return "template.queryResult";
        }
        return o.getClass().getSimpleName();
    }

    /** Go's {@code %v}. */
    static String print(Object o) {
        if (o == null) {
            return "<nil>";
        }
        if (o instanceof Double d) {
            return GoFloat.g(d);
        }
        if (o instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("map[");
            boolean first = true;
            for (Map.Entry<?, ?> e : new java.util.TreeMap<>(m).entrySet()) {
                if (!first) {
                    sb.append(' ');
                }
                first = false;
                sb.append(print(e.getKey())).append(':').append(print(e.getValue()));
            }
            return sb.append(']').toString();
        }
        if (o instanceof Values.QuerySample s) {
            return "&{" + print(s.labels()) + " " + GoFloat.g(s.value()) + "}";
        }
        if (o instanceof List<?> l) {
            StringBuilder sb = new StringBuilder("[");
            for (int i = 0; i < l.size(); i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(print(l.get(i)));
            }
            return sb.append(']').toString();
        }
        return o.toString();
    }

    /** {@code strconv.FormatFloat(v, 'f', prec, 64)}. */
    static String fixed(double v, int prec) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFloat.g(v);
        }
        String s = new BigDecimal(v).setScale(prec, RoundingMode.HALF_EVEN).toPlainString();
        return negZero(v, s);
    }

    /** {@code strconv.FormatFloat(v, 'e', prec, 64)}. */
    static String exponent(double v, int prec) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFloat.g(v);
        }
        String[] dp = digits(v, prec + 1);
        String digits = dp[0];
        int x = Integer.parseInt(dp[1]) - 1;
        StringBuilder sb = new StringBuilder();
        if (v < 0 || (v == 0 && 1 / v < 0)) {
            sb.append('-');
        }
        sb.append(digits.charAt(0));
        if (prec > 0) {
            sb.append('.');
            for (int i = 1; i <= prec; i++) {
                sb.append(i < digits.length() ? digits.charAt(i) : '0');
            }
        }
        sb.append('e').append(x < 0 ? '-' : '+');
        int ax = Math.abs(x);
        if (ax < 10) {
            sb.append('0');
        }
        return sb.append(ax).toString();
    }

    /** {@code strconv.FormatFloat(v, 'g', prec, 64)}: trailing zeros dropped, exponent form for small or large exponents. */
    static String general(double v, int prec) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return GoFloat.g(v);
        }
        if (prec == 0) {
            prec = 1;
        }
        String[] dp = digits(v, prec);
        String digits = dp[0];
        int point = Integer.parseInt(dp[1]);
        int nd = digits.length();
        int eprec = prec;
        if (eprec > nd && nd >= point) {
            eprec = nd;
        }
        int x = point - 1;
        if (v == 0) {
            return 1 / v < 0 ? "-0" : "0";
        }
        if (x < -4 || x >= eprec) {
            int p = Math.min(prec, nd);
            return exponent(v, p - 1);
        }
        int p = prec > point ? nd : prec;
        return fixed(v, Math.max(p - point, 0));
    }

    /** The value rounded to {@code n} significant digits: digits without trailing zeros, and the decimal point position. */
    private static String[] digits(double v, int n) {
        if (v == 0) {
            return new String[] {"0", "1"};
        }
        BigDecimal b = new BigDecimal(Math.abs(v)).round(new MathContext(n, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        String d = b.unscaledValue().toString();
        return new String[] {d, Integer.toString(b.precision() - b.scale())};
    }

    private static String negZero(double v, String s) {
        if ((v < 0 || 1 / v < 0) && !s.startsWith("-")) {
            return "-" + s;
        }
        return s;
    }
}
