package dev.vigil.bench.load;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * What a Grafana Flink dashboard asks a Prometheus datasource for on one refresh: the variable
 * queries, the stat panels (instant) and the graph panels (range), with {@code $job_name}
 * already substituted by a regex matcher. Modelled on the widely used community Flink
 * dashboards (job overview, throughput, back pressure, checkpoints, JVM).
 */
public final class DashboardQueries {
    /** How Grafana sends a query. */
    public enum Kind { RANGE, INSTANT, LABEL_VALUES, SERIES }

    /** One panel's (or variable's) query. */
    public record Query(String panel, Kind kind, String expr) {
    }

    private DashboardQueries() {
    }

    /** The dashboard for Flink job name regex {@code jobName} (e.g. {@code ".+"}). */
    public static List<Query> flink(String jobName) {
        String j = "job_name=~\"" + jobName + "\"";
        return List.of(
                // Variables: Grafana fills the job and task dropdowns first.
                new Query("var job_name", Kind.LABEL_VALUES, "job_name|flink_jobmanager_job_uptime"),
                new Query("var task_name", Kind.LABEL_VALUES, "task_name|flink_taskmanager_job_task_numRecordsIn{" + j + "}"),
                new Query("var tm_id", Kind.SERIES, "flink_taskmanager_Status_JVM_CPU_Load"),
                // Stat panels.
                new Query("Uptime", Kind.INSTANT, "flink_jobmanager_job_uptime{" + j + "} / 1000"),
                new Query("Restarts", Kind.INSTANT, "max(flink_jobmanager_job_numRestarts{" + j + "})"),
                new Query("Running jobs", Kind.INSTANT, "flink_jobmanager_numRunningJobs"),
                new Query("TaskManagers", Kind.INSTANT, "flink_jobmanager_numRegisteredTaskManagers"),
                new Query("Free slots", Kind.INSTANT, "flink_jobmanager_taskSlotsAvailable"),
                new Query("Total slots", Kind.INSTANT, "flink_jobmanager_taskSlotsTotal"),
                new Query("Completed checkpoints", Kind.INSTANT, "flink_jobmanager_job_numberOfCompletedCheckpoints{" + j + "}"),
                new Query("Failed checkpoints", Kind.INSTANT, "flink_jobmanager_job_numberOfFailedCheckpoints{" + j + "}"),
                // Graph panels.
                new Query("Records in/s by task", Kind.RANGE, "sum by (task_name) (flink_taskmanager_job_task_numRecordsInPerSecond{" + j + "})"),
                new Query("Records out/s by task", Kind.RANGE, "sum by (task_name) (flink_taskmanager_job_task_numRecordsOutPerSecond{" + j + "})"),
                new Query("Records in rate by operator", Kind.RANGE, "sum by (operator_name) (rate(flink_taskmanager_job_task_operator_numRecordsIn{" + j + "}[1m]))"),
                new Query("Records out rate by operator", Kind.RANGE, "sum by (operator_name) (rate(flink_taskmanager_job_task_operator_numRecordsOut{" + j + "}[1m]))"),
                new Query("Bytes in/s by task", Kind.RANGE, "sum by (task_name) (rate(flink_taskmanager_job_task_numBytesIn{" + j + "}[1m]))"),
                new Query("Bytes out/s by task", Kind.RANGE, "sum by (task_name) (rate(flink_taskmanager_job_task_numBytesOut{" + j + "}[1m]))"),
                new Query("Busy time", Kind.RANGE, "max by (task_name) (flink_taskmanager_job_task_busyTimeMsPerSecond{" + j + "})"),
                new Query("Back pressured time", Kind.RANGE, "max by (task_name) (flink_taskmanager_job_task_backPressuredTimeMsPerSecond{" + j + "})"),
                new Query("Idle time", Kind.RANGE, "avg by (task_name) (flink_taskmanager_job_task_idleTimeMsPerSecond{" + j + "})"),
                new Query("Back pressured subtasks", Kind.RANGE, "sum by (task_name) (flink_taskmanager_job_task_isBackPressured{" + j + "})"),
                new Query("Input pool usage", Kind.RANGE, "max by (task_name) (flink_taskmanager_job_task_Shuffle_Netty_Input_Buffers_inPoolUsage{" + j + "})"),
                new Query("Output pool usage", Kind.RANGE, "max by (task_name) (flink_taskmanager_job_task_Shuffle_Netty_Output_Buffers_outPoolUsage{" + j + "})"),
                new Query("Watermark lag", Kind.RANGE, "time() * 1000 - min by (task_name) (flink_taskmanager_job_task_operator_currentOutputWatermark{" + j + "} > 0)"),
                new Query("Mailbox latency p99", Kind.RANGE, "max by (task_name) (flink_taskmanager_job_task_mailboxLatencyMs{" + j + ",quantile=\"0.99\"})"),
                new Query("Checkpoint duration", Kind.RANGE, "flink_jobmanager_job_lastCheckpointDuration{" + j + "}"),
                new Query("Checkpoint size", Kind.RANGE, "flink_jobmanager_job_lastCheckpointSize{" + j + "}"),
                new Query("Checkpoints per minute", Kind.RANGE, "increase(flink_jobmanager_job_numberOfCompletedCheckpoints{" + j + "}[5m]) / 5"),
                new Query("Heap used", Kind.RANGE, "flink_taskmanager_Status_JVM_Memory_Heap_Used"),
                new Query("Heap used %", Kind.RANGE, "flink_taskmanager_Status_JVM_Memory_Heap_Used / flink_taskmanager_Status_JVM_Memory_Heap_Max * 100"),
                new Query("Non-heap used", Kind.RANGE, "flink_taskmanager_Status_JVM_Memory_NonHeap_Used"),
                new Query("Direct memory", Kind.RANGE, "flink_taskmanager_Status_JVM_Memory_Direct_MemoryUsed"),
                new Query("CPU load", Kind.RANGE, "flink_taskmanager_Status_JVM_CPU_Load * 100"),
                new Query("GC time/s young", Kind.RANGE, "rate(flink_taskmanager_Status_JVM_GarbageCollector_G1_Young_Generation_Time[1m])"),
                new Query("GC count old", Kind.RANGE, "increase(flink_taskmanager_Status_JVM_GarbageCollector_G1_Old_Generation_Count[5m])"),
                new Query("Threads", Kind.RANGE, "flink_taskmanager_Status_JVM_Threads_Count"),
                new Query("Network segments used", Kind.RANGE, "flink_taskmanager_Status_Shuffle_Netty_UsedMemorySegments / flink_taskmanager_Status_Shuffle_Netty_TotalMemorySegments"),
                new Query("Top 5 busiest subtasks", Kind.RANGE, "topk(5, flink_taskmanager_job_task_busyTimeMsPerSecond{" + j + "})"),
                new Query("Records in rate by subtask", Kind.RANGE, "sum by (task_name, subtask_index) (rate(flink_taskmanager_job_task_numRecordsIn{" + j + "}[1m]))"));
    }

