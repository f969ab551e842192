package dev.vigil.tsdb.db;

import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.SeriesSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The store's open queriers and their time ranges, so a head cut can wait for those opened
 * before its block was published before it truncates the head: such a querier knows only the
 * blocks of its opening and reads the head lazily, so it would miss the cut range altogether
 * (Prometheus waits for its pending readers likewise). Queriers are wrapped to deregister on close.
 */
final class OpenReaders {
    private final Map<Long, long[]> open = new HashMap<>();
    private long lastId;
    private volatile boolean waiting;

    /** Wraps {@code q}, registered over [mint, maxt] until closed. */
    Querier track(Querier q, long mint, long maxt) {
        long id;
        synchronized (this) {
            id = ++lastId;
            open.put(id, new long[] {mint, maxt});
        }
        return new Tracked(q, id);
    }

    /** The id of the newest querier opened so far; those up to it opened before now. */
    synchronized long newest() {
        return lastId;
    }

    /** Whether a cut is waiting for queriers now (for tests). */
    boolean waiting() {
        return waiting;
    }

    /**
     * Waits until no querier with an id up to {@code upTo} that overlaps [lo, hi] is open, or
     * {@code timeoutMs} passed (a querier never closed must not stop maintenance for good).
     *
     * @return whether none is left
     */
    synchronized boolean awaitClosed(long upTo, long lo, long hi, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        waiting = true;
        try {
            while (overlapping(upTo, lo, hi)) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                wait(left);
            }
            return true;
        } finally {
            waiting = false;
        }
    }

    private boolean overlapping(long upTo, long lo, long hi) {
        for (Map.Entry<Long, long[]> e : open.entrySet()) {
            long[] r = e.getValue();
            if (e.getKey() <= upTo && r[0] <= hi && r[1] >= lo) {
                return true;
            }
        }
        return false;
    }

    private synchronized void closed(long id) {
        if (open.remove(id) != null) {
            notifyAll();
        }
    }

    private final class Tracked implements Querier {
        private final Querier q;
        private final long id;

        Tracked(Querier q, long id) {
            this.q = q;
            this.id = id;
        }

        @Override
        public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
            return q.select(sorted, hints, matchers);
        }

        @Override
        public List<String> labelNames(Matcher... matchers) {
            return q.labelNames(matchers);
        }

        @Override
        public List<String> labelValues(String name, Matcher... matchers) {
            return q.labelValues(name, matchers);
        }

        @Override
        public void close() {
            try {
                q.close();
            } finally {
                closed(id);
            }
        }
    }
}
