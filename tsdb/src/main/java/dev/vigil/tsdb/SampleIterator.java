package dev.vigil.tsdb;

/**
 * A forward-only cursor over one series' samples in time order.
 *
 * <p>Before the first {@link #next()} or {@link #seek(long)} the position is undefined. Values
 * are returned bit-exact: staleness markers and ordinary NaNs keep their bit patterns.
 */
public interface SampleIterator {
    /** Advances to the next sample; false when exhausted. */
    boolean next();

    /**
     * Advances to the first sample with timestamp {@code >= t}; false when there is none. Never
     * moves backwards: if the current sample is already at or after {@code t}, stays put.
     */
    boolean seek(long t);

    /** Timestamp in milliseconds of the current sample. */
    long t();

    /** Value of the current sample. */
    double v();

    /**
     * Reads the next samples in bulk: the same as calling {@link #next()} up to {@code max} times
     * and copying each {@link #t()} and {@link #v()} to {@code t[off + i]} and {@code v[off + i]}.
     * Returns how many were read: fewer than {@code max} only when the iterator is exhausted.
     * After a full batch the last sample read is current, so {@code next}, {@code seek} and
     * batches can be mixed. Stores override it to copy decoded chunks without a call per sample.
     */
    default int nextBatch(long[] t, double[] v, int off, int max) {
        int n = 0;
        while (n < max && next()) {
            t[off + n] = t();
            v[off + n] = v();
            n++;
        }
        return n;
    }

    /** An iterator with no samples. */
    SampleIterator EMPTY = new SampleIterator() {
        @Override
        public boolean next() {
            return false;
        }

        @Override
        public boolean seek(long t) {
            return false;
        }

        @Override
        public long t() {
            throw new IllegalStateException("empty");
        }

        @Override
        public double v() {
            throw new IllegalStateException("empty");
        }
    };
}
