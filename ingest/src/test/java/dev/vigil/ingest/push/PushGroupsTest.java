package dev.vigil.ingest.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.testing.MemoryStorage;
import dev.vigil.tsdb.text.GoFloat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PushGroupsTest {
    final MemoryStorage store = new MemoryStorage();
    final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    @TempDir
    Path dir;

    PushGroups groups(PushOptions o) {
        return new PushGroups(store, o, now::get);
    }

    static PushBody body(String text) throws Exception {
        PushBody b = new PushBody(PushOptions.defaults());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        new TextParser().parse(bytes, 0, bytes.length, b);
        return b;
    }

    static Labels job(String job, String... kv) {
        Labels.Builder b = Labels.builder().set("job", job);
        for (int i = 0; i < kv.length; i += 2) {
            b.set(kv[i], kv[i + 1]);
        }
        return b.build();
    }

    /** Samples of series matching name (and job), as "labels@t=v" strings. */
    List<String> samples(String name) {
        List<String> out = new ArrayList<>();
        try (Querier q = store.querier(0, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(true, null, Matcher.eq("__name__", name));
            while (ss.next()) {
                SampleIterator it = ss.at().iterator(null);
                while (it.next()) {
                    out.add(ss.at().labels() + "@" + (it.t() - 1_700_000_000_000L) + "=" + (Values.isStaleNaN(it.v()) ? "stale" : GoFloat.g(it.v())));
                }
            }
        }
        return out;
    }

    /** Parses with the group's own cache, as the push route does, so repeated pushes take the unchanged-group path. */
    static PushBody leased(PushGroups g, Labels key, String text) throws Exception {
        PushBody b = new PushBody(PushOptions.defaults());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (PushGroups.ParseLease lease = g.parseLease(key)) {
            new TextParser().parse(bytes, 0, bytes.length, b, lease.cache());
        }
        return b;
    }

    @Test
    void repeatedPushesOfAnUnchangedGroupStillMeetEveryConsistencyCheck() throws Exception {
        PushGroups g = groups(PushOptions.defaults());
        Labels a = job("x", "instance", "a");
        for (int i = 0; i < 3; i++) {
            now.addAndGet(1000);
            g.push(a, true, leased(g, a, "# TYPE m gauge\nm " + i + "\n"));
        }
        // Another group's series that is stored exactly like one of a's: refused while a holds it.
        Labels b = job("x");
        PushException e = assertThrows(PushException.class, () -> g.push(b, true, leased(g, b, "# TYPE m gauge\nm{instance=\"a\"} 9\n")));
        assertTrue(e.getMessage().contains("was collected before with the same name and label values"), e.getMessage());
        // A family typed differently elsewhere is refused too, after the unchanged pushes went through.
        PushException t = assertThrows(PushException.class, () -> g.push(b, true, leased(g, b, "# TYPE m counter\nm{instance=\"b\"} 9\n")));
        assertTrue(t.getMessage().contains("is not a GAUGE"), t.getMessage());
        now.addAndGet(1000);
        g.push(a, true, leased(g, a, "# TYPE m gauge\nm 7\n"));
        // A PUT that drops the series marks it stale; the next identical push brings it back.
        now.addAndGet(1000);
        g.push(a, true, leased(g, a, "# TYPE other gauge\nother 1\n"));
        now.addAndGet(1000);
        g.push(a, true, leased(g, a, "# TYPE m gauge\nm 8\n"));
        assertEquals(List.of("m{instance=\"a\", job=\"x\"}@1000=0", "m{instance=\"a\", job=\"x\"}@2000=1", "m{instance=\"a\", job=\"x\"}@3000=2",
                "m{instance=\"a\", job=\"x\"}@4000=7", "m{instance=\"a\", job=\"x\"}@5000=stale", "m{instance=\"a\", job=\"x\"}@6000=8"), samples("m"));
        // Once a is gone, b may take the series.
        g.delete(a);
        now.addAndGet(1000);
        g.push(b, true, leased(g, b, "# TYPE m gauge\nm{instance=\"a\"} 9\n"));
        assertTrue(samples("m").get(samples("m").size() - 1).endsWith("=9"), samples("m").toString());
    }

    @Test
    void putWritesSamplesAndPushTimeAtReceiveTimeWithGroupingLabelsWinning() throws Exception {
        PushGroups g = groups(PushOptions.defaults());
        g.push(job("j", "foo", "urlfoo"), true, body("lbl{job=\"other\",instance=\"x\",foo=\"bar\"} 3\nplain 1\n"));
        assertEquals(List.of("lbl{foo=\"urlfoo\", instance=\"x\", job=\"j\"}@0=3"), samples("lbl"));
        assertEquals(List.of("plain{foo=\"urlfoo\", job=\"j\"}@0=1"), samples("plain"));
        assertEquals(List.of("push_time_seconds{foo=\"urlfoo\", job=\"j\"}@0=1.7e+09"), samples("push_time_seconds"));
        assertEquals(List.of("push_failure_time_seconds{foo=\"urlfoo\", job=\"j\"}@0=0"), samples("push_failure_time_seconds"));
    }

    @Test
    void putReplacesGroupAndMarksLeavingSeriesStale() throws Exception {
        PushGroups g = groups(PushOptions.defaults());
        g.push(job("j"), true, body("a 1\nb 2\n"));
        now.addAndGet(1000);
        g.push(job("j"), true, body("a 5\n"));
        assertEquals(List.of("a{job=\"j\"}@0=1", "a{job=\"j\"}@1000=5"), samples("a"));
        assertEquals(List.of("b{job=\"j\"}@0=2", "b{job=\"j\"}@1000=stale"), samples("b"));
        assertEquals(1, g.groups().get(0).families().size());
    }

    @Test
    void postReplacesOnlyCarriedFamilies() throws Exception {
        PushGroups g = groups(PushOptions.defaults());
        g.push(job("j"), true, body("a{x=\"1\"} 1\na{x=\"2\"} 1\nb 2\n"));
        now.addAndGet(1000);
        g.push(job("j"), false, body("a{x=\"1\"} 7\n"));
        assertEquals(List.of("a{job=\"j\", x=\"1\"}@0=1", "a{job=\"j\", x=\"1\"}@1000=7", "a{job=\"j\", x=\"2\"}@0=1",
                "a{job=\"j\", x=\"2\"}@1000=stale"), samples("a"));
        assertEquals(List.of("b{job=\"j\"}@0=2"), samples("b"));
    }

    @Test
    void deleteMarksEverythingStaleAndUnknownGroupIsFine() throws Exception {
        PushGroups g = groups(PushOptions.defaults());
        assertFalse(g.delete(job("nope")));
        g.push(job("j"), true, body("a 1\n"));
        g.push(job("j", "i", "1"), true, body("a 2\n"));
        assertTrue(g.delete(job("j")));
        assertEquals(List.of("a{i=\"1\", job=\"j\"}@0=2", "a{job=\"j\"}@0=1", "a{job=\"j\"}@1=stale"), samples("a"));
        assertTrue(samples("push_time_seconds").contains("push_time_seconds{job=\"j\"}@1=stale"));
        assertEquals(1, g.size());
    }

    @Test
    void samePushTwiceInOneMillisecondGetsDistinctTimestamps() throws Exception {
        PushGroups g = groups(PushOptions.defaults());
        g.push(job("j"), true, body("a 1\n"));
        g.push(job("j"), true, body("a 2\n"));
        assertEquals(List.of("a{job=\"j\"}@0=1", "a{job=\"j\"}@1=2"), samples("a"));
    }

    @Test
    void consistencyErrorsHaveTheReferenceMessagesAndSetFailureTime() throws Exception {
        PushGroups g = groups(PushOptions.defaults());
        g.push(job("ta"), true, body("# TYPE tm counter\ntm 1\n"));
        PushException e = assertThrows(PushException.class, () -> g.push(job("tb"), true, body("# TYPE tm gauge\ntm 1\n")));
        assertEquals(PushException.INCONSISTENT + "collected metric \"tm\" { label:<name:\"instance\" value:\"\" > "
                + "label:<name:\"job\" value:\"tb\" > gauge:<value:1 > } is not a COUNTER", e.getMessage());
        assertTrue(e.recordedAsFailure());
        GroupView tb = g.groups().stream().filter(v -> v.key().get("job").equals("tb")).findFirst().orElseThrow();
        assertFalse(tb.lastPushSuccessful());
        assertEquals(0, tb.pushTimeSeconds());

        e = assertThrows(PushException.class, () -> g.push(job("dup"), true, body("d 1\nd 2\n")));
        assertEquals(PushException.INCONSISTENT + "collected metric \"d\" { label:<name:\"instance\" value:\"\" > "
                + "label:<name:\"job\" value:\"dup\" > untyped:<value:2 > } was collected before with the same name and label values",
                e.getMessage());

        g.push(job("cx", "instance", "i"), true, body("dd 1\n"));
        e = assertThrows(PushException.class, () -> g.push(job("cx"), true, body("dd{instance=\"i\"} 1\n")));
        assertTrue(e.getMessage().endsWith("was collected before with the same name and label values"), e.getMessage());

        e = assertThrows(PushException.class, () -> g.push(job("ts"), true, body("x 1 123\n")));
        assertEquals(PushException.INCONSISTENT + "pushed metrics must not have timestamps", e.getMessage());
        assertEquals(List.of(), samples("x"));

        // A group may change the type of its own family when it replaces it.
        g.push(job("ta"), true, body("# TYPE tm gauge\ntm 1\n"));
    }

    @Test
    void emptyGroupingValueIsItsOwnGroupButNeverStored() throws Exception {
        PushGroups g = groups(PushOptions.defaults());
        Labels plain = job("e");
        Labels empty = GroupKeys.of(job("e"), List.of("x"));
        g.push(plain, true, body("a 1\n"));
        now.addAndGet(1000);
        g.push(empty, true, body("b{x=\"body\"} 2\n"));
        assertEquals(2, g.size());
        // The body's x gives way to the empty grouping value, i.e. it is gone; the store never sees the reserved label.
        assertEquals(List.of("b{job=\"e\"}@1000=2"), samples("b"));
        assertEquals(2, samples("push_time_seconds").size());
        assertTrue(samples("push_time_seconds").stream().allMatch(x -> x.startsWith("push_time_seconds{job=\"e\"}@")));
        assertEquals(java.util.Map.of("job", "e", "x", ""), GroupKeys.shown(empty));
        // Each group keeps its own families: a PUT to one leaves the other.
        now.addAndGet(1000);
        g.push(plain, true, body("c 3\n"));
        assertEquals(List.of("b{job=\"e\"}@1000=2"), samples("b"));
        g.delete(empty);
        assertEquals(1, g.size());
        assertEquals(List.of("b{job=\"e\"}@1000=2", "b{job=\"e\"}@2000=stale"), samples("b"));
    }

    @Test
    void uncheckedAcceptsWhatTheCheckRefuses() throws Exception {
        PushGroups checked = groups(PushOptions.defaults());
        checked.push(job("a"), true, body("# TYPE t counter\nt 1\n"));
        assertThrows(PushException.class, () -> checked.push(job("b"), true, body("# TYPE t gauge\nt 1\n")));
        assertThrows(PushException.class, () -> checked.push(job("c"), true, body("go_goroutines 1\n")));
        assertThrows(PushException.class, () -> checked.push(job("d"), true, body("d 1\nd 2\n")));
        PushGroups unchecked = new PushGroups(new MemoryStorage(), PushOptions.defaults().withConsistencyCheck(false), now::get);
        unchecked.push(job("a"), true, body("# TYPE t counter\nt 1\n"));
        unchecked.push(job("b"), true, body("# TYPE t gauge\nt 1\n"));
        unchecked.push(job("c"), true, body("go_goroutines 1\n"));
        unchecked.push(job("d"), true, body("d 1\nd 2\n"));
        assertEquals(4, unchecked.size());
        // Timestamps are still refused: recorded as a failed push of the group.
        PushException e = assertThrows(PushException.class, () -> unchecked.push(job("e"), true, body("x 1 5\n")));
        assertTrue(e.recordedAsFailure());
    }

    @Test
    void typeLineWithoutSamplesLeavesNoType() throws Exception {
        PushGroups g = groups(PushOptions.defaults());
        g.push(job("a"), true, body("# TYPE t gauge\nother 1\n"));
        g.push(job("b"), true, body("# TYPE t counter\nt 1\n"));
        g.push(job("a"), true, body("other 2\n"));
        assertEquals(2, g.size());
    }

    @Test
    void limitsRefuseBeforeAnythingChanges() throws Exception {
        PushOptions o = PushOptions.defaults().withLimits(0, 2, 10, 5, 3);
        PushBody b = new PushBody(o);
        byte[] text = "a 1\nb 1\nc 1\n".getBytes(StandardCharsets.UTF_8);
        PushBody.LimitException e = assertThrows(PushBody.LimitException.class, () -> new TextParser().parse(text, 0, text.length, b));
        assertTrue(e.getMessage().contains("more than 2 series"), e.getMessage());
        PushBody b2 = new PushBody(o);
        byte[] t2 = "a{x=\"toolong\"} 1\n".getBytes(StandardCharsets.UTF_8);
        e = assertThrows(PushBody.LimitException.class, () -> new TextParser().parse(t2, 0, t2.length, b2));
        assertEquals("line 1: value of label \"x\" is longer than 5 characters (--push.max-label-value-length)", e.getMessage());
    }

    @Test
    void ttlExpiresSilentGroups() throws Exception {
        PushGroups g = groups(PushOptions.defaults().withGroupTtlMs(60_000));
        try {
            g.push(job("old"), true, body("a 1\n"));
            now.addAndGet(50_000);
            g.push(job("young"), true, body("b 1\n"));
            now.addAndGet(20_000);
            assertEquals(1, g.expire());
            assertEquals(List.of("a{job=\"old\"}@0=1", "a{job=\"old\"}@70000=stale"), samples("a"));
            assertEquals(1, g.size());
        } finally {
            g.close();
        }
    }

    @Test
    void stateSurvivesRestartAndDamagedFileIsSetAside() throws Exception {
        Path f = dir.resolve("push-groups.state");
        PushOptions o = PushOptions.defaults().withStateFile(f);
        PushGroups g = groups(o);
        g.push(job("j", "tm", "a b"), true, body("# HELP a help me\n# TYPE a gauge\na{x=\"1\"} 1\nb 2\n"));
        g.close();
        PushGroups g2 = groups(o);
        assertEquals(1, g2.size());
        GroupView v = g2.groups().get(0);
        assertEquals(job("j", "tm", "a b"), v.key());
        assertEquals("help me", v.families().get(0).help());
        // The restored index still guards consistency and staleness.
        assertThrows(PushException.class, () -> g2.push(job("other"), true, body("# TYPE a counter\na 1\n")));
        now.addAndGet(1000);
        g2.delete(job("j", "tm", "a b"));
        assertTrue(samples("b").contains("b{job=\"j\", tm=\"a b\"}@1000=stale"), samples("b").toString());
        g2.close();

        Files.write(f, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
        PushGroups g3 = groups(o);
        assertNotNull(g3.stateWarning());
        assertEquals(0, g3.size());
        assertTrue(Files.list(dir).anyMatch(p -> p.getFileName().toString().startsWith("push-groups.state.damaged-")));
        g3.close();
    }

    @Test
    void backgroundExpiryRunsWithoutBeingAsked() throws Exception {
        PushGroups g = new PushGroups(store, PushOptions.defaults().withGroupTtlMs(300), System::currentTimeMillis);
        try {
            g.push(job("gone"), true, body("a 1\n"));
            long deadline = System.currentTimeMillis() + 5000;
            while (g.size() > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, g.size());
        } finally {
            g.close();
        }
    }

    /** A state file written by version 1 (kept in test resources) still loads. */
    @Test
    void readsTheVersion1Fixture() throws Exception {
        Path f = dir.resolve("push-groups.state");
        try (var in = PushGroupsTest.class.getResourceAsStream("/push/push-groups-v1.state")) {
            if (in == null || Boolean.getBoolean("vigil.regenerate.fixtures")) {
                // Regenerate: mvn ... -Dvigil.regenerate.fixtures=true, then copy the file into src/test/resources/push/.
                PushGroups g = groups(PushOptions.defaults().withStateFile(Path.of("target/push-groups-v1.state")));
                g.push(job("flinkabc", "cluster", "c1"), true, body("# HELP heap Used (scope: taskmanager)\n# TYPE heap gauge\n"
                        + "heap{host=\"\",tm_id=\"t1\",} 4.7092048E7\n# TYPE lat summary\nlat_count{x=\"1\",} 3.0\nlat{x=\"1\",quantile=\"0.5\",} 1.0\n"));
                g.close();
                org.junit.jupiter.api.Assumptions.assumeTrue(in != null, "fixture regenerated into target/");
            }
            Files.copy(in, f);
        }
        PushGroups g = groups(PushOptions.defaults().withStateFile(f));
        try {
            assertEquals(null, g.stateWarning());
            GroupView v = g.groups().get(0);
            assertEquals(job("flinkabc", "cluster", "c1"), v.key());
            assertEquals(List.of("heap", "lat"), v.families().stream().map(GroupView.FamilyView::name).toList());
            assertEquals("Used (scope: taskmanager)", v.families().get(0).help());
            assertEquals("summary", v.families().get(1).type());
            assertEquals(Labels.of("__name__", "heap", "tm_id", "t1", "job", "flinkabc", "cluster", "c1"), v.families().get(0).series()[0]);
            assertEquals(4.7092048E7, v.families().get(0).values()[0]);
        } finally {
            g.close();
        }
    }

    @Test
    void goFormatMatchesGo() {
        assertEquals("4.9532584e+07", GoFloat.g(4.9532584E7));
        assertEquals("1.7955915116849055e+09", GoFloat.g(1.7955915116849055e9));
        assertEquals("123456", GoFloat.g(123456));
        assertEquals("0.0001", GoFloat.g(0.0001));
        assertEquals("1e-05", GoFloat.g(0.00001));
        assertEquals("2.5", GoFloat.g(2.5));
        assertEquals("-1", GoFloat.g(-1));
        assertEquals("1e+06", GoFloat.g(1e6));
        assertEquals("2026-11-25T07:25:11.68Z", GoFormat.rfc3339Nano(java.time.Instant.parse("2026-11-25T07:25:11.680Z").toEpochMilli()));
    }
}
