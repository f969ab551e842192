package dev.vigil.query.eval;

import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.downsample.Aggregate;
import java.util.ArrayList;
import java.util.List;

/** Per-query state: storage access, the deadline, the sample budget and the query's own times. */
final class QueryContext implements AutoCloseable {
    final Storage storage;
    final long lookbackMs;
    final long queryStart;
    final long queryEnd;
    final long defaultSubqueryStep;
    private final long deadlineNanos;
    private final long maxSamples;
    private long samples;
    private int tick;
    private final List<Querier> queriers = new ArrayList<>();
    /** The coarsest rollup resolution the query may read; 0 = raw only. */
    private long maxResolution;

    QueryContext(Storage storage, long lookbackMs, long queryStart, long queryEnd, long defaultSubqueryStep,
            long deadlineNanos, long maxSamples) {
        this.storage = storage;
        this.lookbackMs = lookbackMs;
        this.queryStart = queryStart;
        this.queryEnd = queryEnd;
        this.defaultSubqueryStep = defaultSubqueryStep;
        this.deadlineNanos = deadlineNanos;
        this.maxSamples = maxSamples;
    }

    /** One select per selector evaluation, over exactly the time it needs. */
    SeriesSet select(List<Matcher> matchers, long mint, long maxt, long step, long range, String func) {
        checkDeadline();
        Querier q = storage.querier(mint, maxt);
        queriers.add(q);
        // Sorted: series order decides ties in topk/bottomk and the order of instant results, and
        // label order is what Prometheus gets from its blocks, whatever order the head holds.
        return q.select(true, new SelectHints(mint, maxt, step, range, func), matchers.toArray(new Matcher[0]));
    }

    /** Sets the coarsest rollup resolution (ms) the query may read, 0 for raw only. */
    void maxResolution(long max) {
        maxResolution = max;
    }

    long maxResolution() {
        return maxResolution;
    }

    /** Rollup resolutions over part of [mint, maxt] the query may read, coarsest first. */
    long[] resolutions(long mint, long maxt) {
        if (maxResolution <= 0) {
            return new long[0];
        }
        long max = maxResolution;
        return java.util.Arrays.stream(storage.rollupResolutions(mint, maxt)).filter(r -> r > 0 && r <= max)
                .map(r -> -r).sorted().map(r -> -r).toArray();
    }

    /** A select of one aggregate per window at {@code res} (rollups where they exist, raw elsewhere). */
    SeriesSet selectAggregate(List<Matcher> matchers, long mint, long maxt, long step, long range, String func, long res,
            Aggregate agg) {
        checkDeadline();
        Querier q = storage.querier(mint, maxt);
        queriers.add(q);
        return q.select(true, new SelectHints(mint, maxt, step, range, func, res, agg), matchers.toArray(new Matcher[0]));
    }

    /** Cheap enough for inner loops: reads the clock every 256 calls. */
    void tick() {
        if ((++tick & 0xff) == 0) {
            checkDeadline();
        }
    }

    void checkDeadline() {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new QueryException(ErrorType.TIMEOUT, "query timed out in expression evaluation");
        }
    }

    /** Accounts for samples now held in memory; Prometheus's --query.max-samples. */
    void hold(long n) {
        samples += n;
        if (samples > maxSamples) {
            throw tooManySamples();
        }
    }

    /** Prometheus's words when a query would exceed --query.max-samples (422 execution). */
    static QueryException tooManySamples() {
        return new QueryException(ErrorType.EXECUTION,
                "query processing would load too many samples into memory in query execution");
    }

    void release(long n) {
        samples -= n;
    }

    @Override
    public void close() {
        for (Querier q : queriers) {
            q.close();
        }
        queriers.clear();
    }
}
