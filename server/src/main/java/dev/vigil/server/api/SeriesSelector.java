package dev.vigil.server.api;

import dev.vigil.query.Engine;
import dev.vigil.query.QueryException;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.tsdb.Matcher;
import java.util.List;

/**
 * Prometheus's {@code parser.ParseMetricSelector}: a plain series selector and nothing else, an
 * all-empty one included. What follows a selector is refused where it starts, worded as 2.42
 * words it ({@code 1:3: parse error: unexpected "["}).
 */
final class SeriesSelector {
    private static final String PROBE = "vigil_selector_probe";

    private SeriesSelector() {
    }

    /** The matchers of {@code s}; a {@link QueryException} worded like Prometheus's when it is not a selector. */
    static List<Matcher> parse(Engine engine, String s) {
        Expr e;
        try {
            e = engine.parse(s);
        } catch (QueryException ex) {
            // PromQL refuses {} and {a=""}; a metric selector may be either. Parse it behind a
            // name and take the name away again.
            if (!ex.getMessage().endsWith("vector selector must contain at least one non-empty matcher")
                    || !s.stripLeading().startsWith("{")) {
                throw ex;
            }
            VectorSelector named = (VectorSelector) engine.parse(PROBE + s.stripLeading());
            return named.matchers().stream().filter(m -> !(m.name().equals("__name__") && m.value().equals(PROBE))).toList();
        }
        if (e instanceof VectorSelector vs && vs.offsetMs() == 0 && vs.at() == null) {
            return vs.matchers();
        }
        // The longest leading selector: the parse stopped at what follows it.
        int end = 0;
        for (int i = Math.min(s.length(), 4096); i > 0; i--) {
            try {
                if (engine.parse(s.substring(0, i)) instanceof VectorSelector vs && vs.offsetMs() == 0 && vs.at() == null) {
                    end = i;
                    break;
                }
            } catch (QueryException ignored) {
                // not a selector up to here
            }
        }
        while (end < s.length() && Character.isWhitespace(s.charAt(end))) {
            end++;
        }
        throw new dev.vigil.query.ParseException(1, end + 1, "unexpected " + describe(s.substring(end)));
    }

    /** How Prometheus's parser names the token at the start of {@code rest}. */
    private static String describe(String rest) {
        if (rest.isEmpty()) {
            return "end of input";
        }
        char c = rest.charAt(0);
        if (Character.isDigit(c) || c == '.') {
            int i = 0;
            while (i < rest.length() && (Character.isLetterOrDigit(rest.charAt(i)) || rest.charAt(i) == '.')) {
                i++;
            }
            return "number \"" + rest.substring(0, i) + "\"";
        }
        if (Character.isLetter(c) || c == '_') {
            int i = 0;
            while (i < rest.length() && (Character.isLetterOrDigit(rest.charAt(i)) || rest.charAt(i) == '_')) {
                i++;
            }
            String word = rest.substring(0, i);
            return switch (word.toLowerCase(java.util.Locale.ROOT)) {
                case "offset", "by", "without", "on", "ignoring", "group_left", "group_right", "bool" -> "<" + word + ">";
                default -> "identifier \"" + word + "\"";
            };
        }
        return "\"" + c + "\"";
    }
}