    /** Sends {@code q} as Grafana does, for the range ending at {@code endSec}. */
    public static Http.Answer send(Http http, URI base, Query q, long endSec, Duration range, Duration step) {
        return send(http, base, q, endSec, range, step, "");
    }

    /** As {@link #send(Http, URI, Query, long, Duration, Duration)}, with {@code extra} ("&amp;k=v…", encoded) added to every request. */
    public static Http.Answer send(Http http, URI base, Query q, long endSec, Duration range, Duration step, String extra) {
        long startSec = endSec - range.toSeconds();
        switch (q.kind()) {
            case RANGE -> {
                String form = "query=" + enc(q.expr()) + "&start=" + startSec + "&end=" + endSec + "&step=" + step.toSeconds() + extra;
                return http.send("POST", URI.create(base + "/api/v1/query_range"), form.getBytes(StandardCharsets.UTF_8),
                        "application/x-www-form-urlencoded");
            }
            case INSTANT -> {
                String form = "query=" + enc(q.expr()) + "&time=" + endSec + extra;
                return http.send("POST", URI.create(base + "/api/v1/query"), form.getBytes(StandardCharsets.UTF_8),
                        "application/x-www-form-urlencoded");
            }
            case LABEL_VALUES -> {
                String[] parts = q.expr().split("\\|", 2);
                return http.get(URI.create(base + "/api/v1/label/" + parts[0] + "/values?match%5B%5D=" + enc(parts[1])
                        + "&start=" + startSec + "&end=" + endSec + extra));
            }
            case SERIES -> {
                return http.get(URI.create(base + "/api/v1/series?match%5B%5D=" + enc(q.expr()) + "&start=" + startSec + "&end=" + endSec + extra));
            }
            default -> throw new IllegalStateException();
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
