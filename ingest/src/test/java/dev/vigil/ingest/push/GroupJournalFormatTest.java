package dev.vigil.ingest.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal segment written byte for byte from docs/format/push-groups.md (not by the code under
 * test) is read back: two pushes and a removal; the last push, missing from the store, is
 * written again at its own time.
 */
class GroupJournalFormatTest {
    @TempDir
    Path dir;

    static void str(DataOutputStream o, String s) throws Exception {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        o.write(0); // a new string (one frame's strings are all new here)
        o.write(b.length);
        o.write(b);
    }

    static void labels(DataOutputStream o, String... kv) throws Exception {
        o.write(kv.length / 2);
        for (String s : kv) {
            str(o, s);
        }
    }

    /** A type 1 record: group {job=j} with family m (gauge, no help) holding one series m{x="1"} = v, nothing leaving. */
    static byte[] group(String job, long tMs, double v) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(b);
        o.write(1);
        labels(o, "job", job);
        o.writeDouble(tMs / 1000.0); // push_time
        o.writeDouble(0); // failure_time
        o.writeLong(tMs); // push_stamp_ms
        o.writeLong(tMs); // failure_stamp_ms
        o.writeLong(tMs); // last_push_ms
        o.writeInt(1); // families
        str(o, "m");
        str(o, "gauge");
        o.write(0); // no help
        o.writeLong(tMs);
        o.writeInt(1);
        labels(o, "__name__", "m", "x", "1"); // as pushed: the name, not the grouping labels
        o.writeDouble(v);
        o.write(0); // leaving: none
        return b.toByteArray();
    }

    static byte[] delete(String job) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream o = new DataOutputStream(b);
        o.write(2);
        labels(o, "job", job);
        return b.toByteArray();
    }

    static void frame(ByteArrayOutputStream seg, byte[] typeAndPayload) {
        CRC32C c = new CRC32C();
        c.update(typeAndPayload);
        seg.writeBytes(ByteBuffer.allocate(8).putInt(typeAndPayload.length).putInt((int) c.getValue()).array());
        seg.writeBytes(typeAndPayload);
    }

    @Test
    void aSegmentWrittenFromTheSpecIsRead() throws Exception {
        long t = 1_700_000_000_000L;
        ByteArrayOutputStream seg = new ByteArrayOutputStream();
        seg.writeBytes(ByteBuffer.allocate(8).putInt(0x5650474a).putInt(1).array());
        frame(seg, group("a", t, 1));
        frame(seg, group("b", t + 5, 2.5));
        frame(seg, delete("a"));
        Files.write(dir.resolve("push-groups.state.journal.00000007"), seg.toByteArray());

        MemoryStorage store = new MemoryStorage();
        PushGroups g = new PushGroups(store, PushOptions.defaults().withStateFile(dir.resolve("push-groups.state")), () -> t + 10_000);
        try {
            assertNull(g.stateWarning());
            List<GroupView> groups = g.groups();
            assertEquals(1, groups.size());
            assertEquals(Labels.of("job", "b"), groups.get(0).key());
            assertEquals(Labels.of("__name__", "m", "job", "b", "x", "1"), groups.get(0).families().get(0).series()[0]);
            assertEquals((t + 5) / 1000.0, groups.get(0).pushTimeSeconds());
            // The store had nothing of b's push: written again at the push's own time.
            try (Querier q = store.querier(0, Long.MAX_VALUE)) {
                SeriesSet s = q.select(false, null, Matcher.eq("__name__", "m"), Matcher.eq("job", "b"));
                assertTrue(s.next());
                SampleIterator it = s.at().iterator(null);
                assertTrue(it.next());
                assertEquals(t + 5, it.t());
                assertEquals(2.5, it.v());
            }
            assertTrue(Files.exists(dir.resolve("push-groups.state.journal.00000008")), "writes go to a new segment");
        } finally {
            g.close();
        }
    }
}
