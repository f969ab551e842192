package dev.vigil.query.eval;

import static dev.vigil.query.eval.Evaluator.unwrap;
import static dev.vigil.query.eval.StepSeries.absent;
import static dev.vigil.query.eval.StepSeries.present;

import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.query.ast.At;
import dev.vigil.query.ast.Call;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.MatrixSelector;
import dev.vigil.query.ast.SubqueryExpr;
import dev.vigil.query.ast.ValueType;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.query.eval.Evaluator.Sink;
import dev.vigil.query.value.SeriesData;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.downsample.Aggregate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Range vectors: where the samples of a matrix selector or a subquery come from, the range
 * functions that slide a window over them, and the raw range vector an instant query returns.
 */
final class RangeVectors {
    private final Evaluator ev;
    private final QueryContext ctx;

    RangeVectors(Evaluator ev, QueryContext ctx) {
        this.ev = ev;
        this.ctx = ctx;
    }

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
            long at = pinned ? ev.atMs(vs.at()) : 0;
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
            List<StepSeries> rows = inner.steps() > 0 ? collectRaw(sq, inner) : List.of();
            RangeSource src = v -> {
                for (StepSeries s : rows) {
                    v.visit(s.labels, new GridIterator(inner, s.v));
                }
            };
            return new RangeArg(sq.rangeMs(), sq.offsetMs(), sq.at(), src);
        }
        throw new QueryException(ErrorType.BAD_DATA, "expected range vector, got " + a.type());
    }

    /** A subquery's inner expression over its grid, from raw data (README "Downsampling"). */
    private List<StepSeries> collectRaw(SubqueryExpr sq, Grid inner) {
        long saved = ctx.maxResolution();
        ctx.maxResolution(0);
        try {
            return ev.collect(sq.expr(), inner, true);
        } finally {
            ctx.maxResolution(saved);
        }
    }

    /** Subquery steps are aligned to multiples of the step, as Prometheus aligns them. */
    Grid subqueryGrid(SubqueryExpr sq, Grid g) {
        long step = sq.stepMs() > 0 ? sq.stepMs() : ctx.defaultSubqueryStep;
        boolean pinned = sq.at() != null;
        long at = pinned ? ev.atMs(sq.at()) : 0;
        long end = (pinned ? at : g.end()) - sq.offsetMs();
        long base = (pinned ? at : g.start()) - sq.offsetMs() - sq.rangeMs();
        long start = step * (base / step);
        if (start < base) {
            start += step;
        }
        return new Grid(start, end, step);
    }


    /** Evaluates a range function over every step of {@code g}. */
    void call(Call c, RangeFunction rf, Grid g, Sink sink) {
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
            double[] s = ev.scalar(args.get(i), g);
            if (p0 == null) {
                p0 = s;
            } else {
                p1 = s;
            }
        }
        RangeArg ra = rangeArg(args.get(mi), g, c.function());
        boolean pinned = ra.at() != null;
        long at = pinned ? ev.atMs(ra.at()) : 0;
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
        Expr matrixArg = unwrap(args.get(mi));
        long res = matrixArg instanceof MatrixSelector && !absentOverTime
                ? RollupPlan.resolution(ctx, rf, g, pinned, at, off, range) : 0;
        // rate/increase from rollups read the counter at the range's start from the window ending
        // there, as raw data has a sample at (about) the start: extrapolating the range's first
        // window instead missed or doubled one window's increase (a whole hour's for a counter
        // that moves once an hour).
        boolean counterRollup = res > 0 && RollupPlan.aggregate(rf) == Aggregate.COUNTER;
        java.util.function.Supplier<RangeScratch> scratch = () -> {
            RangeScratch sc = new RangeScratch();
            sc.fa.rangeMs = range;
            sc.fa.windowMs = res;
            sc.baselineMs = counterRollup ? res : 0;
            sc.sq = sliding ? new SlidingQuantile() : null;
            return sc;
        };
        java.util.function.Consumer<StepSeries> emit = s -> {
            if (!emitted.add(s.labels)) {
                throw Evaluator.sameLabelset();
            }
            sink.accept(s);
        };
        if (res > 0 && rf == RangeFunction.AVG_OVER_TIME) {
            averages(((MatrixSelector) matrixArg).selector(), g, range, res, c.function(), false, emit);
        } else if (matrixArg instanceof MatrixSelector ms && !absentOverTime) {
            // Series are independent here: read and computed on every core, emitted in order.
            VectorSelector vs = ms.selector();
            long mint = (pinned ? at : g.start()) - vs.offsetMs() - range - (counterRollup ? res : 0);
            long maxt = (pinned ? at : g.end()) - vs.offsetMs();
            // With rollups each sample is a window's aggregate, and a window ending at the range's
            // start is before it: the range is left-open.
            SeriesSet set = res > 0
                    ? ctx.selectAggregate(vs.matchers(), mint, maxt, g.interval(), range, c.function(), res,
                            RollupPlan.aggregate(rf))
                    : ctx.select(vs.matchers(), mint, maxt, g.interval(), range, c.function());
            RangeFunction f = res > 0 ? RollupPlan.combiner(rf) : rf;
            boolean leftOpen = res > 0;
            SeriesFanOut.run(set, ctx::tick, scratch, (series, sc) -> {
                SampleIterator it = series.iterator(sc.reuse);
                sc.reuse = it;
                return rangeSeries(f, g, series.labels(), it, sc, pinned, at, off, range, keepName, fp0, fp1, null,
                        leftOpen);
            }, emit);
        } else {
            RangeScratch sc = scratch.get();
            ra.source().forEach((labels, it) -> {
                StepSeries s = rangeSeries(rf, g, labels, it, sc, pinned, at, off, range, keepName, fp0, fp1, seen,
                        false);
                if (s != null) {
                    emit.accept(s);
                }
            });
        }
        if (absentOverTime) {
            InstantFunctions.emitAbsent(seen, InstantFunctions.absentLabels(args.get(mi)), sink);
        }
    }

    /**
     * One series of a range function for all steps: its samples are read once in bulk, and each
     * step's window is an index range over them. Null when no step has a value. With
     * {@code seen} (absent_over_time) only marks the steps that have samples. {@code leftOpen}
     * leaves out a sample at exactly the range's start (rollup windows end there).
     */
    private static StepSeries rangeSeries(RangeFunction rf, Grid g, Labels labels, SampleIterator it, RangeScratch sc,
            boolean pinned, long at, long off, long range, boolean keepName, double[] fp0, double[] fp1, boolean[] seen,
            boolean leftOpen) {
        int n = g.steps();
        RangeFunction.Window w = sc.w;
        RangeFunction.Args fa = sc.fa;
        SlidingQuantile sq = sc.sq;
        double[] out = null;
        long base = sc.baselineMs;
        long firstLo = (pinned ? at : g.start()) - off - range - base;
        long lastRef = (pinned ? at : g.end()) - off;
        int m = SampleReads.readSeries(it, firstLo, lastRef, w);
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
            if (base > 0) {
                // The last window at or before lo, if it ends after lo - base, is where the range starts.
                while (from < to && (w.t[from] <= lo - base || from + 1 < to && w.t[from + 1] <= lo)) {
                    from++;
                }
            } else {
                while (from < to && (w.t[from] < lo || leftOpen && w.t[from] == lo)) {
                    from++;
                }
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
     * The mean over each step's range (left-open) from rollups at {@code res}: the windows' sums
     * over their counts, so the mean weighs every raw sample alike (avg_over_time, and instant
     * selectors with {@code range == res}).
     */
    void averages(VectorSelector vs, Grid g, long range, long res, String func, boolean keepName,
            java.util.function.Consumer<StepSeries> emit) {
        boolean pinned = vs.at() != null;
        long at = pinned ? ev.atMs(vs.at()) : 0;
        long off = vs.offsetMs();
        long mint = (pinned ? at : g.start()) - off - range;
        long maxt = (pinned ? at : g.end()) - off;
        if (range == res) {
            // One window per step: its mean is one column, read in one pass (raw samples in the
            // window, where rollups do not reach, are averaged as they are).
            SeriesSet means = ctx.selectAggregate(vs.matchers(), mint, maxt, g.interval(), range, func, res,
                    Aggregate.MEAN);
            // Series are independent: read and averaged on every core, emitted in order.
            SeriesFanOut.run(means, ctx::tick, () -> {
                RangeScratch m = new RangeScratch();
                m.fa.rangeMs = range;
                return m;
            }, (series, m) -> {
                SampleIterator it = series.iterator(m.reuse);
                m.reuse = it;
                StepSeries s = rangeSeries(RangeFunction.AVG_OVER_TIME, g, series.labels(), it, m, pinned, at, off,
                        range, true, null, null, null, true);
                return s == null || keepName ? s : new StepSeries(LabelOps.dropName(series.labels()), s.v);
            }, emit);
            return;
        }
        SeriesSet sums = ctx.selectAggregate(vs.matchers(), mint, maxt, g.interval(), range, func, res,
                Aggregate.SUM);
        SeriesSet counts = ctx.selectAggregate(vs.matchers(), mint, maxt, g.interval(), range, func, res,
                Aggregate.COUNT);
        RangeScratch a = new RangeScratch();
        RangeScratch b = new RangeScratch();
        a.fa.rangeMs = range;
        b.fa.rangeMs = range;
        // Both sets list the same series in the same order: they read the same windows.
        while (sums.next() && counts.next()) {
            ctx.tick();
            Labels labels = sums.at().labels();
            StepSeries s = rangeSeries(RangeFunction.SUM_OVER_TIME, g, labels, sums.at().iterator(null), a, pinned, at,
                    off, range, true, null, null, null, true);
            StepSeries n = rangeSeries(RangeFunction.SUM_OVER_TIME, g, labels, counts.at().iterator(null), b, pinned, at,
                    off, range, true, null, null, null, true);
            if (s == null || n == null) {
                continue;
            }
            for (int k = 0; k < s.v.length; k++) {
                if (present(s.v[k])) {
                    s.v[k] = s.v[k] / n.v[k];
                }
            }
            emit.accept(keepName ? s : new StepSeries(LabelOps.dropName(labels), s.v));
        }
    }

    /** An instant query of a range vector: the raw samples of every series in its window. */
    List<SeriesData> rangeVectorAt(Expr e, long t) {
        e = unwrap(e);
        Grid g = new Grid(t, t, 1);
        List<SeriesData> out = new ArrayList<>();
        if (e instanceof MatrixSelector ms) {
            VectorSelector vs = ms.selector();
            long ref = (vs.at() != null ? ev.atMs(vs.at()) : t) - vs.offsetMs();
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
                        SampleReads.append(w, it.t(), absent(it.v()) ? Double.NaN : it.v());
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
            List<StepSeries> rows = inner.steps() > 0 ? collectRaw(sq, inner) : List.of();
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
}
