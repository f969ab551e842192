package dev.vigil.query.eval;

import dev.vigil.tsdb.SampleIterator;

/** Per-thread state of a range function over many series. */
final class RangeScratch {
    final RangeFunction.Window w = new RangeFunction.Window();
    final RangeFunction.Args fa = new RangeFunction.Args();
    SlidingQuantile sq;
    SampleIterator reuse;
    /** Rate from rollups: how far before a step's range its starting window may end (0: none). */
    long baselineMs;
}
