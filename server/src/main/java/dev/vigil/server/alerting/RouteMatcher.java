package dev.vigil.server.alerting;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.vigil.tsdb.Labels;
import java.util.Comparator;

/**
 * One of a route's matchers, as Alertmanager's: {@code =}, {@code !=}, {@code =~}, {@code !~}
 * against a label's value (a missing label is the empty value), regexes anchored at both ends.
 */
public record RouteMatcher(String name, String op, String value, Pattern regex) {
    /** Alertmanager's order of a route's matchers: by name, then value, then operator. */
    static final Comparator<RouteMatcher> ORDER = Comparator.comparing(RouteMatcher::name).thenComparing(RouteMatcher::value)
            .thenComparingInt(m -> opIndex(m.op()));
    private static final java.util.regex.Pattern TEXT =
            java.util.regex.Pattern.compile("^\\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*(=~|=|!=|!~)\\s*(.*?)\\s*$", java.util.regex.Pattern.DOTALL);

    /** @throws IllegalArgumentException when a regex does not compile */
    static RouteMatcher of(String name, String op, String value) {
        Pattern re = null;
        if (op.endsWith("~")) {
            try {
                re = Pattern.compile("^(?:" + value + ")$");
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid regular expression " + dev.vigil.query.text.GoText.quote(value)
                        + ": " + e.getDescription());
            }
        }
        return new RouteMatcher(name, op, value, re);
    }

    /**
     * Parses one entry of {@code matchers}: {@code severity="critical"}, {@code team=~a|b}; the
     * value may be double-quoted with backslash escapes.
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    static RouteMatcher parse(String text) {
        java.util.regex.Matcher m = TEXT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad matcher format: " + text);
        }
        String v = m.group(3);
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < v.length() - 1; i++) {
                char c = v.charAt(i);
                if (c == '\\' && i + 1 < v.length() - 1) {
                    char n = v.charAt(++i);
                    sb.append(n == 'n' ? '\n' : n);
                } else {
                    sb.append(c);
                }
            }
            v = sb.toString();
        }
        return of(m.group(1), m.group(2), v);
    }

    private static int opIndex(String op) {
        return switch (op) {
            case "=" -> 0;
            case "!=" -> 1;
            case "=~" -> 2;
            default -> 3;
        };
    }

    /** Whether the labels satisfy this matcher. */
    boolean matches(Labels l) {
        String v = l.get(name);
        if (v == null) {
            v = "";
        }
        return switch (op) {
            case "=" -> v.equals(value);
            case "!=" -> !v.equals(value);
            case "=~" -> regex.matches(v);
            default -> !regex.matches(v);
        };
    }

    /** As Alertmanager prints it in a route key: {@code severity="critical"}. */
    @Override
    public String toString() {
        return name + op + '"' + value.replace("\\", "\\\\").replace("\n", "\\n").replace("\"", "\\\"") + '"';
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RouteMatcher m && m.name.equals(name) && m.op.equals(op) && m.value.equals(value);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, op, value);
    }
}
