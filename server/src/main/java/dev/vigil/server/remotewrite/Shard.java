package dev.vigil.server.remotewrite;

import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * One shard of a remote's queue: a bounded ring of samples (capacity {@code queue_config.capacity})
 * and the thread that sends them in order, in batches of at most {@code max_samples_per_send} or
 * whatever is there after {@code batch_send_deadline}. A batch is retried with exponential backoff
 * (min_backoff doubling up to max_backoff) on a connection error, a 5xx or, with
 * {@code retry_on_http_429}, a 429, until it goes through or the shard is stopped; a 4xx drops it.
 * Samples of one series always go to the same shard, so each series is sent in WAL order; within a
 * batch a series' samples share one TimeSeries ({@link SeriesGroups}).
 */
final class Shard {
    private static final Logger LOG = Logger.getLogger(Shard.class.getName());

    private final RemoteWriteConfig cfg;
    /** This shard's own kept-alive connection to the remote. */
    private final RemoteClient.Connection conn;
    private final QueueMetrics m;
    private final SeriesTable series;
    /** The ring: each sample's series ref, timestamp and value bits. */
    private final int[] refs;
    private final long[] ts;
    private final long[] bits;
    private int head;
    private int size;
    /** Samples offered and accepted; samples finished (sent or dropped for good). */
    final AtomicLong enqueued = new AtomicLong();
    final AtomicLong done = new AtomicLong();
    private boolean draining;
    /** Samples of the batch being sent, under this shard's lock. */
    private int inFlight;
    private volatile boolean abort;
    private final Thread thread;

