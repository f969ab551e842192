package dev.vigil.tsdb.prometheus;

import java.util.List;

/** Series with samples out of a Prometheus folder: a block, or the WAL's head. */
public interface PromSource {
    /** The ID (a block's ULID, or "wal"), time range {@code [minTime, maxTime)} and level. */
    PromBlock.Meta meta();

    /** Every series, each once. */
    List<PromIndex.Entry> series() throws PromFormatException;

    /**
     * Reads the samples of one series into {@code out} (cleared first), strictly in time order, without those in a
     * deleted range (counted in {@link SampleBuffer#deleted}).
     */
    void read(PromIndex.Entry e, SampleBuffer out) throws PromFormatException;

    /** Opens a source when its turn comes, so that one block's files are mapped at a time. */
    interface OpenFn {
        PromSource get() throws java.io.IOException;
    }

    /** A source not yet opened, and what its meta says. */
    record Opener(PromBlock.Meta meta, OpenFn open) {
    }
}
