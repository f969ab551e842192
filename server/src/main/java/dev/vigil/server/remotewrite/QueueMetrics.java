package dev.vigil.server.remotewrite;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/** One remote's {@code prometheus_remote_storage_*} series, with Prometheus 2.42's names and meanings. */
final class QueueMetrics {
    /** Prometheus's sent_batch_duration_seconds buckets: DefBuckets plus 25, 60, 120, 300. */
    static final double[] BUCKETS = {.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 25, 60, 120, 300};

    /** Samples in requests tried, retries included. */
    final LongAdder samplesTotal = new LongAdder();
    /** Samples in requests refused for good (4xx). */
    final LongAdder samplesFailed = new LongAdder();
    /** Samples in requests tried again after a 5xx, a 429 or a connection error. */
    final LongAdder samplesRetried = new LongAdder();
    /** Samples read from the WAL and not sent: dropped by write_relabel_configs or of an unknown series. */
    final LongAdder samplesDropped = new LongAdder();
    final LongAdder bytesTotal = new LongAdder();
    final LongAdder enqueueRetries = new LongAdder();
    final LongAdder metadataTotal = new LongAdder();
    final LongAdder metadataFailed = new LongAdder();
    final LongAdder metadataBytes = new LongAdder();
    /** Samples read from the WAL (in), for the shard calculation and the status page. */
    final LongAdder samplesIn = new LongAdder();
    final AtomicLong highestSentMs = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong highestReadMs = new AtomicLong(Long.MIN_VALUE);
    final AtomicLong batchCount = new AtomicLong();
    final AtomicLong batchNanos = new AtomicLong();
    final AtomicLongArray batchBuckets = new AtomicLongArray(BUCKETS.length);
    volatile int shards;
    volatile int shardsDesired;
    volatile long lastSendErrorMs;
    volatile String lastError = "";

    void observeBatch(long nanos) {
        batchCount.incrementAndGet();
        batchNanos.addAndGet(nanos);
        double s = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (s <= BUCKETS[i]) {
                batchBuckets.incrementAndGet(i);
                break;
            }
        }
    }

    static void max(AtomicLong a, long v) {
        long cur;
        while (v > (cur = a.get())) {
            if (a.compareAndSet(cur, v)) {
                return;
            }
        }
    }
}
