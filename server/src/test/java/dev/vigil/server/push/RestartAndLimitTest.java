package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.ingest.push.PushOptions;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Values;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Groups survive a restart of server and store; the store's series cap refuses a push whole. */
class RestartAndLimitTest {
    @TempDir
    Path dir;

    @Test
    void groupsSurviveRestartAndDeleteAfterwardStillMarksStale() throws Exception {
        PushOptions o = PushOptions.defaults().withStateFile(dir.resolve("data/push-groups.state"));
        try (PushServer s = new PushServer(dir, o)) {
            assertEquals(200, s.send("PUT", "/metrics/job/tm1/cluster/c1", "# TYPE heap gauge\nheap{tm_id=\"a\"} 5\n").statusCode());
        }
        try (PushServer s = new PushServer(dir, o)) {
            String json = s.send("GET", "/api/v1/metrics", null).body();
            assertTrue(json.contains("\"labels\":{\"cluster\":\"c1\",\"job\":\"tm1\"}"), json);
            assertTrue(json.contains("\"heap\":{"), json);
            // The restored index still guards types across groups.
            assertEquals(400, s.send("PUT", "/metrics/job/other", "# TYPE heap counter\nheap 1\n").statusCode());
            assertEquals(202, s.send("DELETE", "/metrics/job/tm1/cluster/c1", null).statusCode());
            double last = Stored.last(s.store, Matcher.eq("__name__", "heap")).values().iterator().next();
            assertTrue(Values.isStaleNaN(last));
        }
    }

    @Test
    void emptyGroupingValueKeepsItsOwnGroupAcrossRestart() throws Exception {
        PushOptions o = PushOptions.defaults().withStateFile(dir.resolve("data/push-groups.state"));
        try (PushServer s = new PushServer(dir, o)) {
            assertEquals(200, s.send("PUT", "/metrics/job/e", "plain 1\n").statusCode());
            assertEquals(200, s.send("PUT", "/metrics/job/e/x@base64/=", "withx{x=\"body\"} 2\n").statusCode());
        }
        try (PushServer s = new PushServer(dir, o)) {
            String json = s.send("GET", "/api/v1/metrics", null).body();
            assertTrue(json.contains("\"labels\":{\"job\":\"e\",\"x\":\"\"}"), json);
            assertTrue(json.contains("\"labels\":{\"job\":\"e\"}"), json);
            assertEquals(2, s.groups.size());
            // The store never sees the empty label: the body's x is replaced by the empty grouping value, i.e. removed.
            assertEquals(1, Stored.count(s.store, Matcher.eq("__name__", "withx"), Matcher.eq("job", "e")));
            assertEquals(0, Stored.count(s.store, Matcher.eq("x", "body")));
            // Deleting one leaves the other.
            assertEquals(202, s.send("DELETE", "/metrics/job/e/x/", null).statusCode());
            assertEquals(1, s.groups.size());
            assertTrue(Values.isStaleNaN(Stored.last(s.store, Matcher.eq("__name__", "withx")).values().iterator().next()));
            assertEquals(1.0, Stored.last(s.store, Matcher.eq("__name__", "plain")).values().iterator().next());
        }
    }

    @Test
    void seriesCapRefusesThePushAndChangesNothing() throws Exception {
        try (PushServer s = new PushServer(dir, PushOptions.defaults(), 5)) {
            assertEquals(200, s.send("PUT", "/metrics/job/a", "x 1\n").statusCode()); // x + push_time + push_failure_time
            var r = s.send("PUT", "/metrics/job/b", "y{i=\"1\"} 1\ny{i=\"2\"} 1\ny{i=\"3\"} 1\n");
            assertEquals(400, r.statusCode());
            assertTrue(r.body().contains("series limit"), r.body());
            assertEquals(0, Stored.count(s.store, Matcher.eq("__name__", "y")));
            assertEquals(1, s.groups.size());
            assertEquals(200, s.send("PUT", "/metrics/job/a", "x 2\n").statusCode());
        }
    }
}
