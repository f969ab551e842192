package dev.vigil.query.eval;

import static dev.vigil.query.eval.Evaluator.perStepUnique;
import static dev.vigil.query.eval.Evaluator.stringArg;

import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.query.ast.Call;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.eval.Evaluator.Sink;
import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code label_replace} and {@code label_join}: each distinct label set is rewritten once per query. */
final class LabelFunctions {
    private LabelFunctions() {}

    /** {@code label_replace(v, dst, replacement, src, regex)}. */
    static void replace(Evaluator ev, Call c, Grid g, Sink sink) {
        List<Expr> args = c.args();
        String dst = stringArg(args.get(1));
        String repl = stringArg(args.get(2));
        String src = stringArg(args.get(3));
        String regex = stringArg(args.get(4));
        com.google.re2j.Pattern p;
        try {
            p = com.google.re2j.Pattern.compile("^(?:" + regex + ")$");
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw new QueryException(ErrorType.EXECUTION, "invalid regular expression in label_replace(): " + regex);
        }
        if (!LabelOps.validName(dst)) {
            throw new QueryException(ErrorType.EXECUTION, "invalid destination label name in label_replace(): " + dst);
        }
        Map<Labels, Labels> cache = new HashMap<>();
        ev.vector(args.get(0), g, perStepUnique(g.steps(), s -> {
            s.labels = cache.computeIfAbsent(s.labels, l -> {
                String v = l.get(src);
                com.google.re2j.Matcher m = p.matcher(v);
                if (!m.matches()) {
                    return l;
                }
                String res = expand(repl, m);
                return l.toBuilder().remove(dst).set(dst, res).build();
            });
            sink.accept(s);
        }));
    }

    /** Go's regexp Expand: {@code $1}, {@code ${1}}, {@code $name}, {@code ${name}}, {@code $$}. */
    static String expand(String tmpl, com.google.re2j.Matcher m) {
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (i < tmpl.length()) {
            char ch = tmpl.charAt(i);
            if (ch != '$' || i + 1 >= tmpl.length()) {
                sb.append(ch);
                i++;
                continue;
            }
            char nx = tmpl.charAt(i + 1);
            if (nx == '$') {
                sb.append('$');
                i += 2;
                continue;
            }
            String name;
            int end;
            if (nx == '{') {
                int close = tmpl.indexOf('}', i + 2);
                if (close < 0) {
                    sb.append(ch);
                    i++;
                    continue;
                }
                name = tmpl.substring(i + 2, close);
                end = close + 1;
                if (name.isEmpty() || !isWordAll(name)) {
                    sb.append(ch);
                    i++;
                    continue;
                }
            } else {
                int j = i + 1;
                while (j < tmpl.length() && isWord(tmpl.charAt(j))) {
                    j++;
                }
                if (j == i + 1) {
                    sb.append(ch);
                    i++;
                    continue;
                }
                name = tmpl.substring(i + 1, j);
                end = j;
            }
            sb.append(group(m, name));
            i = end;
        }
        return sb.toString();
    }

    private static boolean isWord(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }

    private static boolean isWordAll(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isWord(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static String group(com.google.re2j.Matcher m, String name) {
        boolean numeric = name.chars().allMatch(ch -> ch >= '0' && ch <= '9');
        String r;
        try {
            if (numeric) {
                int idx;
                try {
                    idx = Integer.parseInt(name);
                } catch (NumberFormatException e) {
                    return "";
                }
                if (idx > m.groupCount()) {
                    return "";
                }
                r = m.group(idx);
            } else {
                r = m.group(name);
            }
        } catch (RuntimeException e) {
            return "";
        }
        return r == null ? "" : r;
    }

    /** {@code label_join(v, dst, separator, src...)}. */
    static void join(Evaluator ev, Call c, Grid g, Sink sink) {
        List<Expr> args = c.args();
        String dst = stringArg(args.get(1));
        String sep = stringArg(args.get(2));
        List<String> srcs = new ArrayList<>();
        for (int i = 3; i < args.size(); i++) {
            String s = stringArg(args.get(i));
            if (!LabelOps.validName(s)) {
                throw new QueryException(ErrorType.EXECUTION, "invalid source label name in label_join(): " + s);
            }
            srcs.add(s);
        }
        if (!LabelOps.validName(dst)) {
            throw new QueryException(ErrorType.EXECUTION, "invalid destination label name in label_join(): " + dst);
        }
        Map<Labels, Labels> cache = new HashMap<>();
        ev.vector(args.get(0), g, perStepUnique(g.steps(), s -> {
            s.labels = cache.computeIfAbsent(s.labels, l -> {
                StringBuilder sb = new StringBuilder();
                for (int i = 0; i < srcs.size(); i++) {
                    if (i > 0) {
                        sb.append(sep);
                    }
                    sb.append(l.get(srcs.get(i)));
                }
                return l.toBuilder().set(dst, sb.toString()).build();
            });
            sink.accept(s);
        }));
    }
}
