package dev.vigil.query;

/**
 * Per-query settings.
 *
 * @param timeoutMs deadline for this query, capped by the engine's --query.timeout; 0 = default
 * @param lookbackDeltaMs lookback for instant selectors; 0 = the engine's default (5 m)
 * @param maxSourceResolutionMs the coarsest rollup resolution the query may read (Thanos's
 *     {@code max_source_resolution}): 0 = raw only, {@link #AUTO} = a fifth of a range query's
 *     step (raw for instant queries)
 */
public record QueryOptions(long timeoutMs, long lookbackDeltaMs, long maxSourceResolutionMs) {
    /** {@code max_source_resolution=auto}: step / 5, as Thanos's --query.auto-downsampling. */
    public static final long AUTO = -1;
    public static final QueryOptions DEFAULT = new QueryOptions(0, 0, AUTO);

    /** Options that let the query read rollups automatically. */
    public QueryOptions(long timeoutMs, long lookbackDeltaMs) {
        this(timeoutMs, lookbackDeltaMs, AUTO);
    }
}
