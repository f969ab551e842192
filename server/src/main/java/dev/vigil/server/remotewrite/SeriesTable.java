package dev.vigil.server.remotewrite;

import java.util.Arrays;

/**
 * Each series as sent ({@link WriteRequestEncoder#series}), by WAL ref (refs are dense ids from 1,
 * docs/refs.md). The WAL reader puts a series before it queues any sample of it; the shards get
 * the labels of the refs they were handed (the shard's lock orders the two), so the queue carries
 * an int per sample rather than a reference to store and clear.
 */
final class SeriesTable {
    /** What {@link #get} answers for a series that write_relabel_configs dropped. */
    static final byte[] DROPPED = new byte[0];
    /** Refs at or above this are not kept (their samples are dropped as of an unknown series). */
    static final long MAX_REF = Integer.MAX_VALUE - 8;

    private volatile byte[][] byRef = new byte[4096][];

    /** The series of {@code ref}, {@link #DROPPED}, or null if unknown. */
    byte[] get(long ref) {
        byte[][] a = byRef;
        return ref > 0 && ref < a.length ? a[(int) ref] : null;
    }

    /** Sets the series of {@code ref}; one writer (the WAL reader). Refs outside [1, MAX_REF) are ignored. */
    void put(long ref, byte[] series) {
        if (ref <= 0 || ref >= MAX_REF) {
            return;
        }
        byte[][] a = byRef;
        if (ref >= a.length) {
            a = Arrays.copyOf(a, (int) Math.min(MAX_REF, Math.max(ref + 1, a.length * 2L)));
        }
        a[(int) ref] = series;
        byRef = a; // publishes the write (and a grown array) to shards that read byRef afterwards
    }
}
