package dev.vigil.query;

import dev.vigil.query.ast.Expr;

/** Evaluates PromQL against a {@link dev.vigil.tsdb.Storage}; thread-safe. */
public interface Engine {
    /** Prometheus's limit on points per series of a range query, which its HTTP API enforces. */
    long MAX_POINTS_PER_SERIES = 11_000;

    /**
     * The API's resolution check, before the query is parsed: {@code (end - start) / step} above
     * 11,000 is bad data, in Prometheus's words. Durations divide as integers, so exactly 11,000
     * steps (11,001 points) pass.
     */
    static void checkResolution(long startMs, long endMs, long stepMs) {
        if (stepMs > 0 && (endMs - startMs) / stepMs > MAX_POINTS_PER_SERIES) {
            throw new QueryException(QueryException.ErrorType.BAD_DATA,
                    "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }
    }

    /** Instant query at {@code timeMs}. */
    QueryResult instant(String query, long timeMs, QueryOptions options);

    /** Range query at start, start+step, ... up to end (ms); the result is a matrix. */
    QueryResult range(String query, long startMs, long endMs, long stepMs, QueryOptions options);

    /**
     * The concurrency slots and timeout queries run under, which the metadata endpoints
     * (series, labels, TSDB status) share.
     */
    QueryGate gate();

    /** Parses (and type-checks) without evaluating; used by format_query. */
    Expr parse(String query);
}
