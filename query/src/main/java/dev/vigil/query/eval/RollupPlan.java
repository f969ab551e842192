package dev.vigil.query.eval;

import dev.vigil.tsdb.downsample.Aggregate;

/**
 * Which functions read rollups, from which aggregate, and at which resolution a selector may
 * (README "Downsampling"). Everything not named here reads raw data, and so does a selector
 * whose time range no rollup block reaches, exactly as Prometheus would.
 */
final class RollupPlan {
    private RollupPlan() {
    }

    /** The aggregate a range function is computed from, or null when it always reads raw data (avg: two). */
    static Aggregate aggregate(RangeFunction rf) {
        return switch (rf) {
            case COUNT_OVER_TIME -> Aggregate.COUNT;
            case SUM_OVER_TIME -> Aggregate.SUM;
            case MIN_OVER_TIME -> Aggregate.MIN;
            case MAX_OVER_TIME -> Aggregate.MAX;
            case RATE, INCREASE -> Aggregate.COUNTER;
            default -> null;
        };
    }

    /** The function that combines the windows' aggregates: counts and sums add up. */
    static RangeFunction combiner(RangeFunction rf) {
        return rf == RangeFunction.COUNT_OVER_TIME ? RangeFunction.SUM_OVER_TIME : rf;
    }

    /**
     * The coarsest resolution a range function over {@code range} may read, 0 for raw. Whole-window
     * functions (count, sum, min, max, avg) need a range that is a multiple of the resolution and
     * every step's end on a window boundary, so each step sees whole windows only; rate and
     * increase need two windows in the range (one window's counter alone has no increase).
     */
    static long resolution(QueryContext ctx, RangeFunction rf, Grid g, boolean pinned, long at, long off, long range) {
        if (rf != RangeFunction.AVG_OVER_TIME && aggregate(rf) == null) {
            return 0;
        }
        boolean counter = aggregate(rf) == Aggregate.COUNTER;
        for (long res : ctx.resolutions(first(g, pinned, at, off) - range, last(g, pinned, at, off))) {
            if (counter ? range >= 2 * res : range % res == 0 && range >= res && aligned(g, pinned, at, off, res)) {
                return res;
            }
        }
        return 0;
    }

    /** The resolution an instant selector may read (the mean of the window ending at each step), 0 for raw. */
    static long selectorResolution(QueryContext ctx, Grid g, boolean pinned, long at, long off) {
        for (long res : ctx.resolutions(first(g, pinned, at, off) - ctx.lookbackMs, last(g, pinned, at, off))) {
            if (aligned(g, pinned, at, off, res)) {
                return res;
            }
        }
        return 0;
    }

    private static long first(Grid g, boolean pinned, long at, long off) {
        return (pinned ? at : g.start()) - off;
    }

    private static long last(Grid g, boolean pinned, long at, long off) {
        return (pinned ? at : g.end()) - off;
    }

    /** Whether every step's reference time (step minus offset, or the @ time) is a multiple of {@code res}. */
    private static boolean aligned(Grid g, boolean pinned, long at, long off, long res) {
        if (pinned) {
            return Math.floorMod(at - off, res) == 0;
        }
        return Math.floorMod(g.start() - off, res) == 0 && (g.steps() == 1 || g.interval() % res == 0);
    }
}
