package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.ingest.StoreIngest;
import dev.vigil.ingest.push.PushGroups;
import dev.vigil.ingest.push.PushOptions;
import dev.vigil.server.http.HttpServer;
import dev.vigil.server.http.Routes;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import io.undertow.server.RoutingHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /api/v1/import/prometheus} of bodies past the listener's entity cap, streamed in
 * batches: bounded heap, a bad line mid-stream, gzip, and the {@code --import.max-body-size} limit.
 */
class StreamedImportTest {
    @TempDir
    Path dir;

    /** Vigil's real listener (with its entity cap for every other route) over a real store. */
    private static final class Server implements AutoCloseable {
        final Storage store;
        final PushGroups groups;
        final HttpServer http;
        final HttpClient client = HttpClient.newHttpClient();

        Server(Path dir, long importLimit) throws IOException {
            store = Db.open(DbOptions.builder(dir.resolve("data")).build());
            groups = new PushGroups(store, PushOptions.defaults(), System::currentTimeMillis);
            PushApi api = new PushApi(new StoreIngest(store, groups), Map.of(), "test", System.currentTimeMillis(), importLimit);
            RoutingHandler r = new RoutingHandler();
            api.register(new Routes(r, Routes.Guard.OPEN));
            http = HttpServer.start("test", "127.0.0.1", 0, r);
        }

