package dev.vigil.ingest.importer;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Storage;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Appends and commits an import's batches on a second thread while the request thread reads and
 * parses the next: parsing and appending cost about the same per sample, so an import runs up
 * to twice as fast. Two batches circulate, so memory stays at three batches whatever the body's
 * size, and the parser waits when the store falls behind. The thread starts with the first batch
 * and ends at {@link #finish()}, which must be called on every path.
 */
final class AppendPipeline implements PrometheusImporter.BatchSink {
    private static final Batch END = new Batch(1);

    private final Storage storage;
    private final BlockingQueue<Batch> free = new ArrayBlockingQueue<>(2);
    private final BlockingQueue<Batch> full = new ArrayBlockingQueue<>(3);
    private Thread thread;
    private volatile Throwable failure;
    private volatile long stored;
    /** Used by the appending thread only (and by one import at a time). */
    private final RefCache refs;

    AppendPipeline(Storage storage, int batchCapacity, RefCache refs) {
        this.storage = storage;
        this.refs = refs;
        free.add(new Batch(batchCapacity));
        free.add(new Batch(batchCapacity));
    }

    /** Samples committed so far (all handed over, after {@link #finish()}). */
    long stored() {
        return stored;
    }

    @Override
    public void accept(Batch batch) throws IOException {
        rethrow();
        if (thread == null) {
            thread = new Thread(this::run, "import-append");
            thread.setDaemon(true);
            thread.start();
        }
        Batch next;
        try {
            next = free.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("import interrupted");
        }
        rethrow();
        next.swap(batch); // the parser fills the emptied one next
        full.add(next);
    }

    /**
     * Waits until every batch handed over is committed (or the store refused one).
     *
     * @throws IOException when a commit failed
     * @throws RuntimeException the store's refusal of a sample
     */
    void finish() throws IOException {
        if (thread == null) {
            return;
        }
        full.add(END);
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the batches handed over are committed before the request ends
            }
        }
        thread = null;
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        rethrow();
    }

    private void run() {
        try {
            while (true) {
                Batch b = full.take();
                if (b == END) {
                    return;
                }
                try {
                    append(b);
                } finally {
                    b.clear();
                    free.add(b); // also after a failure, so the parser never waits forever
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void append(Batch b) throws IOException {
        Appender a = storage.appender();
        boolean ok = false;
        try {
            // A run of one series (a dump laid out series after series) resolves its labels once;
            // a series met again (time-ordered data) finds its reference by identity.
            Labels prev = null;
            long ref = 0;
            for (int i = 0; i < b.size(); i++) {
                Labels l = b.labels(i);
                if (l != prev) {
                    long known = refs.get(l);
                    ref = a.append(known, l, b.timestamp(i), b.value(i));
                    if (ref != known) {
                        refs.put(l, ref);
                    }
                } else {
                    ref = a.append(ref, l, b.timestamp(i), b.value(i));
                }
                prev = l;
            }
            a.commit();
            ok = true;
            stored += b.size();
        } finally {
            if (!ok) {
                a.rollback();
            }
        }
    }

    private void rethrow() throws IOException {
        Throwable t = failure;
        if (t instanceof IOException e) {
            throw e;
        }
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IOException(t);
        }
    }
}
