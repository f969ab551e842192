package dev.vigil.query;

import dev.vigil.query.QueryException.ErrorType;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code --query.max-concurrency} and {@code --query.timeout}: the slots that queries and the
 * metadata endpoints (series, label names and values, TSDB status) share, and the deadline each
 * admitted request runs under. Waiting for a slot counts toward the deadline, as in Prometheus.
 * Thread-safe.
 */
public final class QueryGate {
    private final Semaphore slots;
    private final long timeoutMs;

    /** @param maxConcurrency requests admitted at once; @param timeoutMs the longest any may take */
    public QueryGate(int maxConcurrency, long timeoutMs) {
        if (maxConcurrency <= 0 || timeoutMs <= 0) {
            throw new IllegalArgumentException("concurrency and timeout must be positive");
        }
        this.slots = new Semaphore(maxConcurrency, true);
        this.timeoutMs = timeoutMs;
    }

    /** The configured timeout, in ms. */
    public long timeoutMs() {
        return timeoutMs;
    }

    /**
     * Waits for a slot; the caller must close the admission to free it.
     *
     * @param requestedMs a client's own timeout (the {@code timeout} parameter), or 0 for the
     *     configured one; never longer than the configured one
     * @throws QueryException 503 {@code timeout} "query timed out in query queue" when no slot
     *     frees before the deadline
     */
    public Admission enter(long requestedMs) {
        long timeout = requestedMs > 0 ? Math.min(timeoutMs, requestedMs) : timeoutMs;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
        try {
            if (!slots.tryAcquire(timeout, TimeUnit.MILLISECONDS)) {
                throw new QueryException(ErrorType.TIMEOUT, "query timed out in query queue");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException(ErrorType.CANCELED, "query was canceled in query queue");
        }
        return new Admission(deadline);
    }

    /** One admitted request: its deadline, and its slot until {@link #close()}. */
    public final class Admission implements AutoCloseable {
        private final long deadlineNanos;
        private boolean closed;
        private int tick;

        private Admission(long deadlineNanos) {
            this.deadlineNanos = deadlineNanos;
        }

        /** {@link System#nanoTime()} after which the request is late. */
        public long deadlineNanos() {
            return deadlineNanos;
        }

        /**
         * Throws Prometheus's timeout once the deadline has passed.
         *
         * @param stage where the time ran out, as in "query timed out in {@code stage}"
         */
        public void check(String stage) {
            if (System.nanoTime() - deadlineNanos > 0) {
                throw new QueryException(ErrorType.TIMEOUT, "query timed out in " + stage);
            }
        }

        /** {@link #check} cheap enough for a loop over series: reads the clock every 256 calls. */
        public void tick(String stage) {
            if ((++tick & 0xff) == 0) {
                check(stage);
            }
        }

        /** Frees the slot; closing twice frees it once. */
        @Override
        public void close() {
            if (!closed) {
                closed = true;
                slots.release();
            }
        }
    }
}
