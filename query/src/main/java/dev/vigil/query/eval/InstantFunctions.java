package dev.vigil.query.eval;

import static dev.vigil.query.eval.Evaluator.perStepUnique;
import static dev.vigil.query.eval.Evaluator.unwrap;
import static dev.vigil.query.eval.StepSeries.ABSENT;
import static dev.vigil.query.eval.StepSeries.absent;
import static dev.vigil.query.eval.StepSeries.present;

import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.query.ast.Call;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.MatrixSelector;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.query.eval.Evaluator.Sink;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;

/**
 * The instant-vector function library: each function consumes its argument series by series and
 * hands its results on. Math, calendar, label and histogram functions live in their own classes;
 * range functions in {@link RangeVectors}.
 */
final class InstantFunctions {
    private final Evaluator ev;

    InstantFunctions(Evaluator ev) {
        this.ev = ev;
    }

    /** Evaluates a call of any function that is not a range function. */
    void call(Call c, Grid g, Sink sink) {
        String f = c.function();
        List<Expr> args = c.args();
        int n = g.steps();
        DoubleUnaryOperator simple = MathFunctions.of(f);
        if (simple != null) {
            ev.vector(args.get(0), g, perStepUnique(n, s -> {
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
                double[] to = args.size() > 1 ? ev.scalar(args.get(1), g) : null;
                ev.vector(args.get(0), g, perStepUnique(n, s -> {
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
                double[] lo = f.equals("clamp_max") ? null : ev.scalar(args.get(1), g);
                double[] hi = f.equals("clamp") ? ev.scalar(args.get(2), g) : f.equals("clamp_max") ? ev.scalar(args.get(1), g) : null;
                ev.vector(args.get(0), g, perStepUnique(n, s -> {
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
                    ev.selectVector(vs, g, true, down);
                } else {
                    ev.vector(a, g, s -> {
                        for (int k = 0; k < n; k++) {
                            if (present(s.v[k])) {
                                s.v[k] = g.t(k) / 1000.0;
                            }
                        }
                        down.accept(s);
                    });
                }
            }
            case "label_replace" -> LabelFunctions.replace(ev, c, g, sink);
            case "label_join" -> LabelFunctions.join(ev, c, g, sink);
            case "vector" -> sink.accept(new StepSeries(Labels.EMPTY, ev.scalar(args.get(0), g)));
            case "sort", "sort_desc" -> {
                List<StepSeries> all = ev.collect(args.get(0), g);
                if (n == 1) {
                    sortForInstant(all, f.equals("sort_desc"));
                }
                all.forEach(sink::accept);
            }
            case "absent" -> {
                boolean[] seen = new boolean[n];
                ev.vector(args.get(0), g, s -> {
                    for (int k = 0; k < n; k++) {
                        if (present(s.v[k])) {
                            seen[k] = true;
                        }
                    }
                });
                emitAbsent(seen, absentLabels(args.get(0)), sink);
            }
            case "histogram_quantile" -> HistogramFunctions.quantile(ev, c, g, sink);
            case "histogram_count", "histogram_sum", "histogram_fraction" -> HistogramFunctions.nativeOnly(ev, c, g);
            case "days_in_month", "day_of_month", "day_of_week", "day_of_year", "hour", "minute", "month", "year" -> {
                if (args.isEmpty()) {
                    double[] r = new double[n];
                    for (int k = 0; k < n; k++) {
                        r[k] = DateFunctions.dateField(f, Math.floorDiv(g.t(k), 1000L));
                    }
                    sink.accept(new StepSeries(Labels.EMPTY, r));
                    return;
                }
                ev.vector(args.get(0), g, perStepUnique(n, s -> {
                    s.labels = LabelOps.dropName(s.labels);
                    for (int k = 0; k < n; k++) {
                        if (present(s.v[k])) {
                            s.v[k] = DateFunctions.dateField(f, DateFunctions.goInt64(s.v[k]));
                        }
                    }
                    sink.accept(s);
                }));
            }
            default -> throw new QueryException(ErrorType.BAD_DATA, "unknown function " + f + " in vector context");
        }
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

    static void emitAbsent(boolean[] seen, Labels labels, Sink sink) {
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
    static Labels absentLabels(Expr arg) {
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
}
