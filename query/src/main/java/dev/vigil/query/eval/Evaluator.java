package dev.vigil.query.eval;

import static dev.vigil.query.eval.StepSeries.ABSENT;
import static dev.vigil.query.eval.StepSeries.absent;
import static dev.vigil.query.eval.StepSeries.present;

import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.query.ast.AggregateExpr;
import dev.vigil.query.ast.At;
import dev.vigil.query.ast.BinaryExpr;
import dev.vigil.query.ast.Call;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.MatrixSelector;
import dev.vigil.query.ast.NumberLiteral;
import dev.vigil.query.ast.ParenExpr;
import dev.vigil.query.ast.StringLiteral;
import dev.vigil.query.ast.SubqueryExpr;
import dev.vigil.query.ast.UnaryExpr;
import dev.vigil.query.ast.ValueType;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.query.value.SeriesData;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

/**
 * Evaluates an expression over all steps of a {@link Grid} at once: every selector is read with
 * one select, each series once, front to back; range functions slide a window over it.
 * Intermediate vectors flow series by series into their consumer where the operator allows
 * (functions, aggregations), and are only materialised where matching needs both sides.
 */
final class Evaluator {
    /** Receives the series of a vector result, one at a time. */
    interface Sink {
        void accept(StepSeries s);
    }

    private final QueryContext ctx;

    Evaluator(QueryContext ctx) {
        this.ctx = ctx;
    }

    static Expr unwrap(Expr e) {
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        return e;
    }

    private long atMs(At at) {
        return switch (at.kind()) {
            case START -> ctx.queryStart;
            case END -> ctx.queryEnd;
            case TIMESTAMP -> at.timestampMs();
        };
    }

    // ---------------------------------------------------------------- scalars

    double[] scalar(Expr e, Grid g) {
        int n = g.steps();
        e = unwrap(e);
        if (n > 1 && !(e instanceof NumberLiteral) && StepInvariance.isInvariant(e)) {
            double[] one = scalar(e, new Grid(g.start(), g.start(), g.interval()));
            double[] r = new double[n];
            Arrays.fill(r, one[0]);
            return r;
        }
        if (e instanceof NumberLiteral nl) {
            double[] r = new double[n];
            Arrays.fill(r, nl.value());
            return r;
        }
        if (e instanceof UnaryExpr u) {
            double[] r = scalar(u.expr(), g);
            if (u.op() == '-') {
                for (int k = 0; k < n; k++) {
                    r[k] = -r[k];
                }
            }
            return r;
        }
        if (e instanceof BinaryExpr b) {
            double[] l = scalar(b.lhs(), g);
            double[] r = scalar(b.rhs(), g);
            for (int k = 0; k < n; k++) {
                l[k] = BinaryOps.scalarOp(b.op(), l[k], r[k]);
            }
            return l;
        }
        if (e instanceof Call c) {
            double[] r = new double[n];
            switch (c.function()) {
                case "time" -> {
                    for (int k = 0; k < n; k++) {
                        r[k] = g.t(k) / 1000.0;
                    }
                }
                case "pi" -> Arrays.fill(r, Math.PI);
                case "scalar" -> {
                    int[] count = new int[n];
                    vector(c.args().get(0), g, s -> {
                        for (int k = 0; k < n; k++) {
                            if (present(s.v[k])) {
                                count[k]++;
                                r[k] = s.v[k];
                            }
                        }
                    });
                    for (int k = 0; k < n; k++) {
                        if (count[k] != 1) {
                            r[k] = Double.NaN;
                        }
                    }
                }
                default -> throw new QueryException(ErrorType.BAD_DATA, "function " + c.function() + " does not return a scalar");
            }
            return r;
        }
        throw new QueryException(ErrorType.BAD_DATA, "expected scalar, got " + e.type());
    }

    // ---------------------------------------------------------------- vectors

    /** The whole vector, series with equal labels at disjoint steps merged (as Prometheus does). */
    List<StepSeries> collect(Expr e, Grid g) {
        Map<Labels, StepSeries> out = new LinkedHashMap<>();
        vector(e, g, s -> {
            StepSeries prev = out.putIfAbsent(s.labels, s);
            if (prev == null) {
                ctx.hold(s.count());
                return;
            }
            for (int k = 0; k < s.v.length; k++) {
                if (present(s.v[k])) {
                    if (present(prev.v[k])) {
                        throw sameLabelset();
                    }
                    prev.v[k] = s.v[k];
                    ctx.hold(1);
                }
            }
        });
        return new ArrayList<>(out.values());
    }

    static QueryException sameLabelset() {
        return new QueryException(ErrorType.EXECUTION, "vector cannot contain metrics with the same labelset");
    }

