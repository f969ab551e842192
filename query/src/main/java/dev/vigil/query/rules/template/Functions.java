package dev.vigil.query.rules.template;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Prometheus's template functions plus Go's built-ins, called by name with evaluated arguments. */
final class Functions {
    static final Set<String> NAMES = Set.of(
            // Prometheus (template/template.go)
            "query", "first", "label", "value", "strvalue", "args", "reReplaceAll", "safeHtml", "match", "title",
            "toUpper", "toLower", "graphLink", "tableLink", "sortByLabel", "stripPort", "stripDomain", "humanize",
            "humanize1024", "humanizeDuration", "humanizePercentage", "humanizeTimestamp", "toTime", "pathPrefix",
            "externalURL", "parseDuration",
            // Go text/template built-ins
            "and", "or", "not", "len", "index", "print", "printf", "println", "eq", "ne", "lt", "le", "gt", "ge",
            "html", "js", "urlquery");

    private Functions() {
    }

    /** What a function may reach outside its arguments. */
    interface Env {
        List<Values.QuerySample> query(String q);

        String externalURL();
    }

    static Object call(String name, List<Object> a, Env env) {
        switch (name) {
            case "query" -> {
                return env.query(str(name, a, 0, 1));
            }
            case "first" -> {
                List<?> l = list(name, a);
                if (l.isEmpty()) {
                    throw new TemplateException("first() called on vector with no elements");
                }
                return l.get(0);
            }
            case "label" -> {
                arity(name, a, 2);
                Values.QuerySample s = sample(name, a.get(1));
                String v = s == null ? null : s.labels().get(str(name, a, 0, 2));
                return v == null ? "" : v;
            }
            case "value" -> {
                arity(name, a, 1);
                return sample(name, a.get(0)).value();
            }
            case "strvalue" -> {
                arity(name, a, 1);
                String v = sample(name, a.get(0)).labels().get("__value__");
                return v == null ? "" : v;
            }
            case "args" -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = 0; i < a.size(); i++) {
                    m.put("arg" + i, a.get(i));
                }
                return m;
            }
            case "reReplaceAll" -> {
                arity(name, a, 3);
                return regex(str(name, a, 0, 3)).matcher(str(name, a, 2, 3)).replaceAll(goReplacement(str(name, a, 1, 3)));
            }
            case "match" -> {
                arity(name, a, 2);
                return regex(str(name, a, 0, 2)).matcher(str(name, a, 1, 2)).find();
            }
            case "safeHtml", "html", "js" -> {
                return str(name, a, 0, 1);
            }
            case "title" -> {
                return title(str(name, a, 0, 1));
            }
            case "toUpper" -> {
                return str(name, a, 0, 1).toUpperCase(java.util.Locale.ROOT);
            }
            case "toLower" -> {
                return str(name, a, 0, 1).toLowerCase(java.util.Locale.ROOT);
            }
            case "graphLink" -> {
                return "/graph?g0.expr=" + URLEncoder.encode(str(name, a, 0, 1), StandardCharsets.UTF_8) + "&g0.tab=0";
            }
            case "tableLink" -> {
                return "/graph?g0.expr=" + URLEncoder.encode(str(name, a, 0, 1), StandardCharsets.UTF_8) + "&g0.tab=1";
            }
            case "urlquery" -> {
                return URLEncoder.encode(GoFormat.print(a.size() == 1 ? a.get(0) : a), StandardCharsets.UTF_8);
            }
            case "sortByLabel" -> {
                arity(name, a, 2);
                String l = str(name, a, 0, 2);
                List<Object> out = new ArrayList<>(list(name, a.subList(1, 2)));
                out.sort(Comparator.comparing(o -> {
                    String v = ((Values.QuerySample) o).labels().get(l);
                    return v == null ? "" : v;
                }));
                return out;
            }
            case "stripPort" -> {
                String h = str(name, a, 0, 1);
                int c = h.lastIndexOf(':');
                if (c < 0 || (h.startsWith("[") && !h.substring(0, c).endsWith("]"))) {
                    return h;
                }
                String host = h.substring(0, c);
                return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            }
            case "stripDomain" -> {
                String h = str(name, a, 0, 1);
                String port = "";
                int c = h.lastIndexOf(':');
                if (c >= 0 && h.indexOf(':') == c) {
                    port = h.substring(c);
                    h = h.substring(0, c);
                }
                if (h.contains(":") || h.matches("[0-9.]+")) {
                    return h + port;
                }
                int dot = h.indexOf('.');
                return (dot < 0 ? h : h.substring(0, dot)) + port;
            }
            case "humanize" -> {
                return Humanize.humanize(num(name, a));
            }
            case "humanize1024" -> {
                return Humanize.humanize1024(num(name, a));
            }
            case "humanizeDuration" -> {
                return Humanize.duration(num(name, a));
            }
            case "humanizePercentage" -> {
                return Humanize.percentage(num(name, a));
            }
            case "humanizeTimestamp" -> {
                return Humanize.timestamp(num(name, a));
            }
            case "toTime" -> {
                return Humanize.timestamp(num(name, a));
            }
            case "pathPrefix" -> {
                String u = env.externalURL();
                int s = u.indexOf("//");
                int p = s < 0 ? -1 : u.indexOf('/', s + 2);
                return p < 0 ? "" : u.substring(p);
            }
            case "externalURL" -> {
                return env.externalURL();
            }
            case "parseDuration" -> {
                try {
                    return dev.vigil.query.text.GoText.parseDuration(str(name, a, 0, 1)) / 1000.0;
                } catch (IllegalArgumentException e) {
                    throw new TemplateException(e.getMessage());
                }
            }
            case "not" -> {
                arity(name, a, 1);
                return !Values.truth(a.get(0));
            }
            case "and" -> {
                Object last = null;
                for (Object o : a) {
                    last = o;
                    if (!Values.truth(o)) {
                        return o;
                    }
                }
                return last;
            }
            case "or" -> {
                Object last = null;
                for (Object o : a) {
                    last = o;
                    if (Values.truth(o)) {
                        return o;
                    }
                }
                return last;
            }
            case "len" -> {
                arity(name, a, 1);
                Object o = a.get(0);
                if (o instanceof String s) {
                    return (long) s.getBytes(StandardCharsets.UTF_8).length;
                }
                if (o instanceof Map<?, ?> m) {
                    return (long) m.size();
                }
                if (o instanceof List<?> l) {
                    return (long) l.size();
                }
                throw new TemplateException("error calling len: len of type " + GoFormat.typeName(o));
            }
            case "index" -> {
                Object o = a.get(0);
                for (Object k : a.subList(1, a.size())) {
                    if (o instanceof Map<?, ?> m) {
                        Object v = m.get(k);
                        o = v == null && m.values().stream().allMatch(x -> x instanceof String) ? "" : v;
                    } else if (o instanceof List<?> l && k instanceof Long i) {
                        if (i < 0 || i >= l.size()) {
                            throw new TemplateException("error calling index: index out of range: " + i);
                        }
                        o = l.get((int) (long) i);
                    } else {
                        throw new TemplateException("error calling index: cannot index " + GoFormat.typeName(o));
                    }
                }
                return o;
            }
            case "print", "println" -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < a.size(); i++) {
                    boolean strings = i > 0 && a.get(i) instanceof String && a.get(i - 1) instanceof String;
                    if (i > 0 && (name.equals("println") || !strings)) {
                        sb.append(' ');
                    }
                    sb.append(GoFormat.print(a.get(i)));
                }
                if (name.equals("println")) {
                    sb.append('\n');
                }
                return sb.toString();
            }
            case "printf" -> {
                if (a.isEmpty() || !(a.get(0) instanceof String f)) {
                    throw new TemplateException("wrong number of args for printf: want at least 1 got " + a.size());
                }
                return GoFormat.sprintf(f, a.subList(1, a.size()));
            }
            case "eq" -> {
                if (a.size() < 2) {
                    throw new TemplateException("missing argument for comparison");
                }
                for (Object o : a.subList(1, a.size())) {
                    if (Values.compare(a.get(0), o, false) == 0) {
                        return true;
                    }
                }
                return false;
            }
            case "ne" -> {
                arity(name, a, 2);
                return Values.compare(a.get(0), a.get(1), false) != 0;
            }
            case "lt", "le", "gt", "ge" -> {
                arity(name, a, 2);
                int c = Values.compare(a.get(0), a.get(1), true);
                return switch (name) {
                    case "lt" -> c == -1;
                    case "le" -> c == -1 || c == 0;
                    case "gt" -> c == 1;
                    default -> c == 1 || c == 0;
                };
            }
            default -> throw new TemplateException("function \"" + name + "\" not defined");
        }
    }

    private static void arity(String name, List<Object> a, int n) {
        if (a.size() != n) {
            throw new TemplateException("wrong number of args for " + name + ": want " + n + " got " + a.size());
        }
    }

    private static String str(String name, List<Object> a, int i, int n) {
        arity(name, a, n);
        Object o = a.get(i);
        if (o instanceof String s) {
            return s;
        }
        throw new TemplateException("wrong type for value; expected string; got " + GoFormat.typeName(o));
    }

    private static double num(String name, List<Object> a) {
        arity(name, a, 1);
        return Values.toFloat(a.get(0));
    }

    private static List<?> list(String name, List<Object> a) {
        arity(name, a, 1);
        if (a.get(0) instanceof List<?> l) {
            return l;
        }
        throw new TemplateException("wrong type for value; expected template.queryResult; got " + GoFormat.typeName(a.get(0)));
    }

    private static Values.QuerySample sample(String name, Object o) {
        if (o instanceof Values.QuerySample s) {
            return s;
        }
        if (o == null) {
            throw new TemplateException("error calling " + name + ": invalid memory address or nil pointer dereference");
        }
        throw new TemplateException("wrong type for value; expected *template.sample; got " + GoFormat.typeName(o));
    }

    private static Pattern regex(String p) {
        try {
            return Pattern.compile(p);
        } catch (PatternSyntaxException e) {
            throw new TemplateException("error parsing regexp: " + e.getMessage());
        }
    }

    /** Go's {@code $1}/{@code ${name}} expansion into re2j's {@code $1}/{@code ${name}}; a literal {@code $$} stays a dollar. */
    private static String goReplacement(String r) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < r.length(); i++) {
            char c = r.charAt(i);
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c == '$' && i + 1 < r.length() && r.charAt(i + 1) == '$') {
                sb.append("\\$");
                i++;
            } else if (c == '$' && i + 1 < r.length() && (Character.isLetterOrDigit(r.charAt(i + 1)) || r.charAt(i + 1) == '_')) {
                // Go takes the longest name: $1x is the group named "1x" (empty when absent).
                int j = i + 1;
                while (j < r.length() && (Character.isLetterOrDigit(r.charAt(j)) || r.charAt(j) == '_')) {
                    j++;
                }
                String n = r.substring(i + 1, j);
                sb.append(n.chars().allMatch(Character::isDigit) ? "$" + n : "${" + n + "}");
                i = j - 1;
            } else if (c == '$') {
                sb.append("\\$");
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** Go's deprecated strings.Title: upper-cases the first letter of each word. */
    private static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean start = true;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(start ? Character.toTitleCase(c) : c);
            start = !(Character.isLetterOrDigit(c) || c == '_' || c == '\'');
        }
        return sb.toString();
    }
}
