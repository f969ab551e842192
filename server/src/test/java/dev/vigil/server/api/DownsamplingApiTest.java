package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.UsageException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downsampling through the HTTP API: data imported days ago gets rollups at the next start
 * (on by default), range queries read them by themselves, {@code max_source_resolution=raw}
 * gives the raw answer, and a bad value is a 400 naming the parameter.
 */
class DownsamplingApiTest {
    static final long H = 3_600_000L;

    @TempDir
    Path dir;

    /** 30 h of a gauge and a counter with a reset, 30 s apart, ending three days ago on the hour. */
    private static long importOld(LiveVigil v) throws Exception {
        long end = (System.currentTimeMillis() / H - 72) * H;
        long start = end - 30 * H;
        StringBuilder b = new StringBuilder();
        long c = 0;
        for (long t = start + 7_000; t < end; t += 30_000) {
            long k = (t - start) / 30_000;
            c = k == 1500 ? 1 : c + k % 9;
            b.append("flink_jobmanager_job_lastCheckpointSize{job_name=\"etl\"} ").append((k * 7919) % 1000).append(' ')
                    .append(t).append('\n');
            b.append("flink_taskmanager_job_task_numRecordsIn{job_name=\"etl\"} ").append(c).append(' ').append(t)
                    .append('\n');
        }
        HttpResponse<String> r = v.send("POST", "/api/v1/import/prometheus", b.toString());
        assertEquals(204, r.statusCode(), r.body());
        return start;
    }

    private static String rangeQuery(LiveVigil v, String q, long start, long end, String step, String res)
            throws Exception {
        String path = "/api/v1/query_range?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&start="
                + start / 1000 + "&end=" + end / 1000 + "&step=" + step
                + (res == null ? "" : "&max_source_resolution=" + res);
        HttpResponse<String> r = v.send("GET", path, null);
        assertEquals(200, r.statusCode(), q + ": " + r.body());
        return r.body();
    }

    /** The values of a range query's answer, in order. */
    private static double[] points(String json) {
        return java.util.regex.Pattern.compile("\\[\\d+(?:\\.\\d+)?,\"([^\"]+)\"\\]").matcher(json).results()
                .mapToDouble(m -> Double.parseDouble(m.group(1))).toArray();
    }

    private static long rollupBlocks(Path data) throws Exception {
        Path d = data.resolve("downsample").resolve("5m");
        if (!Files.isDirectory(d)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
        }
    }

    @Test
    void rangeQueriesReadRollupsByThemselvesAndRawOnRequest() throws Exception {
        long start;
        try (LiveVigil v = new LiveVigil(dir)) {
            start = importOld(v);
        }
        // The maintenance round at start cuts the imported head into blocks and rolls them up.
        try (LiveVigil v = new LiveVigil(dir)) {
            assertTrue(rollupBlocks(dir) > 0, "rollups written at start");
            long from = start + 2 * H;
            long to = start + 30 * H;
            for (String q : new String[] {"count_over_time(flink_jobmanager_job_lastCheckpointSize[1h])",
                    "max_over_time(flink_jobmanager_job_lastCheckpointSize[1h])",
                    "min_over_time(flink_jobmanager_job_lastCheckpointSize[1h])",
                    "max_over_time(flink_taskmanager_job_task_numRecordsIn[1h])",
                    "changes(flink_jobmanager_job_lastCheckpointSize[1h])"}) {
                String raw = rangeQuery(v, q, from, to, "30m", "raw");
                assertEquals(raw, rangeQuery(v, q, from, to, "30m", null), q + " auto");
                assertEquals(rangeQuery(v, q, from, to, "1h", "0s"), rangeQuery(v, q, from, to, "1h", "1h"), q + " 1h");
            }
            // A selector from rollups is the mean of the window ending at the step: not the raw
            // last value, but avg_over_time over that window.
            String sel = "flink_jobmanager_job_lastCheckpointSize";
            String auto = rangeQuery(v, sel, from, to, "30m", "auto");
            assertNotEquals(rangeQuery(v, sel, from, to, "30m", "raw"), auto, "rollups read");
            double[] mean = points(rangeQuery(v, "avg_over_time(" + sel + "[5m])", from, to, "30m", "raw"));
            double[] rolled = points(auto);
            assertTrue(mean.length > 50, "points");
            assertEquals(mean.length, rolled.length);
            for (int i = 0; i < mean.length; i++) {
                assertEquals(mean[i], rolled[i], Math.abs(mean[i]) * 1e-12, "to rounding");
            }
            // Instant queries read raw data unless asked.
            String at = "/api/v1/query?query=" + sel + "&time=" + (from / 1000);
            assertEquals(v.send("GET", at + "&max_source_resolution=raw", null).body(), v.send("GET", at, null).body());
        }
    }