    void vector(Expr e, Grid g, Sink sink) {
        ctx.checkDeadline();
        e = unwrap(e);
        int steps = g.steps();
        if (steps > 1 && StepInvariance.isInvariant(e)) {
            // Evaluated once at the first step; the value holds for every step.
            vector(e, new Grid(g.start(), g.start(), g.interval()), s -> {
                double[] all = new double[steps];
                Arrays.fill(all, s.v[0]);
                sink.accept(new StepSeries(s.labels, all));
            });
            return;
        }
        if (e instanceof VectorSelector vs) {
            selectVector(vs, g, false, sink);
        } else if (e instanceof Call c) {
            call(c, g, sink);
        } else if (e instanceof AggregateExpr a) {
            aggregate(a, g, sink);
        } else if (e instanceof BinaryExpr b) {
            binary(b, g, sink);
        } else if (e instanceof UnaryExpr u) {
            if (u.op() != '-') {
                vector(u.expr(), g, sink);
                return;
            }
            Set<Labels> seen = new HashSet<>();
            for (StepSeries s : collect(u.expr(), g)) {
                s.labels = LabelOps.dropName(s.labels);
                if (!seen.add(s.labels)) {
                    throw sameLabelset();
                }
                for (int k = 0; k < s.v.length; k++) {
                    if (present(s.v[k])) {
                        s.v[k] = -s.v[k];
                    }
                }
                sink.accept(s);
            }
        } else {
            throw new QueryException(ErrorType.BAD_DATA, "expected instant vector, got " + e.type());
        }
    }

    /** A sink that fails when two series with equal labels have a value at the same step. */
    private static Sink perStepUnique(int steps, Sink down) {
        Map<Labels, long[]> seen = new HashMap<>();
        return s -> {
            long[] bits = seen.get(s.labels);
            if (bits == null) {
                bits = new long[(steps + 63) >>> 6];
                seen.put(s.labels, bits);
            }
            for (int k = 0; k < steps; k++) {
                if (present(s.v[k])) {
                    long m = 1L << (k & 63);
                    if ((bits[k >>> 6] & m) != 0) {
                        throw sameLabelset();
                    }
                    bits[k >>> 6] |= m;
                }
            }
            down.accept(s);
        };
    }

    private void selectVector(VectorSelector vs, Grid g, boolean timestamps, Sink sink) {
        int n = g.steps();
        long off = vs.offsetMs();
        boolean pinned = vs.at() != null;
        long at = pinned ? atMs(vs.at()) : 0;
        long firstRef = (pinned ? at : g.start()) - off;
        long lastRef = (pinned ? at : g.end()) - off;
        long lookback = ctx.lookbackMs;
        SeriesSet set = ctx.select(vs.matchers(), firstRef - lookback, lastRef, g.interval(), 0, null);
        SeriesFanOut.run(set, ctx::tick, RangeScratch::new, (series, sc) -> {
            SampleIterator it = series.iterator(sc.reuse);
            sc.reuse = it;
            double[] out = null;
            // All samples the steps can see, read once in bulk (staleness markers included).
            int m = readRaw(it, firstRef - lookback, lastRef, sc.w);
            long[] st = sc.w.t;
            double[] sv = sc.w.v;
            int i = 0;
            boolean hasCur = false;
            long ct = 0;
            double cv = 0;
            for (int k = 0; k < n; k++) {
                long ref = (pinned ? at : g.t(k)) - off;
                while (i < m && st[i] <= ref) {
                    hasCur = true;
                    ct = st[i];
                    cv = sv[i++];
                }
                if (hasCur && ct >= ref - lookback && !Values.isStaleNaN(cv)) {
                    if (out == null) {
                        out = StepSeries.absentArray(n);
                    }
                    out[k] = timestamps ? ct / 1000.0 : (absent(cv) ? Double.NaN : cv);
                }
            }
            return out == null ? null : new StepSeries(series.labels(), out);
        }, sink::accept);
    }

    // ---------------------------------------------------------------- functions

