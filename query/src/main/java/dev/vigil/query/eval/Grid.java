package dev.vigil.query.eval;

/** The evaluation timestamps start, start+interval, ... up to end (ms). */
record Grid(long start, long end, long interval) {
    /** Checked before evaluation to fit an int (see {@link PointBudget}); a bug if it does not. */
    int steps() {
        return Math.toIntExact(steps(start, end, interval));
    }

    long t(int k) {
        return start + k * interval;
    }

    /** How many steps [start, end] has at {@code interval}, in long arithmetic: Long.MAX_VALUE if the span overflows. */
    static long steps(long start, long end, long interval) {
        if (end < start) {
            return 0;
        }
        long span = end - start;
        // end >= start, so a negative difference means it overflowed.
        return span < 0 ? Long.MAX_VALUE : span / interval + 1;
    }
}