        HttpResponse<String> post(HttpRequest.BodyPublisher body, String... headers) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.address().getPort() + "/api/v1/import/prometheus"))
                    .POST(body);
            if (headers.length > 0) {
                b.headers(headers);
            }
            return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        int samples(String metric) {
            return Stored.count(store, Matcher.eq("__name__", metric));
        }

        @Override
        public void close() throws IOException {
            http.beginShutdown();
            http.awaitAndStop(5_000);
            groups.close();
            store.close();
        }
    }

    /**
     * Series after series, each {@code perSeries} minutes long and ending a few hours ago, as a
     * dump of another store is laid out: every series but the first starts far behind the newest
     * sample already stored. Generated as it is read, never held.
     */
    static final class Backfill extends InputStream {
        final int series;
        final int perSeries;
        final long startMs;
        final String pad;
        final Runnable every32MiB;
        int s;
        int i;
        long sent;
        byte[] line = new byte[0];
        int pos;

        Backfill(int series, int perSeries, int padBytes, Runnable every32MiB) {
            this.series = series;
            this.perSeries = perSeries;
            this.startMs = (System.currentTimeMillis() - 3 * 3_600_000L - perSeries * 60_000L) / 60_000 * 60_000;
            this.pad = "p".repeat(padBytes);
            this.every32MiB = every32MiB;
        }

        long bytes() {
            long perLine = ("imp_big{series=\"00000\",pad=\"" + pad + "\"} ").length() + 1 + 13 + 1;
            long total = 0;
            for (int k = 0; k < perSeries; k++) {
                total += perLine + Integer.toString(k).length();
            }
            return total * series;
        }

        private boolean nextLine() {
            if (s == series) {
                return false;
            }
            String l = "imp_big{series=\"" + String.format("%05d", s) + "\",pad=\"" + pad + "\"} " + i + " " + (startMs + i * 60_000L) + "\n";
            line = l.getBytes(StandardCharsets.US_ASCII);
            pos = 0;
            if (++i == perSeries) {
                i = 0;
                s++;
            }
            return true;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = 0;
            while (n < len) {
                if (pos == line.length && !nextLine()) {
                    break;
                }
                int k = Math.min(len - n, line.length - pos);
                System.arraycopy(line, pos, b, off + n, k);
                pos += k;
                n += k;
            }
            if (n == 0) {
                return -1;
            }
            long before = sent;
            sent += n;
            if (sent >> 25 != before >> 25) {
                every32MiB.run();
            }
            return n;
        }
    }

    private static long liveHeap() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    @Test
    void bodyPastTheOldCapStreamsWithBoundedHeapAndEverySampleIsStored() throws Exception {
        try (Server s = new Server(dir, 0)) {
            long base = liveHeap();
            long[] peak = {0};
            int[] seenWhileSending = {0};
            Backfill[] body = new Backfill[1];
            body[0] = new Backfill(1000, 1300, 200, () -> {
                peak[0] = Math.max(peak[0], liveHeap() - base);
                if (body[0].sent > (200L << 20) && seenWhileSending[0] == 0) {
                    seenWhileSending[0] = s.samples("imp_big"); // committed batches are queryable before the body ends
                }
            });
            assertTrue(body[0].bytes() > (300L << 20), "the body must be past the old 256 MiB cap: " + body[0].bytes());
            HttpResponse<String> r = s.post(HttpRequest.BodyPublishers.ofInputStream(() -> body[0])); // chunked, no length
            assertEquals(204, r.statusCode(), r.body());
            assertEquals(body[0].bytes(), body[0].sent);
            assertEquals("", shortSeries(s.store, 1000, 1300), "every imported sample is stored");
            assertEquals(1000 * 1300, s.samples("imp_big"));
            Map<?, Double> last = Stored.last(s.store, Matcher.eq("__name__", "imp_big"));
            assertEquals(1000, last.size());
            assertTrue(last.values().stream().allMatch(v -> v == 1299.0), "every series holds its whole day");
            assertTrue(seenWhileSending[0] > 0, "samples are committed while the body is still arriving");
            assertTrue(peak[0] < (96L << 20), "live heap grew by " + (peak[0] >> 20) + " MiB importing a " + (body[0].sent >> 20) + " MiB body");
        }
    }

    /**
     * The series of {@code imp_big} holding other than {@code perSeries} samples, with their
     * counts, the missing steps' extent and the store's head cuts and blocks: empty when all is
     * well, enough to tell a lost write from a query missing a cut range if it ever is not.
     */
    private static String shortSeries(Storage store, int series, int perSeries) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        Map<String, String> gaps = new java.util.HashMap<>();
        try (dev.vigil.tsdb.Querier q = store.querier(Long.MIN_VALUE, Long.MAX_VALUE)) {
            dev.vigil.tsdb.SeriesSet ss = q.select(false, null, Matcher.eq("__name__", "imp_big"));
            while (ss.next()) {
                java.util.BitSet seen = new java.util.BitSet(perSeries);
                dev.vigil.tsdb.SampleIterator it = ss.at().iterator(null);
                int n = 0;
                while (it.next()) {
                    seen.set((int) it.v()); // the value is the step
                    n++;
                }
                String name = ss.at().labels().get("series");
                counts.put(name, n);
                int missing = seen.nextClearBit(0);
                if (missing < perSeries) {
                    gaps.put(name, "first missing step " + missing + ", " + (perSeries - seen.cardinality()) + " missing");
                }
            }
        }
        StringBuilder b = new StringBuilder();
        int absent = series - counts.size();
        int shown = 0;
        int shortOnes = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() != perSeries && shortOnes++ < 40) {
                b.append("series ").append(e.getKey()).append(": ").append(e.getValue()).append(" samples (")
                        .append(gaps.getOrDefault(e.getKey(), "duplicates")).append(")\n");
                shown++;
            }
        }
        if (shortOnes > shown) {
            b.append("... ").append(shortOnes - shown).append(" more series short\n");
        }
        if (absent > 0) {
            b.append(absent).append(" series absent\n");
        }
        if (b.length() > 0 && store instanceof Db db) {
            b.append("head cuts ").append(db.headCuts()).append(", blocks ").append(db.stats().blocks().size())
                    .append(", rejected at commit ").append(db.stats().rejectedAtCommit()).append('\n');
        }
        return b.toString();
    }

    private static String lines(String metric, int from, int to, long t0) {
        StringBuilder b = new StringBuilder();
        for (int k = from; k < to; k++) {
            b.append(metric).append("{k=\"").append(k % 50).append("\"} ").append(k).append(' ').append(t0 + k / 50 * 60_000L).append('\n');
        }
        return b.toString();
    }

    @Test
    void badLineMidStreamKeepsTheBatchesBeforeItAndNamesTheLine() throws Exception {
        try (Server s = new Server(dir, 0)) {
            long t0 = System.currentTimeMillis() - 20 * 3_600_000L;
            String body = lines("imp_mid", 0, 25_000, t0) + "imp_mid{k=\"1\" 1 " + t0 + "\n" + lines("imp_mid", 25_000, 30_000, t0);
            HttpResponse<String> r = s.post(HttpRequest.BodyPublishers.ofString(body));
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains("line 25001"), r.body());
            assertTrue(r.body().contains("25000 samples before this line were imported"), r.body());
            assertEquals(25_000, s.samples("imp_mid"), "everything before the bad line is stored, nothing after it");
        }
    }

    @Test
    void storeRefusalMidStreamKeepsTheCommittedBatches() throws Exception {
        try (PushServer s = new PushServer(dir, PushOptions.defaults(), 50)) {
            long t0 = System.currentTimeMillis() - 20 * 3_600_000L;
            // 50 series fill the store; the 51st arrives in the second batch of 50,000 samples.
            String body = lines("imp_ref", 0, 60_000, t0) + "imp_ref_other 1 " + t0 + "\n";
            var r = s.send("POST", "/api/v1/import/prometheus", body);
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains("limit 50") && r.body().contains("(50000 samples imported before it)"), r.body());
            // The first batch stays; the batch holding the refused sample is rolled back whole.
            assertEquals(50_000, Stored.count(s.store, Matcher.eq("__name__", "imp_ref")));
        }
    }

    private static byte[] gzip(String s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(s.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void gzipBodyStreams() throws Exception {
        try (Server s = new Server(dir, 0)) {
            byte[] z = gzip(lines("imp_gz", 0, 60_000, System.currentTimeMillis() - 24 * 3_600_000L));
            HttpResponse<String> r = s.post(HttpRequest.BodyPublishers.ofByteArray(z), "Content-Encoding", "gzip");
            assertEquals(204, r.statusCode(), r.body());
            assertEquals(60_000, s.samples("imp_gz"));

            byte[] cut = java.util.Arrays.copyOf(z, z.length / 2);
            r = s.post(HttpRequest.BodyPublishers.ofByteArray(cut), "Content-Encoding", "gzip");
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().startsWith("unexpected EOF"), r.body());
        }
    }

    @Test
    void limitFlagAnswers413ForTheBodyAsSentAndAsDecoded() throws Exception {
        try (Server s = new Server(dir, 1 << 20)) {
            long t0 = System.currentTimeMillis() - 24 * 3_600_000L;
            String big = lines("imp_lim", 0, 60_000, t0); // about 2 MiB
            assertTrue(big.length() > (1 << 21) - (1 << 18), "body of " + big.length());

            HttpResponse<String> r = s.post(HttpRequest.BodyPublishers.ofString(big)); // with a Content-Length
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(r.body().contains("--import.max-body-size"), r.body());
            assertEquals(0, s.samples("imp_lim"), "refused before reading");

            byte[] bytes = big.getBytes(StandardCharsets.US_ASCII);
            r = s.post(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))); // chunked
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(r.body().contains("samples before it were imported"), r.body());

            // A bomb: 2 MiB of text in a few KiB of gzip is refused once decoded past the limit.
            byte[] z = gzip(lines("imp_bomb", 0, 60_000, t0));
            assertTrue(z.length < (1 << 20));
            r = s.post(HttpRequest.BodyPublishers.ofByteArray(z), "Content-Encoding", "gzip");
            assertEquals(413, r.statusCode(), r.body());
            assertTrue(r.body().startsWith("decoded request body exceeds the limit of 1048576 bytes"), r.body());

            r = s.post(HttpRequest.BodyPublishers.ofString(lines("imp_small", 0, 1000, t0)));
            assertEquals(204, r.statusCode(), r.body());
            assertEquals(1000, s.samples("imp_small"));
        }
    }
}