    private void call(Call c, Grid g, Sink sink) {
        String f = c.function();
        List<Expr> args = c.args();
        int n = g.steps();
        RangeFunction rf = RangeFunction.of(f);
        if (rf != null) {
            rangeCall(c, rf, g, sink);
            return;
        }
        DoubleUnaryOperator simple = simpleFunction(f);
        if (simple != null) {
            vector(args.get(0), g, perStepUnique(n, s -> {
                s.labels = LabelOps.dropName(s.labels);
                for (int k = 0; k < n; k++) {
                    if (present(s.v[k])) {
                        s.v[k] = simple.applyAsDouble(s.v[k]);
                    }
                }
                sink.accept(s);
            }));
            return;
        }
        switch (f) {
            case "round" -> {
                double[] to = args.size() > 1 ? scalar(args.get(1), g) : null;
                vector(args.get(0), g, perStepUnique(n, s -> {
                    s.labels = LabelOps.dropName(s.labels);
                    for (int k = 0; k < n; k++) {
                        if (present(s.v[k])) {
                            double inv = 1.0 / (to == null ? 1 : to[k]);
                            s.v[k] = Math.floor(s.v[k] * inv + 0.5) / inv;
                        }
                    }
                    sink.accept(s);
                }));
            }
            case "clamp", "clamp_min", "clamp_max" -> {
                double[] lo = f.equals("clamp_max") ? null : scalar(args.get(1), g);
                double[] hi = f.equals("clamp") ? scalar(args.get(2), g) : f.equals("clamp_max") ? scalar(args.get(1), g) : null;
                vector(args.get(0), g, perStepUnique(n, s -> {
                    s.labels = LabelOps.dropName(s.labels);
                    boolean any = false;
                    for (int k = 0; k < n; k++) {
                        double x = s.v[k];
                        if (absent(x)) {
                            continue;
                        }
                        if (lo != null && hi != null && hi[k] < lo[k]) {
                            s.v[k] = ABSENT;
                            continue;
                        }
                        if (hi != null) {
                            x = Math.min(hi[k], x);
                        }
                        if (lo != null) {
                            x = Math.max(lo[k], x);
                        }
                        s.v[k] = x;
                        any = true;
                    }
                    if (any) {
                        sink.accept(s);
                    }
                }));
            }
            case "timestamp" -> {
                Expr a = unwrap(args.get(0));
                Sink named = s -> {
                    s.labels = LabelOps.dropName(s.labels);
                    sink.accept(s);
                };
                // A selector's series have distinct label sets already: nothing to check.
                Sink down = a instanceof VectorSelector ? named : perStepUnique(n, named);
                if (a instanceof VectorSelector vs) {
                    selectVector(vs, g, true, down);
                } else {
                    vector(a, g, s -> {
                        for (int k = 0; k < n; k++) {
                            if (present(s.v[k])) {
                                s.v[k] = g.t(k) / 1000.0;
                            }
                        }
                        down.accept(s);
                    });
                }
            }
            case "label_replace" -> labelReplace(c, g, sink);
            case "label_join" -> labelJoin(c, g, sink);
            case "vector" -> sink.accept(new StepSeries(Labels.EMPTY, scalar(args.get(0), g)));
            case "sort", "sort_desc" -> {
                List<StepSeries> all = collect(args.get(0), g);
                if (n == 1) {
                    sortForInstant(all, f.equals("sort_desc"));
                }
                all.forEach(sink::accept);
            }
            case "absent" -> {
                boolean[] seen = new boolean[n];
                vector(args.get(0), g, s -> {
                    for (int k = 0; k < n; k++) {
                        if (present(s.v[k])) {
                            seen[k] = true;
                        }
                    }
                });
                emitAbsent(seen, absentLabels(args.get(0)), sink);
            }
            case "histogram_quantile" -> histogramQuantile(c, g, sink);
            case "histogram_count", "histogram_sum", "histogram_fraction" -> {
                // Native-histogram functions: float samples are skipped, so classic data gives nothing.
                vector(args.get(args.size() - 1), g, s -> {
                });
            }
            case "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year" -> {
                if (args.isEmpty()) {
                    double[] r = new double[n];
                    for (int k = 0; k < n; k++) {
                        r[k] = dateField(f, Math.floorDiv(g.t(k), 1000L));
                    }
                    sink.accept(new StepSeries(Labels.EMPTY, r));
                    return;
                }
                vector(args.get(0), g, perStepUnique(n, s -> {
                    s.labels = LabelOps.dropName(s.labels);
                    for (int k = 0; k < n; k++) {
                        if (present(s.v[k])) {
                            s.v[k] = dateField(f, goInt64(s.v[k]));
                        }
                    }
                    sink.accept(s);
                }));
            }
            default -> throw new QueryException(ErrorType.BAD_DATA, "unknown function " + f + " in vector context");
        }
    }

    /** Go's float64 to int64 conversion on amd64: out of range and NaN give the minimum int64. */
    private static long goInt64(double v) {
        if (Double.isNaN(v) || v >= 0x1p63 || v < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) v;
    }

