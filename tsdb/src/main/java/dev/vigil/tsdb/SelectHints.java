package dev.vigil.tsdb;

import dev.vigil.tsdb.downsample.Aggregate;

/**
 * What the query engine will do with a selection, so storage can prune; storage may ignore it,
 * except {@code aggregate}, which only a storage listing {@code resolution} in
 * {@link Storage#rollupResolutions(long, long)} is given and which it must honour.
 *
 * @param start earliest timestamp (ms) the engine will read
 * @param end latest timestamp (ms) the engine will read
 * @param step range-query step in ms, 0 for instant queries
 * @param range range of the surrounding range selector in ms, 0 for none
 * @param func name of the surrounding function, or null
 * @param resolution rollup resolution (ms) the engine asks for with {@code aggregate}, 0 = raw
 * @param aggregate when not null, every sample is that aggregate of a window: rollup windows
 *     at {@code resolution} where rollups cover the time, raw samples as one-sample windows
 *     elsewhere (docs/format/downsample.md, "Querying")
 */
public record SelectHints(long start, long end, long step, long range, String func, long resolution,
        Aggregate aggregate) {
    /** Hints for raw samples. */
    public SelectHints(long start, long end, long step, long range, String func) {
        this(start, end, step, range, func, 0, null);
    }
}
