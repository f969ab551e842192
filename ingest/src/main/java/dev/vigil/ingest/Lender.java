package dev.vigil.ingest;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Objects lent to one request at a time and kept for the next, most recently returned first.
 *
 * <p>Why not one per worker thread: requests land on any of the 16 workers, so over minutes
 * every worker would hold its own 1 MB body buffer and parsed push although the reporters of
 * a cluster, spread over their interval, rarely push two at a time (≈ 16 MiB of heap for 20
 * TaskManagers); lent most-recent-first, a server keeps as many as pushes ever overlapped,
 * and a flood of concurrent pushes still reuses one per worker.
 */
public final class Lender<T> {
    /** As many as the server has request workers: more can never be in use at once. */
    public static final int KEEP = 16;

    private final ArrayDeque<T> idle = new ArrayDeque<>();
    private final Supplier<T> make;
    private final int keep;

    public Lender(Supplier<T> make, int keep) {
        this.make = make;
        this.keep = keep;
    }

    public T take() {
        T t;
        synchronized (this) {
            t = idle.pollFirst();
        }
        return t != null ? t : make.get();
    }

    public synchronized void give(T t) {
        if (idle.size() < keep) {
            idle.addFirst(t);
        }
    }
}
