package dev.vigil.tsdb.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.wal.Wal;
import dev.vigil.tsdb.wal.WalRecords;
import dev.vigil.tsdb.wal.WalTail;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WAL follower (what remote write reads) sees every committed sample exactly once across a
 * WAL checkpoint and a restart that resumes from its saved position: the checkpoint's copies are
 * skipped and the segments it still needs are not deleted. Past the hold bound they are, and the
 * follower resumes at the oldest segment, checkpoint samples included, and counts a gap.
 */
class WalTailTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
    static final int SERIES = 20;

    @TempDir
    Path dir;

    @Test
    void everySampleOnceAcrossCheckpointAndRestart() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        DbOptions o = DbOptions.builder(dir).seriesRegistry(false).headSnapshot(false).clock(now::get)
                .walSegmentBytes(64 * 1024).build();
        Map<String, List<Long>> got = new TreeMap<>();
        long t = T0;
        try (Db db = Db.open(o)) {
            WalTail tail = db.tailWal("t");
            Collector c = new Collector(got);
            for (; t < T0 + H; t += 10_000) {
                commit(db, t, now);
            }
            drain(tail, c);
            db.saveTailPosition("t", tail, tail.position());
            int saved = tail.position().segment();
            tail.close();
            for (; t < T0 + 3 * H + H / 2; t += 10_000) {
                commit(db, t, now);
            }
            db.runMaintenance(); // cuts a block and checkpoints the WAL
            assertTrue(db.headCuts() > 0, "the test needs a checkpoint");
            assertTrue(Wal.segments(o.io(), dir.resolve("wal")).contains(saved),
                    "segment " + saved + " was deleted though the follower needs it");
        }
        try (Db db = Db.open(o)) {
            try (WalTail tail = db.tailWal("t")) {
                drain(tail, new Collector(got));
                assertEquals(0, tail.gaps());
            }
        }
        assertEveryCommitOnce(got, t);
    }

    @Test
    void beyondTheHoldBoundTheFollowerResumesAtTheOldestSegment() throws Exception {
        AtomicLong now = new AtomicLong(T0);
        DbOptions o = DbOptions.builder(dir).seriesRegistry(false).headSnapshot(false).clock(now::get)
                .walSegmentBytes(64 * 1024).build();
        long t = T0;
        try (Db db = Db.open(o)) {
            WalTail tail = db.tailWal("t");
            db.saveTailPosition("t", tail, tail.position());
            tail.close();
            db.walHoldBytes(0);
            for (; t < T0 + 3 * H + H / 2; t += 10_000) {
                commit(db, t, now);
            }
            db.runMaintenance();
        }
        Map<String, List<Long>> got = new TreeMap<>();
        try (Db db = Db.open(o); WalTail tail = db.tailWal("t")) {
            drain(tail, new Collector(got));
            assertEquals(1, tail.gaps());
        }
        // What the checkpoint holds (the head after the cut) and everything after it arrives.
        for (List<Long> ts : got.values()) {
            assertEquals(t - 10_000, (long) ts.get(ts.size() - 1));
            assertTrue(ts.get(0) <= T0 + 2 * H, "starts at " + (ts.get(0) - T0));
        }
        assertEquals(SERIES, got.size());
    }

    private static void assertEveryCommitOnce(Map<String, List<Long>> got, long end) {
        assertEquals(SERIES, got.size(), got.keySet().toString());
        List<Long> want = new ArrayList<>();
        for (long t = T0; t < end; t += 10_000) {
            want.add(t);
        }
        for (Map.Entry<String, List<Long>> e : got.entrySet()) {
            List<Long> ts = e.getValue();
            // Not the lists themselves: a failure would print thousands of timestamps.
            assertEquals(want.size(), ts.size(), e.getKey() + " from " + (ts.get(0) - T0) + " ms");
            assertTrue(want.equals(ts), e.getKey() + ": not every commit once, in order");
        }
    }

    private static void drain(WalTail tail, Collector c) throws Exception {
        while (tail.poll(c, 1 << 20) > 0) {
            // keep reading
        }
    }

    private static void commit(Db db, long t, AtomicLong now) throws Exception {
        now.set(t);
        Appender a = db.appender();
        for (int s = 0; s < SERIES; s++) {
            a.append(0, Labels.of("__name__", "m", "s", Integer.toString(s)), t, s);
        }
        a.commit();
    }

    /** Collects samples per series, in the order delivered. */
    private record Collector(Map<String, List<Long>> got, Map<Long, String> refs) implements WalRecords.Handler {
        Collector(Map<String, List<Long>> got) {
            this(got, new HashMap<>());
        }

        @Override
        public void series(long ref, Labels labels) {
            refs.put(ref, labels.toString());
        }

        @Override
        public void samples(long[] r, long[] ts, long[] bits, int n) {
            for (int i = 0; i < n; i++) {
                String l = refs.get(r[i]);
                if (l == null) {
                    throw new AssertionError("sample of unknown ref " + r[i]);
                }
                got.computeIfAbsent(l, k -> new ArrayList<>()).add(ts[i]);
            }
        }

        @Override
        public void metadata(String family, Metadata m) {
        }
    }
}
