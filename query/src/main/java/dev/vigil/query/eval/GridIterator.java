package dev.vigil.query.eval;

import static dev.vigil.query.eval.StepSeries.absent;

import dev.vigil.tsdb.SampleIterator;

/** Iterates the present steps of a subquery result. */
final class GridIterator implements SampleIterator {
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
