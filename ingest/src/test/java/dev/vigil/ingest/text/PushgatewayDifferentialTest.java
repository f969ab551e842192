package dev.vigil.ingest.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vigil.ingest.ExpositionException;
import dev.vigil.tsdb.testing.References;
import java.io.ByteArrayOutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference push server (Debian's prometheus-pushgateway 1.5.1, started on a loopback port)
 * and our parser get the same mutated bodies (real Flink and node exporter lines with bytes
 * inserted, removed, replaced, repeated or cut): where it reports a text format parsing error
 * we must report the same message; where it accepts, or rejects only later for consistency or
 * timestamps, we must parse.
 */
class PushgatewayDifferentialTest {
    private static final byte[] INTERESTING = " \t\"\\{},=#\n\reE.-+x0_:\u00ff".getBytes(StandardCharsets.ISO_8859_1);

    static List<byte[]> bases() throws Exception {
        List<byte[]> out = new ArrayList<>();
        String flink = new String(FlinkGoldenTest.golden("flink-2.3.0-push-running.txt"), StandardCharsets.UTF_8);
        String[] fl = flink.split("\n");
        String node = new String(FlinkGoldenTest.golden("node-exporter.txt"), StandardCharsets.UTF_8);
        String[] nl = node.split("\n");
        Random r = new Random(7);
        for (int i = 0; i < 40; i++) {
            int at = r.nextInt(fl.length - 4);
            out.add((String.join("\n", Arrays.copyOfRange(fl, at, at + 1 + r.nextInt(4))) + "\n").getBytes(StandardCharsets.UTF_8));
            int bt = r.nextInt(nl.length - 4);
            out.add((String.join("\n", Arrays.copyOfRange(nl, bt, bt + 1 + r.nextInt(4))) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.add("# TYPE s summary\ns{quantile=\"0.5\",a=\"1\"} 1\ns_sum{a=\"1\"} 2\ns_count{a=\"1\"} 3\n".getBytes(StandardCharsets.UTF_8));
        out.add("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n".getBytes(StandardCharsets.UTF_8));
        out.add("# TYPE g gauge_histogram\ng{le=\"1\"} 1\ng_bucket{le=\"2\"} 2\n# TYPE G GAUGE_histogram\n".getBytes(StandardCharsets.UTF_8));
        out.add("# HELP x a \\\\ b \\n c\n# TYPE x counter\nx{a=\"q\\\"\\\\\\n\"} 1 1700000000000\n".getBytes(StandardCharsets.UTF_8));
        return out;
    }

    static byte[] mutate(byte[] in, Random r) {
        byte[] b = in;
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n && b.length > 0; k++) {
            int pos = r.nextInt(b.length);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            switch (r.nextInt(5)) {
                case 0 -> { // insert
                    out.write(b, 0, pos);
                    out.write(INTERESTING[r.nextInt(INTERESTING.length)]);
                    out.write(b, pos, b.length - pos);
                }
                case 1 -> { // delete
                    out.write(b, 0, pos);
                    out.write(b, pos + 1, b.length - pos - 1);
                }
                case 2 -> { // replace
                    out.write(b, 0, b.length);
                    byte[] c = out.toByteArray();
                    c[pos] = INTERESTING[r.nextInt(INTERESTING.length)];
                    out.reset();
                    out.write(c, 0, c.length);
                }
                case 3 -> { // repeat a range
                    int len = Math.min(1 + r.nextInt(40), b.length - pos);
                    out.write(b, 0, pos + len);
                    out.write(b, pos, b.length - pos);
                }
                default -> out.write(b, 0, pos); // cut
            }
            b = out.toByteArray();
        }
        return b;
    }

    @Test
    void sameVerdictAndMessageAsTheReference(@TempDir Path dir) throws Exception {
        Path pushgateway = References.require("prometheus-pushgateway");
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        // The Debian build persists to a shared file unless told otherwise: keep this instance in memory.
        Process p = new ProcessBuilder(pushgateway.toString(), "--web.listen-address=127.0.0.1:" + port, "--persistence.file=")
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try {
            String base = "http://127.0.0.1:" + port;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (true) {
                try {
                    if (http.send(HttpRequest.newBuilder(URI.create(base + "/-/ready")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                        break;
                    }
                } catch (java.io.IOException notYet) {
                    assertTrue(System.nanoTime() < deadline, "pushgateway did not start");
                }
                Thread.sleep(50);
            }
            Random r = new Random(Long.getLong("differential.seed", 20261125L));
            List<byte[]> bases = bases();
            int parseErrors = 0;
            int accepted = 0;
            int compared = 0;
            int cases = Integer.getInteger("differential.cases", 600);
            for (int i = 0; i < cases; i++) {
                byte[] body = i < bases.size() ? bases.get(i) : mutate(bases.get(r.nextInt(bases.size())), r);
                URI group = URI.create(base + "/metrics/job/diff" + i);
                HttpResponse<String> resp = http.send(HttpRequest.newBuilder(group).PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                String exposition = resp.statusCode() == 200
                        ? http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body()
                        : null;
                http.send(HttpRequest.newBuilder(group).DELETE().build(), HttpResponse.BodyHandlers.discarding());
                String reference = resp.body().strip();
                String ours;
                Collector mine = new Collector();
                try {
                    new TextParser().parse(body, 0, body.length, mine);
                    ours = null;
                    // The reference cannot expose a gauge_histogram family (its output stops there).
                    if (exposition != null && !mine.types.containsValue("gaugehistogram")) {
                        sameSeries(mine, exposition, "diff" + i, i, body);
                        compared++;
                    }
                } catch (ExpositionException e) {
                    ours = e.getMessage().replaceFirst(", column \\d+", "");
                }
                String shown = new String(body, StandardCharsets.ISO_8859_1);
                if (resp.statusCode() == 400 && reference.startsWith("text format parsing error")) {
                    parseErrors++;
                    // The reference's message may hold bytes that are not UTF-8; compare as it decodes them.
                    String expected = new String(resp.body().strip().getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
                    assertEquals(expected, ours == null ? "accepted" : new String(ours.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8),
                            "body " + i + ": " + shown);
                } else if (resp.statusCode() == 200 || resp.statusCode() == 400) {
                    accepted++;
                    if (ours != null) {
                        fail("body " + i + " is accepted by the reference (" + resp.statusCode() + " " + reference + ") but we say: " + ours + "\n" + shown);
                    }
                } else {
                    fail("unexpected status " + resp.statusCode() + " " + reference);
                }
            }
            System.out.println("differential: " + cases + " bodies, " + parseErrors + " parse errors, " + accepted + " accepted, "
                    + compared + " compared series by series");
            assertTrue(compared > 50, "too few accepted bodies to compare series: " + compared);
            assertTrue(parseErrors > 100 && accepted > 100, parseErrors + " parse errors, " + accepted + " accepted: too one-sided to mean much");
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * What the reference exposes for the group must be what we parsed: same series, same values.
     * It also invents series we do not (a summary's {@code _sum}/{@code _count}, a histogram's
     * {@code +Inf} bucket, sum and count, when the push lacks them) and stores counts of
     * histograms and summaries as unsigned integers; both are allowed for.
     */
    private static void sameSeries(Collector mine, String exposition, String job, int i, byte[] body) throws ExpositionException {
        byte[] e = exposition.getBytes(StandardCharsets.UTF_8);
        Collector theirs = new Collector();
        new TextParser().parse(e, 0, e.length, theirs);
        java.util.Map<dev.vigil.tsdb.Labels, Double> ref = new java.util.HashMap<>();
        for (Collector.Sample x : theirs.samples) {
            String name = x.labels().metricName();
            if (x.labels().get("job").equals(job) && !name.equals("push_time_seconds") && !name.equals("push_failure_time_seconds")) {
                ref.put(x.labels().without("job"), x.value());
            }
        }
        java.util.Map<dev.vigil.tsdb.Labels, Collector.Sample> ours = new java.util.HashMap<>();
        for (Collector.Sample x : mine.samples) {
            ours.put(x.labels().without("job"), x);
        }
        String shown = "body " + i + ": " + new String(body, StandardCharsets.ISO_8859_1);
        for (java.util.Map.Entry<dev.vigil.tsdb.Labels, Collector.Sample> o : ours.entrySet()) {
            Double theirValue = ref.get(o.getKey());
            assertTrue(theirValue != null, "we have " + o.getKey() + ", the reference does not; " + shown);
            double v = o.getValue().value();
            String type = mine.types.getOrDefault(o.getValue().family(), "untyped");
            String name = o.getKey().metricName();
            boolean unsigned = (type.equals("summary") && name.endsWith("_count"))
                    || (type.equals("histogram") && (name.endsWith("_count") || name.endsWith("_bucket")));
            if (unsigned) {
                if (v >= 0 && v < 9e18) {
                    assertEquals((double) (long) v, theirValue, o.getKey() + "; " + shown);
                }
            } else {
                assertEquals(Double.doubleToLongBits(v), Double.doubleToLongBits(theirValue), o.getKey() + "; " + shown);
            }
        }
        for (dev.vigil.tsdb.Labels t : ref.keySet()) {
            if (ours.containsKey(t)) {
                continue;
            }
            String name = t.metricName();
            boolean invented = false;
            for (java.util.Map.Entry<String, String> f : mine.types.entrySet()) {
                String fam = f.getKey();
                if (f.getValue().equals("summary")) {
                    invented |= name.equals(fam + "_sum") || name.equals(fam + "_count");
                } else if (f.getValue().equals("histogram")) {
                    invented |= name.equals(fam + "_sum") || name.equals(fam + "_count")
                            || (name.equals(fam + "_bucket") && t.get("le").equals("+Inf"));
                }
            }
            assertTrue(invented, "the reference has " + t + ", we do not; " + shown);
        }
    }
}
