package dev.vigil.server.remotewrite;

import java.util.List;
import java.util.function.ToDoubleFunction;

/** Renders the queues' metrics with Prometheus 2.42's names, help texts and labels (remote_name, url). */
final class RemoteWriteMetricsText {
    private RemoteWriteMetricsText() {
    }

    static String render(List<QueueManager> qs, long headMaxT) {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("# HELP prometheus_remote_storage_highest_timestamp_in_seconds Highest timestamp that has come into the remote storage via the Appender interface, in seconds since epoch.\n");
        sb.append("# TYPE prometheus_remote_storage_highest_timestamp_in_seconds gauge\n");
        sb.append("prometheus_remote_storage_highest_timestamp_in_seconds ").append(headMaxT == Long.MIN_VALUE ? 0 : headMaxT / 1000.0).append('\n');
        counter(sb, qs, "samples_total", "Total number of samples sent to remote storage.", q -> q.m.samplesTotal.sum());
        counter(sb, qs, "samples_failed_total", "Total number of samples which failed on send to remote storage, non-recoverable errors.",
                q -> q.m.samplesFailed.sum());
        counter(sb, qs, "samples_retried_total", "Total number of samples which failed on send to remote storage but were retried because the send error was recoverable.",
                q -> q.m.samplesRetried.sum());
        counter(sb, qs, "samples_dropped_total", "Total number of samples which were dropped after being read from the WAL before being sent via remote write, either via relabelling or unintentionally because of an unknown reference ID.",
                q -> q.m.samplesDropped.sum());
        gauge(sb, qs, "samples_pending", "The number of samples pending in the queues shards to be sent to the remote storage.", q -> q.pending());
        counter(sb, qs, "bytes_total", "The total number of bytes of data (not metadata) sent by the queue after compression.",
                q -> q.m.bytesTotal.sum());
        counter(sb, qs, "enqueue_retries_total", "Total number of times enqueue has failed because a shards queue was full.",
                q -> q.m.enqueueRetries.sum());
        counter(sb, qs, "metadata_total", "Total number of metadata entries sent to remote storage.", q -> q.m.metadataTotal.sum());
        counter(sb, qs, "metadata_failed_total", "Total number of metadata entries which failed on send to remote storage, non-recoverable errors.",
                q -> q.m.metadataFailed.sum());
        counter(sb, qs, "metadata_bytes_total", "The total number of bytes of metadata sent by the queue after compression.",
                q -> q.m.metadataBytes.sum());
        gauge(sb, qs, "shards", "The number of shards used for parallel sending to the remote storage.", q -> q.m.shards);
        gauge(sb, qs, "shards_desired", "The number of shards that the queues shard calculation wants to run based on the rate of samples in vs. samples out.",
                q -> q.m.shardsDesired);
        gauge(sb, qs, "shards_max", "The maximum number of shards that the queue is allowed to run.", q -> q.cfg.queue().maxShards());
        gauge(sb, qs, "shards_min", "The minimum number of shards that the queue is allowed to run.", q -> q.cfg.queue().minShards());
        gauge(sb, qs, "shard_capacity", "The capacity of each shard of the queue used for parallel sending to the remote storage.",
                q -> q.cfg.queue().capacity());
        gauge(sb, qs, "queue_highest_sent_timestamp_seconds", "Timestamp from a WAL sample, the highest timestamp successfully sent by this queue, in seconds since epoch.",
                q -> q.m.highestSentMs.get() == Long.MIN_VALUE ? 0 : q.m.highestSentMs.get() / 1000.0);
        String name = "prometheus_remote_storage_sent_batch_duration_seconds";
        sb.append("# HELP ").append(name).append(" Duration of send calls to the remote storage.\n");
        sb.append("# TYPE ").append(name).append(" histogram\n");
        for (QueueManager q : qs) {
            String l = labels(q);
            long cum = 0;
            for (int i = 0; i < QueueMetrics.BUCKETS.length; i++) {
                cum += q.m.batchBuckets.get(i);
                sb.append(name).append("_bucket{").append(l).append(",le=\"").append(QueueMetrics.BUCKETS[i]).append("\"} ")
                        .append(cum).append('\n');
            }
            long count = q.m.batchCount.get();
            sb.append(name).append("_bucket{").append(l).append(",le=\"+Inf\"} ").append(count).append('\n');
            sb.append(name).append("_sum{").append(l).append("} ").append(q.m.batchNanos.get() / 1e9).append('\n');
            sb.append(name).append("_count{").append(l).append("} ").append(count).append('\n');
        }
        return sb.toString();
    }

    private static void counter(StringBuilder sb, List<QueueManager> qs, String n, String help, ToDoubleFunction<QueueManager> f) {
        series(sb, qs, n, help, "counter", f);
    }

    private static void gauge(StringBuilder sb, List<QueueManager> qs, String n, String help, ToDoubleFunction<QueueManager> f) {
        series(sb, qs, n, help, "gauge", f);
    }

    private static void series(StringBuilder sb, List<QueueManager> qs, String n, String help, String type,
            ToDoubleFunction<QueueManager> f) {
        String name = "prometheus_remote_storage_" + n;
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        for (QueueManager q : qs) {
            double v = f.applyAsDouble(q);
            sb.append(name).append('{').append(labels(q)).append("} ");
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                sb.append((long) v);
            } else {
                sb.append(v);
            }
            sb.append('\n');
        }
    }

    private static String labels(QueueManager q) {
        return "remote_name=\"" + esc(q.cfg.name()) + "\",url=\"" + esc(q.cfg.displayUrl()) + "\"";
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
