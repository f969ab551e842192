package dev.vigil.tsdb;

import java.io.Closeable;
import java.util.Map;

/** The store as the rest of Vigil sees it: transactions in, queriers out. */
public interface Storage extends Closeable {
    Appender appender();

    /** A querier over the closed range [mint, maxt] in ms. */
    Querier querier(long mint, long maxt);

    /** Metadata per metric family name, as last recorded. */
    Map<String, Metadata> metadata();

    /**
     * The rollup resolutions (ms) with rollups over part of [mint, maxt], at which
     * {@link Querier#select} serves {@link SelectHints#aggregate}; empty when only raw data is there.
     */
    default long[] rollupResolutions(long mint, long maxt) {
        return new long[0];
    }
}