    private static double dateField(String f, long epochSeconds) {
        ZonedDateTime t;
        try {
            t = Instant.ofEpochSecond(epochSeconds).atZone(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return Double.NaN;
        }
        return switch (f) {
            case "days_in_month" -> t.toLocalDate().lengthOfMonth();
            case "day_of_month" -> t.getDayOfMonth();
            case "day_of_week" -> t.getDayOfWeek().getValue() % 7;
            case "day_of_year" -> t.getDayOfYear();
            case "hour" -> t.getHour();
            case "minute" -> t.getMinute();
            case "month" -> t.getMonthValue();
            default -> t.getYear();
        };
    }

    private static DoubleUnaryOperator simpleFunction(String f) {
        return switch (f) {
            case "abs" -> Math::abs;
            case "ceil" -> Math::ceil;
            case "floor" -> Math::floor;
            case "exp" -> Math::exp;
            case "sqrt" -> Math::sqrt;
            case "ln" -> Math::log;
            case "log2" -> v -> goLog2(v);
            case "log10" -> Math::log10;
            case "sin" -> Math::sin;
            case "cos" -> Math::cos;
            case "tan" -> Math::tan;
            case "asin" -> Math::asin;
            case "acos" -> Math::acos;
            case "atan" -> Math::atan;
            case "sinh" -> Math::sinh;
            case "cosh" -> Math::cosh;
            case "tanh" -> Math::tanh;
            case "asinh" -> Evaluator::asinh;
            case "acosh" -> Evaluator::acosh;
            case "atanh" -> v -> (v < -1 || v > 1) ? Double.NaN : (v == 1 ? Double.POSITIVE_INFINITY : v == -1 ? Double.NEGATIVE_INFINITY : (v == 0 ? v : 0.5 * Math.log1p(2 * v / (1 - v))));
            case "deg" -> v -> v * 180 / Math.PI;
            case "rad" -> v -> v * Math.PI / 180;
            case "sgn" -> v -> v < 0 ? -1 : v > 0 ? 1 : v;
            default -> null;
        };
    }

    private static final double LARGE = 0x1p28;
    private static final double LN2 = Math.log(2);

    /** Inverse hyperbolic sine, by the same piecewise formulas as Go's math.Asinh. */
    private static double asinh(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double a = Math.abs(v);
        double r;
        if (a > LARGE) {
            r = Math.log(a) + LN2;
        } else if (a > 2) {
            r = Math.log(2 * a + 1 / (Math.sqrt(a * a + 1) + a));
        } else if (a < 0x1p-28) {
            r = a;
        } else {
            r = Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
        }
        return Math.copySign(r, v);
    }

    /** Inverse hyperbolic cosine, by the same piecewise formulas as Go's math.Acosh. */
    private static double acosh(double v) {
        if (v < 1 || Double.isNaN(v)) {
            return Double.NaN;
        }
        if (v == 1) {
            return 0;
        }
        if (v >= LARGE) {
            return Double.isInfinite(v) ? v : Math.log(v) + LN2;
        }
        if (v > 2) {
            return Math.log(2 * v - 1 / (v + Math.sqrt(v * v - 1)));
        }
        double t = v - 1;
        return Math.log1p(t + Math.sqrt(2 * t + t * t));
    }

    /** Go's Log2 is exact for powers of two. */
    private static double goLog2(double v) {
        if (v > 0 && !Double.isInfinite(v)) {
            int exp = Math.getExponent(v);
            if (v == Math.scalb(1.0, exp)) {
                return exp;
            }
        }
        return Math.log(v) / Math.log(2);
    }

    private static void sortForInstant(List<StepSeries> all, boolean desc) {
        all.sort((a, b) -> {
            double x = a.v[0];
            double y = b.v[0];
            boolean nx = Double.isNaN(x);
            boolean ny = Double.isNaN(y);
            if (nx || ny) {
                return Boolean.compare(nx, ny);
            }
            return desc ? Double.compare(y, x) : Double.compare(x, y);
        });
    }

    private static void emitAbsent(boolean[] seen, Labels labels, Sink sink) {
        double[] r = StepSeries.absentArray(seen.length);
        boolean any = false;
        for (int k = 0; k < seen.length; k++) {
            if (!seen[k]) {
                r[k] = 1;
                any = true;
            }
        }
        if (any) {
            sink.accept(new StepSeries(labels, r));
        }
    }

    /** The labels absent() reports: equality matchers, except names matched more than once. */
    private static Labels absentLabels(Expr arg) {
        arg = unwrap(arg);
        List<Matcher> ms;
        if (arg instanceof VectorSelector vs) {
            ms = vs.matchers();
        } else if (arg instanceof MatrixSelector m) {
            ms = m.selector().matchers();
        } else {
            return Labels.EMPTY;
        }
        Labels.Builder b = Labels.builder();
        Set<String> has = new HashSet<>();
        for (Matcher m : ms) {
            if (m.name().equals(Labels.METRIC_NAME)) {
                continue;
            }
            if (m.type() == Matcher.Type.EQ && !has.contains(m.name())) {
                b.set(m.name(), m.value());
                has.add(m.name());
            } else {
                b.remove(m.name());
            }
        }
        return b.build();
    }

    private static String stringArg(Expr e) {
        e = unwrap(e);
        if (e instanceof StringLiteral s) {
            return s.value();
        }
        throw new QueryException(ErrorType.BAD_DATA, "expected string literal");
    }

    private void labelReplace(Call c, Grid g, Sink sink) {
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
        vector(args.get(0), g, perStepUnique(g.steps(), s -> {
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

    private void labelJoin(Call c, Grid g, Sink sink) {
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
        vector(args.get(0), g, perStepUnique(g.steps(), s -> {
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

    private void histogramQuantile(Call c, Grid g, Sink sink) {
        int n = g.steps();
        double[] q = scalar(c.args().get(0), g);
        // Buckets grouped by their labels without le; the result drops le and the name.
        Map<Labels, List<double[]>> groups = new LinkedHashMap<>();
        Map<Labels, List<Double>> bounds = new HashMap<>();
        vector(c.args().get(1), g, s -> {
            double ub;
            try {
                ub = LabelOps.parseGoFloat(s.labels.get("le"));
            } catch (NumberFormatException e) {
                return;
            }
            Labels key = s.labels.without("le");
            groups.computeIfAbsent(key, x -> new ArrayList<>()).add(s.v);
            bounds.computeIfAbsent(key, x -> new ArrayList<>()).add(ub);
        });
        Sink down = perStepUnique(n, sink);
        for (Map.Entry<Labels, List<double[]>> e : groups.entrySet()) {
            List<double[]> rows = e.getValue();
            List<Double> ub = bounds.get(e.getKey());
            double[] upper = new double[rows.size()];
            double[] count = new double[rows.size()];
            double[] out = StepSeries.absentArray(n);
            boolean any = false;
            for (int k = 0; k < n; k++) {
                int m = 0;
                for (int i = 0; i < rows.size(); i++) {
                    double v = rows.get(i)[k];
                    if (present(v)) {
                        upper[m] = ub.get(i);
                        count[m++] = v;
                    }
                }
                if (m > 0) {
                    out[k] = Quantiles.bucketQuantile(q[k], upper, count, m);
                    any = true;
                }
            }
            if (any) {
                down.accept(new StepSeries(LabelOps.dropName(e.getKey()), out));
            }
        }
    }

    // ---------------------------------------------------------------- range functions

    /** Where the samples of a range-vector argument come from, per series. */
    private interface RangeSource {
        /** Calls back once per series with its labels and an iterator positioned before its first sample. */
        void forEach(SeriesVisitor v);
    }

    private interface SeriesVisitor {
        void visit(Labels labels, SampleIterator it);
    }

    private record RangeArg(long rangeMs, long offsetMs, At at, RangeSource source) {
    }

    private RangeArg rangeArg(Expr a, Grid g, String func) {
        a = unwrap(a);
        if (a instanceof MatrixSelector ms) {
            VectorSelector vs = ms.selector();
            long range = ms.rangeMs();
            boolean pinned = vs.at() != null;
            long at = pinned ? atMs(vs.at()) : 0;
            long mint = (pinned ? at : g.start()) - vs.offsetMs() - range;
            long maxt = (pinned ? at : g.end()) - vs.offsetMs();
            RangeSource src = v -> {
                SeriesSet set = ctx.select(vs.matchers(), mint, maxt, g.interval(), range, func);
                SampleIterator reuse = null;
                while (set.next()) {
                    ctx.tick();
                    Series s = set.at();
                    SampleIterator it = s.iterator(reuse);
                    reuse = it;
                    v.visit(s.labels(), it);
                }
            };
            return new RangeArg(range, vs.offsetMs(), vs.at(), src);
        }
        if (a instanceof SubqueryExpr sq) {
            Grid inner = subqueryGrid(sq, g);
            List<StepSeries> rows = inner.steps() > 0 ? collect(sq.expr(), inner) : List.of();
            RangeSource src = v -> {
                for (StepSeries s : rows) {
                    v.visit(s.labels, new GridIterator(inner, s.v));
                }
            };
            return new RangeArg(sq.rangeMs(), sq.offsetMs(), sq.at(), src);
        }
        throw new QueryException(ErrorType.BAD_DATA, "expected range vector, got " + a.type());
    }

    /** Subquery steps are aligned to multiples of the step, as Prometheus aligns them. */
    private Grid subqueryGrid(SubqueryExpr sq, Grid g) {
        long step = sq.stepMs() > 0 ? sq.stepMs() : ctx.defaultSubqueryStep;
        boolean pinned = sq.at() != null;
        long at = pinned ? atMs(sq.at()) : 0;
        long end = (pinned ? at : g.end()) - sq.offsetMs();
        long base = (pinned ? at : g.start()) - sq.offsetMs() - sq.rangeMs();
        long start = step * (base / step);
        if (start < base) {
            start += step;
        }
        return new Grid(start, end, step);
    }

    /** Iterates the present steps of a subquery result. */
    private static final class GridIterator implements SampleIterator {
        private final Grid grid;
        private final double[] v;
        private int i = -1;

        GridIterator(Grid grid, double[] v) {
            this.grid = grid;
            this.v = v;
        }

        @Override
        public boolean next() {
            do {
                i++;
            } while (i < v.length && absent(v[i]));
            return i < v.length;
        }

        @Override
        public boolean seek(long t) {
            if (i < 0) {
                next();
            }
            while (i < v.length && grid.t(i) < t) {
                next();
            }
            return i < v.length;
        }

        @Override
        public long t() {
            return grid.t(i);
        }

        @Override
        public double v() {
            return v[i];
        }
    }

    private void rangeCall(Call c, RangeFunction rf, Grid g, Sink sink) {
        int n = g.steps();
        List<Expr> args = c.args();
        int mi = 0;
        for (int i = 0; i < args.size(); i++) {
            if (unwrap(args.get(i)).type() == ValueType.MATRIX) {
                mi = i;
                break;
            }
        }
        double[] p0 = null;
        double[] p1 = null;
        for (int i = 0; i < args.size(); i++) {
            if (i == mi) {
                continue;
            }
            double[] s = scalar(args.get(i), g);
            if (p0 == null) {
                p0 = s;
            } else {
                p1 = s;
            }
        }
        RangeArg ra = rangeArg(args.get(mi), g, c.function());
        boolean pinned = ra.at() != null;
        long at = pinned ? atMs(ra.at()) : 0;
        long range = ra.rangeMs();
        long off = ra.offsetMs();
        boolean keepName = rf == RangeFunction.LAST_OVER_TIME;
        boolean absentOverTime = rf == RangeFunction.ABSENT_OVER_TIME;
        boolean[] seen = absentOverTime ? new boolean[n] : null;
        Set<Labels> emitted = new HashSet<>();
        final double[] fp0 = p0;
        final double[] fp1 = p1;
        // quantile_over_time keeps its window sorted as it slides instead of sorting every step.
        boolean sliding = rf == RangeFunction.QUANTILE_OVER_TIME && fp0 != null;
        java.util.function.Supplier<RangeScratch> scratch = () -> {
            RangeScratch sc = new RangeScratch();
            sc.fa.rangeMs = range;
            sc.sq = sliding ? new SlidingQuantile() : null;
            return sc;
        };
        java.util.function.Consumer<StepSeries> emit = s -> {
            if (!emitted.add(s.labels)) {
                throw sameLabelset();
            }
            sink.accept(s);
        };
        Expr matrixArg = unwrap(args.get(mi));
        if (matrixArg instanceof MatrixSelector ms && !absentOverTime) {
            // Series are independent here: read and computed on every core, emitted in order.
            VectorSelector vs = ms.selector();
            long mint = (pinned ? at : g.start()) - vs.offsetMs() - range;
            long maxt = (pinned ? at : g.end()) - vs.offsetMs();
            SeriesSet set = ctx.select(vs.matchers(), mint, maxt, g.interval(), range, c.function());
            SeriesFanOut.run(set, ctx::tick, scratch, (series, sc) -> {
                SampleIterator it = series.iterator(sc.reuse);
                sc.reuse = it;
                return rangeSeries(rf, g, series.labels(), it, sc, pinned, at, off, range, keepName, fp0, fp1, null);
            }, emit);
        } else {
            RangeScratch sc = scratch.get();
            ra.source().forEach((labels, it) -> {
                StepSeries s = rangeSeries(rf, g, labels, it, sc, pinned, at, off, range, keepName, fp0, fp1, seen);
                if (s != null) {
                    emit.accept(s);
                }
            });
        }
        if (absentOverTime) {
            emitAbsent(seen, absentLabels(args.get(mi)), sink);
        }
    }

    /** Per-thread state of a range function over many series. */
    private static final class RangeScratch {
        final RangeFunction.Window w = new RangeFunction.Window();
        final RangeFunction.Args fa = new RangeFunction.Args();
        SlidingQuantile sq;
        SampleIterator reuse;
    }

    /**
     * One series of a range function for all steps: its samples are read once in bulk, and each
     * step's window is an index range over them. Null when no step has a value. With
     * {@code seen} (absent_over_time) only marks the steps that have samples.
     */
    private static StepSeries rangeSeries(RangeFunction rf, Grid g, Labels labels, SampleIterator it, RangeScratch sc,
            boolean pinned, long at, long off, long range, boolean keepName, double[] fp0, double[] fp1, boolean[] seen) {
        int n = g.steps();
        RangeFunction.Window w = sc.w;
        RangeFunction.Args fa = sc.fa;
        SlidingQuantile sq = sc.sq;
        double[] out = null;
        long firstLo = (pinned ? at : g.start()) - off - range;
        long lastRef = (pinned ? at : g.end()) - off;
        int m = readSeries(it, firstLo, lastRef, w);
        w.from = 0;
        w.to = 0;
        if (sq != null) {
            sq.clear();
        }
        for (int k = 0; k < n; k++) {
            long ref = (pinned ? at : g.t(k)) - off;
            long lo = ref - range;
            int to = w.to;
            while (to < m && w.t[to] <= ref) {
                to++;
            }
            int from = w.from;
            while (from < to && w.t[from] < lo) {
                from++;
            }
            if (sq != null) {
                for (int i = w.to; i < to; i++) {
                    sq.add(w.v[i]);
                }
                for (int i = w.from; i < from; i++) {
                    sq.remove(w.v[i]);
                }
            }
            w.to = to;
            w.from = from;
            if (w.from == w.to) {
                continue;
            }
            if (seen != null) {
                seen[k] = true;
                continue;
            }
            double r;
            if (sq != null) {
                r = sq.quantile(fp0[k]);
            } else {
                fa.rangeStart = lo;
                fa.rangeEnd = ref;
                fa.stepTime = g.t(k);
                if (fp0 != null) {
                    fa.p0 = fp0[k];
                }
                if (fp1 != null) {
                    fa.p1 = fp1[k];
                }
                r = rf.apply(w, fa);
            }
            if (present(r)) {
                if (out == null) {
                    out = StepSeries.absentArray(n);
                }
                out[k] = r;
            }
        }
        if (out == null) {
            return null;
        }
        return new StepSeries(keepName ? labels : LabelOps.dropName(labels), out);
    }

    /**
     * Reads the samples of {@code it} in [lo, hi] into {@code w.t}/{@code w.v} (grown as needed),
     * without staleness markers and with stored values that collide with the engine's absent
     * marker read as NaN; returns their count.
     */
    private static int readSeries(SampleIterator it, long lo, long hi, RangeFunction.Window w) {
        int m = readRaw(it, lo, hi, w);
        long[] t = w.t;
        double[] v = w.v;
        int k = 0;
        for (int i = 0; i < m; i++) {
            double x = v[i];
            if (Values.isStaleNaN(x)) {
                continue;
            }
            t[k] = t[i];
            v[k++] = absent(x) ? Double.NaN : x;
        }
        return k;
    }

    /** Reads the samples of {@code it} in [lo, hi] as stored into {@code w.t}/{@code w.v}; returns their count. */
    private static int readRaw(SampleIterator it, long lo, long hi, RangeFunction.Window w) {
        if (!it.seek(lo) || it.t() > hi) {
            return 0;
        }
        long[] t = w.t;
        double[] v = w.v;
        t[0] = it.t();
        v[0] = it.v();
        int m = 1;
        while (true) {
            if (m == t.length) {
                t = w.t = Arrays.copyOf(t, t.length * 2);
                v = w.v = Arrays.copyOf(v, v.length * 2);
            }
            int got = it.nextBatch(t, v, m, t.length - m);
            if (got == 0) {
                break;
            }
            m += got;
            if (t[m - 1] > hi) {
                break;
            }
        }
        while (m > 0 && t[m - 1] > hi) {
            m--;
        }
        return m;
    }

    private static void append(RangeFunction.Window w, long t, double v) {
        if (w.to == w.t.length) {
            if (w.from > 0) {
                int live = w.to - w.from;
                System.arraycopy(w.t, w.from, w.t, 0, live);
                System.arraycopy(w.v, w.from, w.v, 0, live);
                w.from = 0;
                w.to = live;
            }
            if (w.to == w.t.length) {
                w.t = Arrays.copyOf(w.t, w.t.length * 2);
                w.v = Arrays.copyOf(w.v, w.v.length * 2);
            }
        }
        w.t[w.to] = t;
        w.v[w.to++] = v;
    }

    /** An instant query of a range vector: the raw samples of every series in its window. */
    List<SeriesData> rangeVectorAt(Expr e, long t) {
        e = unwrap(e);
        Grid g = new Grid(t, t, 1);
        List<SeriesData> out = new ArrayList<>();
        if (e instanceof MatrixSelector ms) {
            VectorSelector vs = ms.selector();
            long ref = (vs.at() != null ? atMs(vs.at()) : t) - vs.offsetMs();
            long lo = ref - ms.rangeMs();
            SeriesSet set = ctx.select(vs.matchers(), lo, ref, 0, ms.rangeMs(), null);
            SampleIterator reuse = null;
            while (set.next()) {
                ctx.tick();
                Series s = set.at();
                SampleIterator it = s.iterator(reuse);
                reuse = it;
                RangeFunction.Window w = new RangeFunction.Window();
                boolean more = it.seek(lo);
                while (more && it.t() <= ref) {
                    if (!Values.isStaleNaN(it.v())) {
                        append(w, it.t(), absent(it.v()) ? Double.NaN : it.v());
                    }
                    more = it.next();
                }
                if (w.to > 0) {
                    ctx.hold(w.to);
                    out.add(new SeriesData(s.labels(), w.t, w.v, w.to));
                }
            }
        } else if (e instanceof SubqueryExpr sq) {
            Grid inner = subqueryGrid(sq, g);
            List<StepSeries> rows = inner.steps() > 0 ? collect(sq.expr(), inner) : List.of();
            for (StepSeries s : rows) {
                int cnt = s.count();
                long[] ts = new long[cnt];
                double[] vs = new double[cnt];
                int j = 0;
                for (int k = 0; k < s.v.length; k++) {
                    if (present(s.v[k])) {
                        ts[j] = inner.t(k);
                        vs[j++] = s.v[k];
                    }
                }
                out.add(new SeriesData(s.labels, ts, vs, cnt));
            }
        } else {
            throw new QueryException(ErrorType.BAD_DATA, "expected range vector, got " + e.type());
        }
        return out;
    }

    // ---------------------------------------------------------------- aggregation and binary

    private void aggregate(AggregateExpr a, Grid g, Sink sink) {
        int n = g.steps();
        double[] param = null;
        String valueLabel = null;
        if (a.op().equals("count_values")) {
            valueLabel = stringArg(a.param());
        } else if (a.param() != null) {
            param = scalar(a.param(), g);
        }
        Aggregation agg = new Aggregation(a.op(), a.grouping(), a.without(), n, param, valueLabel);
        vector(a.expr(), g, agg);
        for (StepSeries s : agg.result()) {
            ctx.hold(s.count());
            sink.accept(s);
        }
    }

    private void binary(BinaryExpr b, Grid g, Sink sink) {
        ValueType lt = b.lhs().type();
        ValueType rt = b.rhs().type();
        int n = g.steps();
        if (lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
            throw new QueryException(ErrorType.BAD_DATA, "scalar binary operation in vector context");
        }
        if (lt == ValueType.SCALAR || rt == ValueType.SCALAR) {
            boolean swap = lt == ValueType.SCALAR;
            double[] sc = scalar(swap ? b.lhs() : b.rhs(), g);
            String op = b.op();
            boolean cmp = BinaryOps.isComparison(op);
            boolean dropName = BinaryOps.dropsName(op) || b.returnBool();
            int code = cmp ? -1 : BinaryOps.arithCode(op);
            Expr operand = swap ? b.rhs() : b.lhs();
            Sink body = s -> {
                if (dropName) {
                    s.labels = LabelOps.dropName(s.labels);
                }
                boolean any = false;
                for (int k = 0; k < n; k++) {
                    double x = s.v[k];
                    if (absent(x)) {
                        continue;
                    }
                    double l = swap ? sc[k] : x;
                    double r = swap ? x : sc[k];
                    if (cmp) {
                        boolean keep = BinaryOps.compare(op, l, r);
                        if (b.returnBool()) {
                            s.v[k] = keep ? 1 : 0;
                        } else if (!keep) {
                            s.v[k] = ABSENT;
                            continue;
                        }
                    } else {
                        s.v[k] = code >= 0 ? BinaryOps.arith(code, l, r) : BinaryOps.arith(op, l, r);
                    }
                    any = true;
                }
                if (any) {
                    sink.accept(s);
                }
            };
            // A selector's series have distinct label sets already: nothing to check.
            vector(operand, g, unwrap(operand) instanceof VectorSelector ? body : perStepUnique(n, body));
            return;
        }
        List<StepSeries> lhs = collect(b.lhs(), g);
        List<StepSeries> rhs = collect(b.rhs(), g);
        long held = 0;
        for (StepSeries s : lhs) {
            held += s.count();
        }
        for (StepSeries s : rhs) {
            held += s.count();
        }
        BinaryOps.vectorOp(b, lhs, rhs, n, ctx, perStepUnique(n, sink));
        // The operands are garbage now; only what the consumer keeps still counts.
        ctx.release(held);
    }
}