    @Test
    void pastTheRawRetentionQueriesAnswerFromRollups() throws Exception {
        String q = "count_over_time(flink_jobmanager_job_lastCheckpointSize[1h])";
        long start;
        String before;
        try (LiveVigil v = new LiveVigil(dir)) {
            start = importOld(v);
            before = rangeQuery(v, q, start + 2 * H, start + 30 * H, "30m", "raw");
        }
        // The data ended 72 h ago: at start it is rolled up, then its raw blocks go.
        try (LiveVigil v = new LiveVigil(dir, "--storage.tsdb.retention.raw=48h")) {
            assertTrue(rollupBlocks(dir) > 0);
            assertEquals(before, rangeQuery(v, q, start + 2 * H, start + 30 * H, "30m", null));
            String raw = rangeQuery(v, q, start + 2 * H, start + 30 * H, "30m", "raw");
            assertTrue(points(raw).length < points(before).length, "raw data left: the head's last hours only");
        }
    }

    @Test
    void aBadMaxSourceResolutionIs400NamingIt() throws Exception {
        try (LiveVigil v = new LiveVigil(dir)) {
            for (String path : new String[] {"/api/v1/query?query=up&max_source_resolution=fine",
                    "/api/v1/query_range?query=up&start=0&end=60&step=15&max_source_resolution=-5m"}) {
                HttpResponse<String> r = v.send("GET", path, null);
                assertEquals(400, r.statusCode(), path);
                assertTrue(r.body().contains("invalid parameter \\\"max_source_resolution\\\""), r.body());
            }
            assertEquals(200, v.send("GET", "/api/v1/query?query=up&max_source_resolution=5m", null).statusCode());
        }
    }

    @Test
    void downsamplingIsOnAfter40HoursByDefaultAndTheRawRetentionNeedsIt() throws Exception {
        assertEquals(40 * H, dev.vigil.server.cli.DownsampleFlags.of(Flags.parse()).afterMs());
        assertEquals(0, dev.vigil.server.cli.DownsampleFlags.of(Flags.parse()).rawRetentionMs(), "raw as long as the retention");
        assertEquals(30 * 24 * H, dev.vigil.server.cli.DownsampleFlags.of(
                Flags.parse("--storage.tsdb.retention.raw=30d")).rawRetentionMs());
        UsageException e = assertThrows(UsageException.class, () -> Flags.parse("--storage.tsdb.retention.raw=soon"));
        assertTrue(e.getMessage().contains("--storage.tsdb.retention.raw"), e.getMessage());
        e = assertThrows(UsageException.class,
                () -> Flags.parse("--storage.tsdb.retention.raw=30d", "--storage.tsdb.downsample.after=0"));
        assertTrue(e.getMessage().contains("--storage.tsdb.downsample.after"), e.getMessage());
        assertThrows(UsageException.class, () -> Flags.parse("--storage.tsdb.downsample.after=later"));
        // Off: no rollups at start.
        long start;
        try (LiveVigil v = new LiveVigil(dir, "--storage.tsdb.downsample.after=0")) {
            start = importOld(v);
        }
        try (LiveVigil v = new LiveVigil(dir, "--storage.tsdb.downsample.after=0")) {
            assertEquals(0, rollupBlocks(dir));
            assertFalse(rangeQuery(v, "count_over_time(flink_jobmanager_job_lastCheckpointSize[1h])", start + 2 * H,
                    start + 30 * H, "30m", null).contains("\"result\":[]"));
        }
    }
}
