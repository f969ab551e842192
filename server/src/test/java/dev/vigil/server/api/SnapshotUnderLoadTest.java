package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A snapshot taken while samples stream in, started as a new Vigil, answers as the original did
 * at the snapshot's moment: over blocks and head, nothing missing, nothing extra.
 */
class SnapshotUnderLoadTest {
    static final long H = 3_600_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void snapshotUnderLoadAnswersAsTheOriginalAtItsMoment() throws Exception {
        Path data = dir.resolve("data");
        long now = System.currentTimeMillis();
        long histStart = (now - 30 * H) / (2 * H) * (2 * H);
        StringBuilder hist = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            for (long t = histStart; t < histStart + 8 * H; t += 60_000) {
                hist.append("hist{i=\"").append(i).append("\"} ").append((t / 60_000 + i) % 37).append(' ').append(t).append('\n');
            }
        }
        try (LiveVigil v = new LiveVigil(data)) {
            assertEquals(204, v.send("POST", "/api/v1/import/prometheus", hist.toString()).statusCode());
        }
        long loadStart = now - 5 * 60_000;
        AtomicLong next = new AtomicLong(loadStart);
        try (LiveVigil v = new LiveVigil(data)) {
            // Reopened: the imported hours are blocks now.
            try (Stream<Path> s = Files.list(data)) {
                assertTrue(s.filter(p -> p.getFileName().toString().matches("[0-9A-Z]{26}")).count() >= 2, "blocks cut");
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread load = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        long t = next.get();
                        StringBuilder b = new StringBuilder();
                        for (int i = 0; i < 20; i++) {
                            b.append("load_total{i=\"").append(i).append("\"} ").append((t - loadStart) / 1000 * (i + 1))
                                    .append(' ').append(t).append('\n');
                        }
                        HttpResponse<String> r = v.send("POST", "/api/v1/import/prometheus", b.toString());
                        if (r.statusCode() != 204) {
                            throw new AssertionError(r.statusCode() + " " + r.body());
                        }
                        next.addAndGet(1000);
                    }
                } catch (Throwable e) {
                    failed.set(e);
                }
            }, "load");
            load.start();
            while (next.get() < loadStart + 50_000) {
                Thread.sleep(10);
            }
            HttpResponse<String> bad = v.send("PUT", "/api/v1/admin/tsdb/snapshot?skip_head=maybe", null);
            assertEquals(400, bad.statusCode());
            assertEquals("invalid parameter \"skip_head\": unable to parse boolean: strconv.ParseBool: parsing \"maybe\": invalid syntax",
                    JSON.readTree(bad.body()).get("error").asText());
            HttpResponse<String> r = v.send("POST", "/api/v1/admin/tsdb/snapshot", null);
            assertEquals(200, r.statusCode(), r.body());
            JsonNode answer = JSON.readTree(r.body());
            assertEquals("success", answer.get("status").asText());
            String name = answer.get("data").get("name").asText();
            assertTrue(name.matches("\\d{8}T\\d{6}Z-[0-9a-f]{16}"), name);
            HttpResponse<String> blocksOnly = v.send("POST", "/api/v1/admin/tsdb/snapshot", "skip_head=true");
            String blocksOnlyName = JSON.readTree(blocksOnly.body()).get("data").get("name").asText();
            long target = next.get() + 30_000;
            while (next.get() < target) {
                Thread.sleep(10);
            }
            stop.set(true);
            load.join();
            if (failed.get() != null) {
                throw new AssertionError("load failed", failed.get());
            }
            JsonNode du = JSON.readTree(v.send("GET", "/api/v1/status/tsdb", null).body()).get("data").get("diskUsage");
            long parts = 0;
            for (String f : List.of("walBytes", "walCheckpointBytes", "headChunksBytes", "headSnapshotBytes",
                    "seriesRegistryBytes", "blocksBytes", "otherBytes")) {
                parts += du.get(f).asLong();
            }
            assertEquals(du.get("totalBytes").asLong(), parts, du.toString());
            assertTrue(du.get("walBytes").asLong() > 0 && du.get("blocksBytes").asLong() > 0
                    && du.get("snapshotsBytes").asLong() > du.get("blocksBytes").asLong(), du.toString());
            assertTrue(du.get("nextBlockToGo").asText().matches("[0-9A-Z]{26}"), du.toString());
            Path snap = data.resolve("snapshots").resolve(name);
            try (LiveVigil restored = new LiveVigil(snap)) {
                long m = lastTimestamp(restored.base, now);
                assertTrue(m > loadStart + 40_000 && m < next.get() - 20_000,
                        "the snapshot caught the load mid-way: " + (m - loadStart) + " ms of " + (next.get() - loadStart));
                assertTrue(lastTimestamp(v.base, now) > m, "the original went on after the snapshot");
                List<String> qs = queries(histStart, loadStart, m);
                AdminTsdbDifferentialTest.same(AdminTsdbDifferentialTest.answers(v.base, qs),
                        AdminTsdbDifferentialTest.answers(restored.base, qs), "snapshot vs original at " + m);
            }
            try (LiveVigil restored = new LiveVigil(data.resolve("snapshots").resolve(blocksOnlyName))) {
                Map<String, JsonNode> a = AdminTsdbDifferentialTest.answers(restored.base,
                        List.of("/api/v1/series?match[]=load_total", "/api/v1/query?query=count(count_over_time(hist[30h]))&time=" + now / 1000));
                assertEquals(0, a.get("/api/v1/series?match[]=load_total").size(), "skip_head leaves the head out");
                assertEquals("10", a.get("/api/v1/query?query=count(count_over_time(hist[30h]))&time=" + now / 1000)
                        .get("result").get(0).get("value").get(1).asText());
            }
        }
    }

    /** The newest load sample's time; the load starts 5 min before {@code now} and lasts well under 4. */
    private static long lastTimestamp(String base, long now) throws Exception {
        HttpResponse<String> r = LiveVigil.send(base, "GET", "/api/v1/query?query="
                + AdminTsdbDifferentialTest.enc("max(timestamp(load_total))") + "&time=" + (now - 60_000) / 1000.0, null);
        return Math.round(JSON.readTree(r.body()).get("data").get("result").get(0).get("value").get(1).asDouble() * 1000);
    }

    private static List<String> queries(long histStart, long loadStart, long m) {
        List<String> out = new ArrayList<>();
        String at = "&time=" + m / 1000.0;
        for (String q : List.of("load_total", "sum(load_total)", "rate(load_total[30s])", "count_over_time(load_total[10m])",
                "count(count_over_time(hist[30h]))", "sum_over_time(hist[30h])")) {
            out.add("/api/v1/query?query=" + AdminTsdbDifferentialTest.enc(q) + at);
        }
        out.add("/api/v1/query_range?query=" + AdminTsdbDifferentialTest.enc("sum(load_total)") + "&start=" + loadStart / 1000.0
                + "&end=" + m / 1000.0 + "&step=1");
        out.add("/api/v1/query_range?query=" + AdminTsdbDifferentialTest.enc("hist") + "&start=" + histStart / 1000
                + "&end=" + (histStart + 8 * H) / 1000 + "&step=60");
        out.add("/api/v1/series?match[]=load_total&start=" + loadStart / 1000 + "&end=" + m / 1000.0);
        return out;
    }
}
