package dev.vigil.ingest.push;

import static dev.vigil.ingest.push.PushGroupsTest.body;
import static dev.vigil.ingest.push.PushGroupsTest.job;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Acknowledged group changes survive a crash: a PushGroups that is never closed (no shutdown
 * checkpoint) is followed by a new one on the same store and state file, as after {@code kill -9}.
 */
class PushGroupJournalTest {
    final MemoryStorage store = new MemoryStorage();
    final AtomicLong now = new AtomicLong(1_700_000_000_000L);
    @TempDir
    Path dir;

    PushGroups open() {
        return new PushGroups(store, PushOptions.defaults().withStateFile(dir.resolve("push-groups.state")), now::get);
    }

    static List<String> keys(PushGroups g) {
        return g.groups().stream().map(v -> v.key().toString()).toList();
    }

    static List<String> series(PushGroups g, Labels key) {
        return g.groups().stream().filter(v -> v.key().equals(key))
                .flatMap(v -> v.families().stream().flatMap(f -> Stream.of(f.series()))).map(Labels::toString).toList();
    }

    @Test
    void changesAfterTheLastCheckpointSurviveACrash() throws Exception {
        PushGroups g = open();
        g.push(job("a"), true, body("m{x=\"1\"} 1\nm{x=\"2\"} 2\n"));
        g.push(job("b"), true, body("m{x=\"1\"} 1\nm{x=\"2\"} 2\n"));
        g.save(); // a checkpoint holds a and b
        now.addAndGet(1000);
        assertEquals(true, g.delete(job("a")));
        g.push(job("b"), true, body("m{x=\"2\"} 3\n")); // drops m{x="1"}
        g.push(job("c"), false, body("n 1\n"));
        // crash: g is never closed
        PushGroups g2 = open();
        try {
            assertNull(g2.stateWarning());
            assertEquals(List.of("{job=\"b\"}", "{job=\"c\"}"), keys(g2));
            assertEquals(List.of("m{job=\"b\", x=\"2\"}"), series(g2, job("b")));
            // A second crash right after start, before any checkpoint: still the same.
            PushGroups g3 = open();
            assertEquals(keys(g2), keys(g3));
            g3.close();
        } finally {
            g2.close();
        }
    }

    @Test
    void pushTimesOfValueOnlyPushesAreCaughtUpFromTheStore() throws Exception {
        PushGroups g = open();
        g.push(job("a"), true, body("m 1\n"));
        g.save();
        now.addAndGet(5000);
        g.push(job("a"), true, body("m 2\n")); // same series: not logged, only in the store
        PushGroups g2 = open();
        try {
            assertEquals((1_700_000_000_000L + 5000) / 1000.0, g2.groups().get(0).pushTimeSeconds());
            assertEquals(1_700_000_000_000L + 5000, g2.groups().get(0).lastPushMs());
        } finally {
            g2.close();
        }
    }

    @Test
    void aTornJournalTailIsDroppedAndTheRestKept() throws Exception {
        PushGroups g = open();
        g.push(job("a"), true, body("m 1\n"));
        g.push(job("b"), true, body("m 1\n"));
        try (Stream<Path> s = Files.list(dir)) {
            Path seg = s.filter(p -> p.getFileName().toString().startsWith("push-groups.state.journal.")).sorted().reduce((x, y) -> y).orElseThrow();
            Files.write(seg, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 1, 9}, StandardOpenOption.APPEND);
        }
        PushGroups g2 = open();
        try {
            assertNull(g2.stateWarning());
            assertEquals(List.of("{job=\"a\"}", "{job=\"b\"}"), keys(g2));
        } finally {
            g2.close();
        }
    }

    @Test
    void aGroupTheStoreSaysWasRemovedIsNotRestored() throws Exception {
        PushGroups g = open();
        g.push(job("a"), true, body("m 1\n"));
        g.push(job("b"), true, body("m 1\n"));
        // A DELETE whose staleness markers were committed but whose log record a crash cut short.
        Appender ap = store.appender();
        ap.append(0, Labels.of("__name__", "push_time_seconds", "job", "a"), now.get() + 10, Values.STALE_NAN);
        ap.commit();
        PushGroups g2 = open();
        try {
            assertEquals(List.of("{job=\"b\"}"), keys(g2));
        } finally {
            g2.close();
        }
    }

    /** A store whose commits fail while {@code failing} is set. */
    static final class FailingStore implements dev.vigil.tsdb.Storage {
        final MemoryStorage inner;
        volatile boolean failing;

        FailingStore(MemoryStorage inner) {
            this.inner = inner;
        }

        @Override
        public Appender appender() {
            Appender a = inner.appender();
            return new Appender() {
                @Override
                public long append(long ref, Labels labels, long t, double v) {
                    return a.append(ref, labels, t, v);
                }

                @Override
                public void metadata(String family, dev.vigil.tsdb.Metadata m) {
                    a.metadata(family, m);
                }

                @Override
                public void commit() throws java.io.IOException {
                    if (failing) {
                        a.rollback();
                        throw new java.io.IOException("disk full");
                    }
                    a.commit();
                }

                @Override
                public void rollback() {
                    a.rollback();
                }
            };
        }

        @Override
        public dev.vigil.tsdb.Querier querier(long mint, long maxt) {
            return inner.querier(mint, maxt);
        }

        @Override
        public java.util.Map<String, dev.vigil.tsdb.Metadata> metadata() {
            return inner.metadata();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aLoggedPushWhoseCommitFailedIsNotRedoneAtStart() throws Exception {
        FailingStore failing = new FailingStore(store);
        PushGroups g = new PushGroups(failing, PushOptions.defaults().withStateFile(dir.resolve("push-groups.state")), now::get);
        g.push(job("a"), true, body("m{x=\"1\"} 1\n"));
        now.addAndGet(1000);
        failing.failing = true;
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> g.push(job("a"), true, body("m{x=\"2\"} 2\n")));
        org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class, () -> g.push(job("new"), true, body("n 1\n")));
        failing.failing = false;
        // crash: the refused pushes were logged before their commits; what was logged after them wins
        PushGroups g2 = open();
        try {
            assertEquals(List.of("{job=\"a\"}"), keys(g2));
            assertEquals(List.of("m{job=\"a\", x=\"1\"}"), series(g2, job("a")));
        } finally {
            g2.close();
        }
    }
}
