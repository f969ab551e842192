package dev.vigil.query.eval;

import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Runs independent per-series work (reading a series and computing its steps) on the calling
 * thread plus one worker per further core, and hands the results to the consumer on the calling
 * thread in the set's order, so results and errors are the same as sequentially. Series are
 * taken from the set in batches; a worker that has not started when the caller finishes a batch
 * is skipped, so a busy pool never makes a query wait.
 */
final class SeriesFanOut {
    private static final int WORKERS = Math.max(0, Runtime.getRuntime().availableProcessors() - 1);
    private static final ExecutorService POOL = WORKERS == 0 ? null : Executors.newFixedThreadPool(WORKERS, r -> {
        Thread t = new Thread(r, "vigil-query-worker");
        t.setDaemon(true);
        return t;
    });
    /** Series per batch: enough to share, few enough that a batch's results stay small. */
    private static final int BATCH = 256;
    /** Series a thread claims at a time. */
    private static final int CLAIM = 8;
    /** Below this many series in a batch, workers cost more than they save. */
    private static final int MIN_PARALLEL = 64;

    private SeriesFanOut() {
    }

    /** Work on one series with per-thread scratch state; returns the result or null for none. */
    interface Work<S, R> {
        R apply(Series series, S scratch);
    }

    /**
     * Applies {@code work} to every series of {@code set}; {@code beforeEach} runs on the calling
     * thread for each series taken (deadline checks), {@code emit} for each non-null result.
     */
    static <S, R> void run(SeriesSet set, Runnable beforeEach, Supplier<S> scratch, Work<S, R> work, Consumer<R> emit) {
        S mine = scratch.get();
        Object[] workerScratch = new Object[WORKERS];
        Series[] batch = new Series[BATCH];
        Object[] out = new Object[BATCH];
        while (true) {
            int n = 0;
            while (n < BATCH && set.next()) {
                beforeEach.run();
                batch[n++] = set.at();
            }
            if (n == 0) {
                return;
            }
            if (WORKERS == 0 || n < MIN_PARALLEL) {
                for (int i = 0; i < n; i++) {
                    out[i] = work.apply(batch[i], mine);
                }
            } else {
                for (int h = 0; h < WORKERS; h++) {
                    if (workerScratch[h] == null) {
                        workerScratch[h] = scratch.get();
                    }
                }
                shared(batch, out, n, mine, workerScratch, work);
            }
            for (int i = 0; i < n; i++) {
                @SuppressWarnings("unchecked")
                R r = (R) out[i];
                out[i] = null;
                batch[i] = null;
                if (r != null) {
                    emit.accept(r);
                }
            }
        }
    }

    private static <S, R> void shared(Series[] batch, Object[] out, int n, S mine, Object[] workerScratch, Work<S, R> work) {
        AtomicInteger next = new AtomicInteger();
        Task<?>[] tasks = new Task<?>[WORKERS];
        for (int h = 0; h < WORKERS; h++) {
            @SuppressWarnings("unchecked")
            S s = (S) workerScratch[h];
            Task<S> t = new Task<>(batch, out, n, next, s, work);
            tasks[h] = t;
            try {
                POOL.execute(t);
            } catch (RejectedExecutionException e) {
                t.started.set(true);
                t.done.countDown();
            }
        }
        RuntimeException failure = null;
        try {
            drain(batch, out, n, next, mine, work);
        } catch (RuntimeException e) {
            failure = e;
        }
        for (Task<?> t : tasks) {
            if (!t.started.compareAndSet(false, true)) {
                // Running or finished: its claimed series must be done before the batch is used.
                try {
                    t.done.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for a query worker", e);
                }
                if (failure == null && t.failure != null) {
                    failure = t.failure;
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static <S, R> void drain(Series[] batch, Object[] out, int n, AtomicInteger next, S scratch, Work<S, R> work) {
        int i;
        while ((i = next.getAndAdd(CLAIM)) < n) {
            int end = Math.min(n, i + CLAIM);
            for (int j = i; j < end; j++) {
                out[j] = work.apply(batch[j], scratch);
            }
        }
    }

    private static final class Task<S> implements Runnable {
        final AtomicBoolean started = new AtomicBoolean();
        final CountDownLatch done = new CountDownLatch(1);
        private final Series[] batch;
        private final Object[] out;
        private final int n;
        private final AtomicInteger next;
        private final S scratch;
        private final Work<S, ?> work;
        volatile RuntimeException failure;

        Task(Series[] batch, Object[] out, int n, AtomicInteger next, S scratch, Work<S, ?> work) {
            this.batch = batch;
            this.out = out;
            this.n = n;
            this.next = next;
            this.scratch = scratch;
            this.work = work;
        }

        @Override
        public void run() {
            if (!started.compareAndSet(false, true)) {
                return;
            }
            try {
                drain(batch, out, n, next, scratch, work);
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                done.countDown();
            }
        }
    }
}
