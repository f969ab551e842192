package dev.vigil.server.http;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads of their own for one kind of route, so a kind that can block on its clients (a push
 * whose declared body trickles in) cannot take every worker of the listener from another (the
 * query API Grafana waits on).
 */
public final class WorkerPool implements AutoCloseable {
    private final ThreadGroup group;
    private final ThreadPoolExecutor executor;

    public WorkerPool(String name, int threads) {
        this.group = new ThreadGroup(name);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(group, r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        executor.allowCoreThreadTimeOut(true);
    }

    public ExecutorService executor() {
        return executor;
    }

    /** Whether a task is running on one of the pool's threads now (approximate). */
    public boolean busy() {
        return executor.getActiveCount() > 0;
    }

    /** Whether the calling thread is one of this pool's. */
    public boolean isCurrent() {
        return Thread.currentThread().getThreadGroup() == group;
    }

    @Override
    public void close() {
        executor.shutdown();
    }
}
