package dev.vigil.query.eval;

import dev.vigil.query.Engine;
import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.query.QueryGate;
import dev.vigil.query.QueryOptions;
import dev.vigil.query.QueryResult;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.ValueType;
import dev.vigil.query.parser.ParseCache;
import dev.vigil.query.value.Matrix;
import dev.vigil.query.value.Sample;
import dev.vigil.query.value.Scalar;
import dev.vigil.query.value.SeriesData;
import dev.vigil.query.value.StringValue;
import dev.vigil.query.value.Value;
import dev.vigil.query.value.Vector;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Storage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Vigil's PromQL engine with Prometheus 2.x semantics.
 *
 * <p>Wiring: {@code new PromEngine(storage, EngineOptions.DEFAULT)}, or with
 * {@code new EngineOptions(lookbackDeltaMs, timeoutMs, maxSamples, maxConcurrency)} from the
 * {@code --query.*} flags. At most {@code maxConcurrency} queries run at once; waiting for a slot
 * counts toward the timeout. Thread-safe.
 */
public final class PromEngine implements Engine {
    private final Storage storage;
    private final EngineOptions options;
    private final QueryGate gate;
    private final ParseCache parsed = new ParseCache(512);

    public PromEngine(Storage storage, EngineOptions options) {
        this.storage = storage;
        this.options = options;
        this.gate = new QueryGate(options.maxConcurrency(), options.timeoutMs());
    }

    @Override
    public QueryGate gate() {
        return gate;
    }

    @Override
    public Expr parse(String query) {
        return parsed.parse(query);
    }

    @Override
    public QueryResult instant(String query, long timeMs, QueryOptions opts) {
        return instant(parse(query), timeMs, opts);
    }

    @Override
    public QueryResult range(String query, long startMs, long endMs, long stepMs, QueryOptions opts) {
        return range(parse(query), startMs, endMs, stepMs, opts);
    }

    /** Evaluates an already parsed expression at one instant. */
    public QueryResult instant(Expr expr, long timeMs, QueryOptions opts) {
        return run(opts, timeMs, timeMs, 0, ctx -> {
            Evaluator ev = new Evaluator(ctx);
            Grid g = new Grid(timeMs, timeMs, 1);
            PointBudget.check(expr, g, ctx, options.maxSamples());
            Expr e = Evaluator.unwrap(expr);
            return switch (expr.type()) {
                case SCALAR -> new Scalar(timeMs, ev.scalar(e, g)[0]);
                case STRING -> new StringValue(timeMs, ((dev.vigil.query.ast.StringLiteral) e).value());
                case MATRIX -> new Matrix(ev.rangeVectorAt(e, timeMs));
                case VECTOR -> {
                    List<StepSeries> rows = ev.collect(e, g);
                    List<Sample> out = new ArrayList<>(rows.size());
                    for (StepSeries s : rows) {
                        out.add(new Sample(s.labels, timeMs, s.v[0]));
                    }
                    yield new Vector(out);
                }
            };
        });
    }

    /** Evaluates an already parsed expression at start, start+step, ... end. */
    public QueryResult range(Expr expr, long startMs, long endMs, long stepMs, QueryOptions opts) {
        if (expr.type() != ValueType.SCALAR && expr.type() != ValueType.VECTOR) {
            throw new QueryException(ErrorType.BAD_DATA,
                    "invalid expression type \"" + expr.type().text + "\" for range query, must be Scalar or instant Vector");
        }
        if (stepMs <= 0) {
            throw new QueryException(ErrorType.BAD_DATA,
                    "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if (endMs < startMs) {
            throw new QueryException(ErrorType.BAD_DATA, "end timestamp must not be before start time");
        }
        return run(opts, startMs, endMs, stepMs, ctx -> {
            Grid g = new Grid(startMs, endMs, stepMs);
            PointBudget.check(expr, g, ctx, options.maxSamples());
            Evaluator ev = new Evaluator(ctx);
            Expr e = Evaluator.unwrap(expr);
            List<StepSeries> rows;
            if (expr.type() == ValueType.SCALAR) {
                rows = List.of(new StepSeries(Labels.EMPTY, ev.scalar(e, g)));
            } else {
                rows = ev.collect(e, g);
            }
            List<SeriesData> out = new ArrayList<>(rows.size());
            for (StepSeries s : rows) {
                int cnt = s.count();
                if (cnt == 0) {
                    continue;
                }
                long[] ts = new long[cnt];
                double[] vs = new double[cnt];
                int j = 0;
                for (int k = 0; k < s.v.length; k++) {
                    if (StepSeries.present(s.v[k])) {
                        ts[j] = g.t(k);
                        vs[j++] = s.v[k];
                    }
                }
                out.add(new SeriesData(s.labels, ts, vs, cnt));
            }
            out.sort(Comparator.comparing(SeriesData::metric));
            return new Matrix(out);
        });
    }

    /** The coarsest rollup resolution a query may read: auto is step / 5 (raw for an instant query). */
    static long maxSourceResolution(QueryOptions opts, long step) {
        long m = opts == null ? QueryOptions.AUTO : opts.maxSourceResolutionMs();
        return m == QueryOptions.AUTO ? step / 5 : m;
    }

    private interface Body {
        Value eval(QueryContext ctx);
    }

    private QueryResult run(QueryOptions opts, long start, long end, long step, Body body) {
        long lookback = opts != null && opts.lookbackDeltaMs() > 0 ? opts.lookbackDeltaMs() : options.lookbackDeltaMs();
        try (QueryGate.Admission a = gate.enter(opts == null ? 0 : opts.timeoutMs());
                QueryContext ctx = new QueryContext(storage, lookback, start, end, options.defaultSubqueryStepMs(),
                        a.deadlineNanos(), options.maxSamples())) {
            ctx.maxResolution(maxSourceResolution(opts, step));
            return new QueryResult(body.eval(ctx), List.of());
        }
    }
}