    Shard(RemoteWriteConfig cfg, RemoteClient client, QueueMetrics m, SeriesTable series, String threadName) {
        this.cfg = cfg;
        this.conn = client.connection();
        this.m = m;
        this.series = series;
        int cap = cfg.queue().capacity();
        refs = new int[cap];
        ts = new long[cap];
        bits = new long[cap];
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Adds the samples {@code order[from..to)} names (indexes into the other arrays; refs known to
     * the {@link SeriesTable}, not dropped) as far as there is room; returns how many (the caller
     * waits and offers the rest again).
     */
    synchronized int offer(long[] seriesRefs, long[] t, long[] valueBits, int[] order, int from, int to) {
        int n = Math.min(to - from, refs.length - size);
        for (int k = 0; k < n; k++) {
            int j = order[from + k];
            int i = (head + size) % refs.length;
            refs[i] = (int) seriesRefs[j];
            ts[i] = t[j];
            bits[i] = valueBits[j];
            size++;
        }
        if (n > 0) {
            enqueued.addAndGet(n);
            if (size >= cfg.queue().maxSamplesPerSend()) {
                notifyAll();
            }
        }
        return n;
    }

    /**
     * Waits up to {@code ms} while the ring is full; the shard wakes the caller when it takes a
     * batch out, so a blocked WAL reader costs one wake-up per batch rather than a sleep loop.
     */
    synchronized void awaitRoom(long ms) throws InterruptedException {
        if (size == refs.length && !abort) {
            wait(ms);
        }
    }

    /** Samples queued or in the batch being sent (retried): Prometheus's samples_pending. */
    synchronized int pending() {
        return size + inFlight;
    }

    /** Sends what is queued and ends; returns false if that did not finish within {@code ms}. */
    boolean drain(long ms) throws InterruptedException {
        synchronized (this) {
            draining = true;
            notifyAll();
        }
        thread.join(ms);
        if (thread.isAlive()) {
            abort = true;
            thread.interrupt();
            thread.join(5_000);
            return false;
        }
        return true;
    }

    /** Ends at once; what is queued is not sent (the WAL position was not saved past it). */
    void abort() {
        abort = true;
        thread.interrupt();
        conn.shutdown(); // a post blocked on the socket ends now, not at remote_timeout
    }

    private void run() {
        WriteRequestEncoder enc = new WriteRequestEncoder();
        int max = cfg.queue().maxSamplesPerSend();
        SeriesGroups groups = new SeriesGroups();
        int[] outRef = new int[0];
        long[] outTs = new long[0];
        long[] outBits = new long[0];
        try {
            while (!abort) {
                int n;
                long batchMaxT = Long.MIN_VALUE;
                synchronized (this) {
                    long deadline = System.nanoTime() + cfg.queue().batchSendDeadlineMs() * 1_000_000L;
                    while (size < max && !draining && !abort) {
                        long wait = (deadline - System.nanoTime()) / 1_000_000L;
                        if (wait <= 0) {
                            if (size > 0) {
                                break;
                            }
                            deadline = System.nanoTime() + cfg.queue().batchSendDeadlineMs() * 1_000_000L;
                            wait = cfg.queue().batchSendDeadlineMs();
                        }
                        wait(wait);
                    }
                    if (abort || draining && size == 0) {
                        return;
                    }
                    n = Math.min(size, max);
                    if (outRef.length < n) {
                        outRef = new int[n];
                        outTs = new long[n];
                        outBits = new long[n];
                    }
                    // Only moved out under the lock; encoded outside it, so the WAL reader's offer
                    // does not wait for the encoding.
                    for (int k = 0; k < n; k++) {
                        int i = (head + k) % refs.length;
                        outRef[k] = refs[i];
                        outTs[k] = ts[i];
                        outBits[k] = bits[i];
                    }
                    head = (head + n) % refs.length;
                    size -= n;
                    inFlight = n;
                    notifyAll(); // a reader waiting for room (awaitRoom)
                }
                enc.reset();
                for (int k = 0; k < n; k++) {
                    batchMaxT = Math.max(batchMaxT, outTs[k]);
                }
                int g = groups.group(outRef, n);
                int[] order = groups.order();
                for (int i = 0; i < g; i++) {
                    int from = groups.from(i);
                    enc.timeSeries(series.get(outRef[order[from]]), outTs, outBits, order, from, groups.from(i + 1));
                }
                send(enc, n, batchMaxT);
                synchronized (this) {
                    inFlight = 0;
                }
                done.addAndGet(n);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception | Error e) {
            LOG.log(java.util.logging.Level.SEVERE, "remote write shard of " + cfg + " stopped", e);
        } finally {
            conn.close();
        }
    }

    /** Sends one batch until it is accepted or refused for good; the samples count as done either way. */
    private void send(WriteRequestEncoder enc, int n, long maxT) throws Exception {
        int[] clen = new int[1];
        byte[] body = enc.snappy(clen);
        long backoff = cfg.queue().minBackoffMs();
        while (true) {
            m.samplesTotal.add(n);
            m.bytesTotal.add(clen[0]);
            long t0 = System.nanoTime();
            RemoteClient.Result r = conn.post(body, clen[0]);
            m.observeBatch(System.nanoTime() - t0);
            switch (r.outcome()) {
                case OK -> {
                    QueueMetrics.max(m.highestSentMs, maxT);
                    return;
                }
                case DROP -> {
                    m.samplesFailed.add(n);
                    m.lastError = r.reason();
                    m.lastSendErrorMs = System.currentTimeMillis();
                    LOG.warning(cfg + ": non-recoverable error, " + n + " samples dropped: " + r.reason());
                    return;
                }
                default -> {
                    m.samplesRetried.add(n);
                    m.lastError = r.reason();
                    m.lastSendErrorMs = System.currentTimeMillis();
                    if (abort) {
                        throw new InterruptedException("aborted");
                    }
                    // Once per batch at WARNING (an outage shows in the log), then quietly.
                    LOG.log(backoff == cfg.queue().minBackoffMs() ? java.util.logging.Level.WARNING : java.util.logging.Level.FINE,
                            cfg + ": failed to send a batch of " + n + " samples, retrying: " + r.reason());
                    Thread.sleep(Math.max(backoff, r.retryAfterMs()));
                    backoff = Math.min(backoff * 2, cfg.queue().maxBackoffMs());
                }
            }
        }
    }
}
