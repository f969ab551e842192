package dev.vigil.query.rules.ruletest;

import dev.vigil.tsdb.Values;
import java.util.ArrayList;
import java.util.List;

/**
 * The expanding notation of a test's {@code values}: {@code a+bxn} and {@code a-bxn} (n+1 values),
 * {@code axn} (n+1 copies), {@code _} (no sample), {@code _xn} (n without samples), {@code stale}.
 */
final class SeriesValues {
    private SeriesValues() {
    }

    /**
     * The values in order, {@code null} where there is no sample; stale markers as the stale NaN.
     *
     * @throws IllegalArgumentException naming the token that is not understood
     */
    static List<Double> expand(String text) {
        List<Double> out = new ArrayList<>();
        for (String tok : text.trim().split("\\s+")) {
            if (tok.isEmpty()) {
                continue;
            }
            if (tok.equals("_")) {
                out.add(null);
                continue;
            }
            if (tok.equals("stale")) {
                out.add(Values.STALE_NAN);
                continue;
            }
            int x = tok.lastIndexOf('x');
            if (x < 0) {
                out.add(number(tok, text));
                continue;
            }
            int times = count(tok.substring(x + 1), text);
            String head = tok.substring(0, x);
            if (head.equals("_")) {
                for (int i = 0; i < times; i++) {
                    out.add(null);
                }
                continue;
            }
            int op = splitOp(head);
            double start = number(op < 0 ? head : head.substring(0, op), text);
            double step = op < 0 ? 0 : number(head.substring(op + 1), text) * (head.charAt(op) == '-' ? -1 : 1);
            for (int i = 0; i <= times; i++) {
                out.add(start + step * i);
            }
        }
        return out;
    }

    /** The index of the + or - between start and step, or -1: not a sign or an exponent's sign. */
    private static int splitOp(String s) {
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            char prev = s.charAt(i - 1);
            if ((c == '+' || c == '-') && prev != 'e' && prev != 'E') {
                return i;
            }
        }
        return -1;
    }

    private static int count(String s, String text) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad repetition count " + quote(s) + " in values " + quote(text));
        }
    }

    private static double number(String s, String text) {
        switch (s.toLowerCase(java.util.Locale.ROOT)) {
            case "inf", "+inf" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-inf" -> {
                return Double.NEGATIVE_INFINITY;
            }
            case "nan" -> {
                return Double.NaN;
            }
            default -> {
            }
        }
        try {
            if (s.isEmpty() || s.endsWith("d") || s.endsWith("f") || s.endsWith("D") || s.endsWith("F")) {
                throw new NumberFormatException();
            }
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad number " + quote(s) + " in values " + quote(text));
        }
    }

    private static String quote(String s) {
        return dev.vigil.query.text.GoText.quote(s);
    }
}
