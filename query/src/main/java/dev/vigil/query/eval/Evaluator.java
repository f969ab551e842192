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
import dev.vigil.query.ast.NumberLiteral;
import dev.vigil.query.ast.ParenExpr;
import dev.vigil.query.ast.StringLiteral;
import dev.vigil.query.ast.UnaryExpr;
import dev.vigil.query.ast.ValueType;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.query.value.SeriesData;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
    private final InstantFunctions functions;
    private final RangeVectors ranges;

    Evaluator(QueryContext ctx) {
        this.ctx = ctx;
        this.functions = new InstantFunctions(this);
        this.ranges = new RangeVectors(this, ctx);
    }

    static Expr unwrap(Expr e) {
        while (e instanceof ParenExpr p) {
            e = p.expr();
        }
        return e;
    }

    long atMs(At at) {
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
        return collect(e, g, false);
    }

    /**
     * {@link #collect(Expr, Grid)}, charging the sample budget with every step a kept series
     * holds when {@code dense}, not only its present ones: a subquery's grid is as long as its
     * author asks, so its series cost their full length in memory however sparse they are.
     */
    List<StepSeries> collect(Expr e, Grid g, boolean dense) {
        Map<Labels, StepSeries> out = new LinkedHashMap<>();
        vector(e, g, s -> {
            StepSeries prev = out.putIfAbsent(s.labels, s);
            if (prev == null) {
                ctx.hold(dense ? s.v.length : s.count());
                return;
            }
            for (int k = 0; k < s.v.length; k++) {
                if (present(s.v[k])) {
                    if (present(prev.v[k])) {
                        throw sameLabelset();
                    }
                    prev.v[k] = s.v[k];
                    if (!dense) {
                        ctx.hold(1);
                    }
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
    static Sink perStepUnique(int steps, Sink down) {
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

    void selectVector(VectorSelector vs, Grid g, boolean timestamps, Sink sink) {
        int n = g.steps();
        long off = vs.offsetMs();
        boolean pinned = vs.at() != null;
        long at = pinned ? atMs(vs.at()) : 0;
        long firstRef = (pinned ? at : g.start()) - off;
        long lastRef = (pinned ? at : g.end()) - off;
        long lookback = ctx.lookbackMs;
        long res = timestamps ? 0 : RollupPlan.selectorResolution(ctx, g, pinned, at, off);
        if (res > 0) {
            // From rollups a step's value is the mean of the window ending at it (Thanos reads avg).
            ranges.averages(vs, g, res, res, null, true, sink::accept);
            return;
        }
        SeriesSet set = ctx.select(vs.matchers(), firstRef - lookback, lastRef, g.interval(), 0, null);
        SeriesFanOut.run(set, ctx::tick, RangeScratch::new, (series, sc) -> {
            SampleIterator it = series.iterator(sc.reuse);
            sc.reuse = it;
            double[] out = null;
            // All samples the steps can see, read once in bulk (staleness markers included).
            int m = SampleReads.readRaw(it, firstRef - lookback, lastRef, sc.w);
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
        RangeFunction rf = RangeFunction.of(c.function());
        if (rf != null) {
            ranges.call(c, rf, g, sink);
        } else {
            functions.call(c, g, sink);
        }
    }

    /** An instant query of a range vector: the raw samples of every series in its window. */
    List<SeriesData> rangeVectorAt(Expr e, long t) {
        return ranges.rangeVectorAt(e, t);
    }

    static String stringArg(Expr e) {
        e = unwrap(e);
        if (e instanceof StringLiteral s) {
            return s.value();
        }
        throw new QueryException(ErrorType.BAD_DATA, "expected string literal");
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
