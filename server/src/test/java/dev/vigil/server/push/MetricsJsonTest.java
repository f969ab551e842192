package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.ingest.push.PushOptions;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /api/v1/metrics} is written to the client while it is generated, and stays the gateway's JSON. */
class MetricsJsonTest {
    @TempDir
    Path dir;

    @Test
    void streamsEveryGroup() throws Exception {
        int groups = 120;
        int series = 40;
        try (PushServer s = new PushServer(dir, PushOptions.defaults())) {
            for (int g = 0; g < groups; g++) {
                StringBuilder body = new StringBuilder("# HELP heap Used (scope: taskmanager)\n# TYPE heap gauge\n");
                for (int i = 0; i < series; i++) {
                    body.append("heap{tm_id=\"tm").append(i).append("\",host=\"\"} ").append(g * 1000 + i).append(".5\n");
                }
                assertEquals(200, s.send("PUT", "/metrics/job/flink" + g + "/cluster/c1", body.toString()).statusCode());
            }
            HttpResponse<String> r = s.send("GET", "/api/v1/metrics", null);
            assertEquals(200, r.statusCode());
            assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
            assertEquals("*", r.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
            // Written as generated: no length known up front.
            assertTrue(r.headers().firstValue("Content-Length").isEmpty(), r.headers().toString());
            assertEquals("chunked", r.headers().firstValue("Transfer-Encoding").orElse(""));
            JsonNode root = new ObjectMapper().readTree(r.body());
            assertEquals("success", root.get("status").asText());
            assertEquals(groups, root.get("data").size());
            for (JsonNode g : root.get("data")) {
                String job = g.get("labels").get("job").asText();
                int n = Integer.parseInt(job.substring("flink".length()));
                assertEquals("c1", g.get("labels").get("cluster").asText());
                assertTrue(g.get("last_push_successful").asBoolean());
                JsonNode heap = g.get("heap");
                assertEquals("GAUGE", heap.get("type").asText());
                assertEquals("Used (scope: taskmanager)", heap.get("help").asText());
                assertEquals(series, heap.get("metrics").size());
                for (JsonNode m : heap.get("metrics")) {
                    int tm = Integer.parseInt(m.get("labels").get("tm_id").asText().substring(2));
                    assertEquals(n * 1000 + tm + 0.5, Double.parseDouble(m.get("value").asText()));
                    assertEquals("", m.get("labels").get("instance").asText());
                    assertEquals(job, m.get("labels").get("job").asText());
                }
                assertEquals(1, g.get("push_time_seconds").get("metrics").size());
                assertEquals("0", g.get("push_failure_time_seconds").get("metrics").get(0).get("value").asText());
            }
        }
    }
}
