package dev.vigil.query.eval;

import dev.vigil.query.ast.AggregateExpr;
import dev.vigil.query.ast.At;
import dev.vigil.query.ast.BinaryExpr;
import dev.vigil.query.ast.Call;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.ParenExpr;
import dev.vigil.query.ast.SubqueryExpr;
import dev.vigil.query.ast.UnaryExpr;

/**
 * Refuses, before anything is read or allocated, a query whose step grids cannot fit its sample
 * budget ({@code --query.max-samples}). The points per series of the query and of every subquery
 * are worked out from the tree in long arithmetic, on the grids the evaluator will use, so
 * {@code max_over_time(vector(1)[1000d:1ms])} fails at once with the error Prometheus 2.42 gives
 * after a minute or more of work, instead of overflowing an int or filling the heap.
 */
final class PointBudget {
    /**
     * What one point of one series may cost the evaluator at its peak: a dense step slot (8
     * bytes) and its time and value in a sliding window (16), whose arrays may have doubled past
     * the count (another 16) while the old pair is still being copied (16), with headroom for the
     * collector. Caps points per series at what the heap can hold, even where max-samples is larger.
     */
    static final long BYTES_PER_POINT = 64;

    /** Arrays index by int, and the JVM keeps a few header words below Integer.MAX_VALUE. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

    private final QueryContext ctx;
    private final long maxPointsPerSeries;

    private PointBudget(QueryContext ctx, long maxSamples, long heapBytes) {
        this.ctx = ctx;
        this.maxPointsPerSeries = Math.min(Math.min(maxSamples, MAX_ARRAY), heapBytes / BYTES_PER_POINT);
    }

    /**
     * Checks {@code e}, evaluated over {@code g}, with the engine's sample budget and this JVM's
     * heap; throws Prometheus's "too many samples" error when a grid is too long.
     */
    static void check(Expr e, Grid g, QueryContext ctx, long maxSamples) {
        new PointBudget(ctx, maxSamples, Runtime.getRuntime().maxMemory()).walk(e, g.start(), g.end(), g.interval());
    }

    private void walk(Expr e, long start, long end, long interval) {
        e = Evaluator.unwrap(e);
        long steps = Grid.steps(start, end, interval);
        if (steps > maxPointsPerSeries) {
            throw QueryContext.tooManySamples();
        }
        if (steps > 1 && StepInvariance.isInvariant(e)) {
            // The evaluator takes such a subtree at the first step only.
            end = start;
        }
        if (e instanceof SubqueryExpr sq) {
            subquery(sq, start, end);
        } else if (e instanceof Call c) {
            for (Expr a : c.args()) {
                walk(a, start, end, interval);
            }
        } else if (e instanceof AggregateExpr a) {
            if (a.param() != null) {
                walk(a.param(), start, end, interval);
            }
            walk(a.expr(), start, end, interval);
        } else if (e instanceof BinaryExpr b) {
            walk(b.lhs(), start, end, interval);
            walk(b.rhs(), start, end, interval);
        } else if (e instanceof UnaryExpr u) {
            walk(u.expr(), start, end, interval);
        } else if (e instanceof ParenExpr p) {
            walk(p.expr(), start, end, interval);
        }
    }

    /** The inner grid as {@code RangeVectors.subqueryGrid} builds it, with overflow refused rather than wrapped. */
    private void subquery(SubqueryExpr sq, long outerStart, long outerEnd) {
        long step = sq.stepMs() > 0 ? sq.stepMs() : ctx.defaultSubqueryStep;
        boolean pinned = sq.at() != null;
        long at = pinned ? atMs(sq.at()) : 0;
        long innerStart;
        long innerEnd;
        try {
            innerEnd = Math.subtractExact(pinned ? at : outerEnd, sq.offsetMs());
            long base = Math.subtractExact(Math.subtractExact(pinned ? at : outerStart, sq.offsetMs()), sq.rangeMs());
            innerStart = Math.multiplyExact(step, base / step);
            if (innerStart < base) {
                innerStart = Math.addExact(innerStart, step);
            }
        } catch (ArithmeticException overflow) {
            throw QueryContext.tooManySamples();
        }
        walk(sq.expr(), innerStart, innerEnd, step);
    }

    private long atMs(At at) {
        return switch (at.kind()) {
            case START -> ctx.queryStart;
            case END -> ctx.queryEnd;
            case TIMESTAMP -> at.timestampMs();
        };
    }
}
