package dev.vigil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.cli.Flags;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every push limit set by its flag on the real server: a push over it gets a 4xx that names the
 * flag, and neither the groups nor the store change.
 */
class PushLimitFlagsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private HttpResponse<String> send(VigilServer s, String method, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.webAddress().getPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private VigilServer start(String... flags) throws Exception {
        String[] all = new String[flags.length + 2];
        all[0] = "--web.listen-address=127.0.0.1:0";
        all[1] = "--push.listen-address=";
        System.arraycopy(flags, 0, all, 2, flags.length);
        var cfg = Flags.parse(all);
        return VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
    }

    /** Groups and the series in the store, to show a refused push changed neither. */
    private String state(VigilServer s) throws Exception {
        String groups = send(s, "GET", "/api/v1/metrics", null).body();
        String series = send(s, "GET", "/api/v1/series?match[]=%7B__name__%3D~%22.%2B%22%7D", null).body();
        String samples = send(s, "GET", "/api/v1/query?query=count_over_time(%7B__name__%3D~%22.%2B%22%7D%5B1h%5D)", null).body()
                .replaceAll("\\[[0-9.]+,", "[");
        return groups + "\n" + series + "\n" + samples;
    }

    @Test
    void eachLimitRefusesWithItsFlagAndChangesNothing() throws Exception {
        VigilServer s = start("--storage.tsdb.path=" + dir.resolve("data"), "--push.max-body-size=2KB", "--push.max-series-per-push=4",
                "--push.max-label-name-length=16", "--push.max-label-value-length=32", "--push.max-labels-per-series=4",
                "--storage.tsdb.max-series=6");
        try {
            // base + push_time_seconds + push_failure_time_seconds: 3 of the 6 series.
            assertEquals(200, send(s, "PUT", "/metrics/job/keep", "base{a=\"1\"} 1\n").statusCode());
            String before = state(s);
            String[][] refused = {
                // body, the flag the answer must name (or the limit's words for the store's cap)
                {"# " + "x".repeat(3000) + "\nbase{a=\"1\"} 2\n", "--push.max-body-size"},
                {"base{a=\"1\"} 2\nbase{a=\"2\"} 2\nbase{a=\"3\"} 2\nbase{a=\"4\"} 2\nbase{a=\"5\"} 2\n", "--push.max-series-per-push"},
                {"base{a_label_name_of_20=\"1\"} 2\n", "--push.max-label-name-length"},
                {"base{a=\"" + "v".repeat(33) + "\"} 2\n", "--push.max-label-value-length"},
                {"base{a=\"1\",b=\"1\",c=\"1\",d=\"1\"} 2\n", "--push.max-labels-per-series"},
            };
            for (String[] r : refused) {
                for (String method : new String[] {"PUT", "POST"}) {
                    HttpResponse<String> resp = send(s, method, "/metrics/job/keep", r[0]);
                    assertTrue(resp.statusCode() >= 400 && resp.statusCode() < 500, r[1] + ": " + resp.statusCode());
                    assertTrue(resp.body().contains(r[1]), resp.body());
                    assertEquals(before, state(s), r[1]);
                }
            }
            assertEquals(413, send(s, "PUT", "/metrics/job/keep", refused[0][0]).statusCode());
            // At the limits is within them: a fourth series.
            HttpResponse<String> ok = send(s, "PUT", "/metrics/job/keep", "base{a=\"" + "v".repeat(32) + "\",b=\"1\",c=\"1\"} 2\n");
            assertEquals(200, ok.statusCode(), ok.body());
            // A new group of three series would make 4 + 3 series: over --storage.tsdb.max-series, refused whole.
            String before2 = state(s);
            HttpResponse<String> cap = send(s, "PUT", "/metrics/job/new", "m{i=\"1\"} 1\nm{i=\"2\"} 1\nm{i=\"3\"} 1\n");
            assertEquals(400, cap.statusCode());
            assertTrue(cap.body().contains("series limit reached") && cap.body().contains("limit 6"), cap.body());
            assertEquals(before2, state(s));
        } finally {
            s.close();
        }
    }

    @Test
    void zeroTurnsLimitsOffAndTheCheckFlagAnswers202() throws Exception {
        VigilServer s = start("--storage.tsdb.path=" + dir.resolve("data2"), "--push.max-label-value-length=0",
                "--push.max-labels-per-series=0", "--push.disable-consistency-check");
        try {
            StringBuilder labels = new StringBuilder();
            for (int i = 0; i < 80; i++) {
                labels.append(i == 0 ? "" : ",").append("l").append(i).append("=\"").append("v".repeat(20_000 / 80)).append('"');
            }
            assertEquals(202, send(s, "PUT", "/metrics/job/wide", "w{" + labels + ",big=\"" + "v".repeat(20_000) + "\"} 1\n").statusCode());
            // Unchecked: a series pushed twice is accepted as the replaced gateway does with this flag.
            assertEquals(202, send(s, "PUT", "/metrics/job/dup", "d 1\nd 2\n").statusCode());
            assertEquals(202, send(s, "PUT", "/metrics/job/dup2", "# TYPE d counter\nd 1\n").statusCode());
        } finally {
            s.close();
        }
    }
}
