package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.tsdb.head.HeadChunks;
import dev.vigil.tsdb.testing.SmallDisk;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * The real server with its data folder on a real small disk (a tmpfs of a few MiB) and a
 * ballast file filling it: Flink-shaped pushes, remote writes and imports get 503 (never 500)
 * once nothing more fits, the JVM lives on (no SIGBUS from a memory-mapped write), every
 * acknowledged push is queryable, nothing refused shows up, {@code /-/ready} says 503; when the
 * ballast is deleted, ingestion resumes by itself and {@code /-/ready} is 200 again. A restart
 * then finds exactly what was acknowledged. The admin API on a full disk answers 503 and
 * changes nothing: a snapshot leaves no partial folder, a refused delete deletes nothing.
 */
class FullDiskTest {
    private static final int GROUPS = 3;
    private static final int SERIES = 120;
    private static final String METRIC = "flink_taskmanager_Status_JVM_Memory_Heap_Used";
    private final HttpClient client = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void pushesGet503OnAFullDiskLoseNothingAndResumeWhenSpaceReturns() throws Exception {
        // 256 KiB head chunk files, so the store's files fit the small disk with room to fill.
        System.setProperty(HeadChunks.FILE_BYTES_PROPERTY, String.valueOf(256 << 10));
        try (SmallDisk disk = SmallDisk.mount(96)) {
            Path data = disk.dir().resolve("data");
            Map<Integer, TreeSet<Integer>> acked = new HashMap<>();
            java.util.Set<String> groups = null;
            int[] seq = new int[GROUPS];
            Map<Integer, Integer> statuses = new TreeMap<>();
            VigilServer server = start(data);
            String base = "http://127.0.0.1:" + server.webAddress().getPort();
            try {
                for (int round = 0; round < 125; round++) { // past 120 samples a series: chunks are cut into the mapped files
                    for (int g = 0; g < GROUPS; g++) {
                        assertEquals(200, push(base, g, seq[g]), "push before the disk is full");
                        acked.computeIfAbsent(g, k -> new TreeSet<>()).add(seq[g]++);
                    }
                }
                assertEquals(204, importText(base, "full_disk_doomed", System.currentTimeMillis()));
                long ballast = disk.fill(256 << 10);
                assertTrue(ballast > 0, "ballast written");

                // Keep pushing until the disk refuses; every answer is 200 or 503.
                int refused = 0;
                for (int attempt = 0; attempt < 5_000 && refused < 10; attempt++) {
                    int g = attempt % GROUPS;
                    int status = push(base, g, seq[g]);
                    statuses.merge(status, 1, Integer::sum);
                    if (status == 200) {
                        acked.computeIfAbsent(g, k -> new TreeSet<>()).add(seq[g]);
                    } else {
                        assertEquals(503, status, "a push on a full disk is refused as unavailable: " + statuses);
                        refused++;
                    }
                    seq[g]++;
                }
                assertTrue(refused >= 10, "the disk filled up: " + statuses);
                HttpResponse<String> refusal = pushResponse(base, 0, seq[0]++);
                assertEquals(503, refusal.statusCode());
                assertTrue(refusal.body().contains("cannot write to " + data.toAbsolutePath()) && refusal.body().contains("No space"),
                        refusal.body());
                assertEquals(503, get(base, "/-/ready").statusCode(), "not ready while the disk is full");

                // A new group: its membership goes to the group journal first, which a full disk cuts short.
                groups = new java.util.TreeSet<>();
                for (int g = 0; g < GROUPS; g++) {
                    groups.add("flink-full-disk-" + g);
                }
                for (int k = 0; k < 3; k++) {
                    int status = pushResponse(base, "flink-full-disk-new-" + k, 10 + k, 0).statusCode();
                    assertTrue(status == 200 || status == 503, "new group on a full disk: " + status);
                    if (status == 200) {
                        groups.add("flink-full-disk-new-" + k);
                    }
                }
                assertEquals(503, remoteWrite(base, System.currentTimeMillis()), "remote write on a full disk");
                assertEquals(503, importText(base, "full_disk_import", System.currentTimeMillis()), "import on a full disk");

                // The admin API with not a byte left: 503 as Prometheus's "unavailable", never a 500.
                disk.fill(0);
                HttpResponse<String> snap = post(base, "/api/v1/admin/tsdb/snapshot");
                assertEquals(503, snap.statusCode(), snap.body());
                assertTrue(snap.body().contains("\"errorType\":\"unavailable\"") && snap.body().contains("No space"), snap.body());
                assertEquals(List.of(), snapshots(data), "a failed snapshot leaves no folder behind");
                int deleted = post(base, "/api/v1/admin/tsdb/delete_series?match[]=full_disk_doomed").statusCode();
                assertTrue(deleted == 204 || deleted == 503, "delete_series on a full disk: " + deleted);
                assertEquals(deleted == 204 ? 0 : 400, count(base, "full_disk_doomed"), "a delete is whole or not at all");

                assertStored(base, acked); // queries go on, and show exactly the acknowledged pushes

                disk.freeBallast();
                long deadline = System.currentTimeMillis() + 30_000;
                while (get(base, "/-/ready").statusCode() != 200 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(200, get(base, "/-/ready").statusCode(), "ready again once space returned, with no push meanwhile");
                for (int round = 0; round < 5; round++) {
                    for (int g = 0; g < GROUPS; g++) {
                        assertEquals(200, push(base, g, seq[g]), "push after space returned");
                        acked.computeIfAbsent(g, k -> new TreeSet<>()).add(seq[g]++);
                    }
                }
                assertEquals(204, remoteWrite(base, System.currentTimeMillis()));
                assertEquals(204, post(base, "/api/v1/admin/tsdb/delete_series?match[]=full_disk_doomed").statusCode());
                assertEquals(0, count(base, "full_disk_doomed"));
                snap = post(base, "/api/v1/admin/tsdb/snapshot");
                assertEquals(200, snap.statusCode(), snap.body());
                assertEquals(1, snapshots(data).size(), "the snapshot taken once space returned");
                assertEquals(200, pushResponse(base, "flink-full-disk-late", 20, 0).statusCode());
                groups.add("flink-full-disk-late");
                assertStored(base, acked);
                assertEquals(groups, groups(base));
            } finally {
                server.close();
            }
            server = start(data);
            try {
                assertStored("http://127.0.0.1:" + server.webAddress().getPort(), acked);
                // Every acknowledged group change is read back from the group journal, also those
                // logged after a change the full disk cut short.
                assertEquals(groups, groups("http://127.0.0.1:" + server.webAddress().getPort()));
            } finally {
                server.close();
            }
        } finally {
            System.clearProperty(HeadChunks.FILE_BYTES_PROPERTY);
        }
    }

    @Test
    void startsOnAnAlreadyFullDiskServesWhatItHoldsAndResumesWhenSpaceReturns() throws Exception {
        System.setProperty(HeadChunks.FILE_BYTES_PROPERTY, String.valueOf(256 << 10));
        try (SmallDisk disk = SmallDisk.mount(64)) {
            Path data = disk.dir().resolve("data");
            Map<Integer, TreeSet<Integer>> acked = new HashMap<>();
            int[] seq = new int[GROUPS];
            VigilServer server = start(data);
            try {
                String base = "http://127.0.0.1:" + server.webAddress().getPort();
                for (int round = 0; round < 10; round++) {
                    for (int g = 0; g < GROUPS; g++) {
                        assertEquals(200, push(base, g, seq[g]));
                        acked.computeIfAbsent(g, k -> new TreeSet<>()).add(seq[g]++);
                    }
                }
            } finally {
                server.close();
            }
            disk.fill(0);
            server = start(data);
            try {
                String base = "http://127.0.0.1:" + server.webAddress().getPort();
                assertStored(base, acked);
                java.util.Set<String> groups = new java.util.TreeSet<>();
                for (int g = 0; g < GROUPS; g++) {
                    groups.add("flink-full-disk-" + g);
                }
                assertEquals(groups, groups(base), "the push groups, read back although nothing can be written");
                assertEquals(503, get(base, "/-/ready").statusCode(), "not ready on a full disk");
                assertEquals(503, push(base, 0, seq[0]), "a push while the disk is still full");
                disk.freeBallast();
                long deadline = System.currentTimeMillis() + 30_000;
                while (get(base, "/-/ready").statusCode() != 200 && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(200, get(base, "/-/ready").statusCode(), "ready once space returned");
                for (int g = 0; g < GROUPS; g++) {
                    assertEquals(200, push(base, g, seq[g]));
                    acked.computeIfAbsent(g, k -> new TreeSet<>()).add(seq[g]++);
                }
                assertStored(base, acked);
                assertEquals(groups, groups(base));
            } finally {
                server.close();
            }
            server = start(data);
            try {
                assertStored("http://127.0.0.1:" + server.webAddress().getPort(), acked);
            } finally {
                server.close();
            }
        } finally {
            System.clearProperty(HeadChunks.FILE_BYTES_PROPERTY);
        }
    }

    private static VigilServer start(Path data) throws Exception {
        Files.createDirectories(data);
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                "--storage.tsdb.path=" + data, "--web.enable-admin-api");
        return VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
    }

    /** A TaskManager's reporter push, as Flink's PrometheusPushGatewayReporter sends it: every value tells the push apart. */
    private static String body(int group, int seq) {
        StringBuilder b = new StringBuilder(SERIES * 200);
        b.append("# HELP ").append(METRIC).append(" Heap used (scope: taskmanager_Status_JVM_Memory_Heap)\n");
        b.append("# TYPE ").append(METRIC).append(" gauge\n");
        for (int i = 0; i < SERIES; i++) {
            b.append(METRIC).append("{host=\"10.0.0.").append(group).append("\",tm_id=\"tm-").append(group)
                    .append("\",subtask_index=\"").append(i).append("\",task_name=\"Source:_Kafka_orders\",} ")
                    .append(seq * 1000 + i).append('\n');
        }
        return b.toString();
    }

    private int push(String base, int group, int seq) throws Exception {
        return pushResponse(base, group, seq).statusCode();
    }

    private HttpResponse<String> pushResponse(String base, int group, int seq) throws Exception {
        return pushResponse(base, "flink-full-disk-" + group, group, seq);
    }

    private HttpResponse<String> pushResponse(String base, String job, int group, int seq) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + "/metrics/job/" + job))
                .header("Content-Type", "text/plain; version=0.0.4")
                .PUT(HttpRequest.BodyPublishers.ofString(body(group, seq))).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The jobs of the push groups, as the push API lists them. */
    private java.util.Set<String> groups(String base) throws Exception {
        HttpResponse<String> r = get(base, "/api/v1/metrics");
        assertEquals(200, r.statusCode(), r.body());
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (JsonNode g : json.readTree(r.body()).path("data")) {
            out.add(g.path("labels").path("job").asText());
        }
        return out;
    }

    private HttpResponse<String> get(String base, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every series of every group holds one sample per acknowledged push, with its value, and nothing else. */
    private void assertStored(String base, Map<Integer, TreeSet<Integer>> acked) throws Exception {
        for (int g = 0; g < GROUPS; g++) {
            String q = METRIC + "{tm_id=\"tm-" + g + "\"}[1h]";
            HttpResponse<String> r = get(base, "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8));
            assertEquals(200, r.statusCode(), r.body());
            JsonNode result = json.readTree(r.body()).path("data").path("result");
            assertEquals(SERIES, result.size(), "series of group " + g);
            for (JsonNode s : result) {
                int i = s.path("metric").path("subtask_index").asInt();
                List<Integer> got = new ArrayList<>();
                for (JsonNode v : s.path("values")) {
                    int value = Integer.parseInt(v.get(1).asText());
                    assertEquals(i, value % 1000, "value of series " + i);
                    got.add(value / 1000);
                }
                assertEquals(new ArrayList<>(acked.get(g)), got, "pushes stored for group " + g + " series " + i);
            }
        }
    }

    private HttpResponse<String> post(String base, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(base + path.replace("[]", "%5B%5D")))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<Path> snapshots(Path data) throws java.io.IOException {
        Path dir = data.resolve("snapshots");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** How many series of {@code metric} a query finds. */
    private int count(String base, String metric) throws Exception {
        HttpResponse<String> r = get(base, "/api/v1/query?query=" + URLEncoder.encode(metric, StandardCharsets.UTF_8));
        assertEquals(200, r.statusCode(), r.body());
        return json.readTree(r.body()).path("data").path("result").size();
    }

    private int importText(String base, String metric, long t) throws Exception {
        // Large enough to need new pages of the WAL (a few bytes may still fit in its last page).
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 400; i++) {
            text.append(metric).append("{src=\"import\",i=\"").append(i).append("\"} 1 ").append(t).append('\n');
        }
        return client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/import/prometheus"))
                .POST(HttpRequest.BodyPublishers.ofString(text.toString())).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    // ---- remote write 1.0: WriteRequest{timeseries=1: {labels=1: {name=1, value=2}, samples=2: {value=1, timestamp=2}}}

    private int remoteWrite(String base, long t) throws Exception {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        for (int n = 0; n < 400; n++) { // more than the last page of the WAL can hold
            ByteArrayOutputStream ts = new ByteArrayOutputStream();
            for (String[] l : new String[][] {{"__name__", "full_disk_remote_write"}, {"job", "agent"}, {"n", "s" + n}}) {
                ByteArrayOutputStream label = new ByteArrayOutputStream();
                field(label, 1, l[0].getBytes(StandardCharsets.UTF_8));
                field(label, 2, l[1].getBytes(StandardCharsets.UTF_8));
                field(ts, 1, label.toByteArray());
            }
            ByteArrayOutputStream sample = new ByteArrayOutputStream();
            sample.write(0x09);
            long bits = Double.doubleToRawLongBits(1.5);
            for (int i = 0; i < 8; i++) {
                sample.write((int) (bits >>> (8 * i)) & 0xff);
            }
            sample.write(0x10);
            varint(sample, t);
            field(ts, 2, sample.toByteArray());
            field(req, 1, ts.toByteArray());
        }
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write"))
                .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Snappy.compress(req.toByteArray()))).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    private static void field(ByteArrayOutputStream out, int n, byte[] b) {
        out.write(n << 3 | 2);
        varint(out, b.length);
        out.writeBytes(b);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
