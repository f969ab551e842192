package dev.vigil.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.MainAccess;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil tsdb create-blocks-from openmetrics}: a file becomes 2 h blocks a real {@code Db} then serves. */
class CreateBlocksCommandTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);

    @TempDir
    Path dir;
    private ByteArrayOutputStream out;
    private ByteArrayOutputStream err;

    private int run(String... args) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        return MainAccess.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    /** 5 h at 60 s for two series, series after series (as an export writes them). */
    private Path file() throws Exception {
        return file(T0, T0 + 5 * H);
    }

    private Path file(long from, long to) throws Exception {
        StringBuilder sb = new StringBuilder("# TYPE flink_records counter\n");
        for (String tm : List.of("tm0", "tm1")) {
            for (long t = from; t < to; t += 60_000) {
                sb.append("flink_records_total{tm=\"").append(tm).append("\"} ").append((t - T0) / 1000).append(' ')
                        .append(t / 1000).append('\n');
            }
        }
        sb.append("# EOF\n");
        Path f = dir.resolve("in.om");
        Files.writeString(f, sb);
        return f;
    }

    @Test
    void aFileBecomesBlocksThatTheStoreServes() throws Exception {
        Path data = dir.resolve("data");
        assertEquals(0, run("tsdb", "create-blocks-from", "openmetrics", file().toString(), data.toString()), err.toString());
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length, "a header and three 2 h blocks: " + out);
        assertTrue(lines[1].contains(" " + T0 + " "), lines[1]);
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("imported 600 samples into 3 blocks"), err.toString());

        try (Db db = Db.open(DbOptions.builder(data).seriesRegistry(false).headSnapshot(false).clock(() -> T0 + 5 * H).build());
                Querier q = db.querier(T0, T0 + 5 * H)) {
            SeriesSet set = q.select(true, new SelectHints(T0, T0 + 5 * H, 0, 0, null), Matcher.eq("tm", "tm1"));
            assertTrue(set.next());
            assertEquals("flink_records_total{tm=\"tm1\"}", set.at().labels().toString());
            List<Long> ts = new ArrayList<>();
            SampleIterator it = set.at().iterator(null);
            while (it.next()) {
                assertEquals((it.t() - T0) / 1000.0, it.v());
                ts.add(it.t());
            }
            assertEquals(300, ts.size());
            assertEquals(T0 + 5 * H - 60_000, ts.get(ts.size() - 1));
            assertFalse(set.next());
        }
    }

    @Test
    void backfillReachingTheHeadIsRefusedAndOlderDataIsServedBesideTheStoresOwn() throws Exception {
        Path data = dir.resolve("data");
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(T0);
        DbOptions o = DbOptions.builder(data).seriesRegistry(false).headSnapshot(false).clock(now::get).build();
        try (Db db = Db.open(o)) {
            // The store's own data, 5 h: maintenance cuts [T0, T0+2h) into a block, the rest stays in the head.
            for (long t = T0; t < T0 + 5 * H; t += 600_000) {
                var a = db.appender();
                a.append(0, dev.vigil.tsdb.Labels.of("__name__", "flink_records_total", "tm", "tm0"), t, (t - T0) / 1000.0);
                a.append(0, dev.vigil.tsdb.Labels.of("__name__", "own"), t, 7);
                a.commit();
                now.set(t);
            }
            db.runMaintenance();
        }
        // Blocks reaching into the head's time would make the next start drop the head's samples there.
        assertEquals(1, run("tsdb", "create-blocks-from", "openmetrics", file().toString(), data.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("the store's head holds samples from 2023-11-15 00:00:00 +0000 UTC"),
                err.toString(StandardCharsets.UTF_8));
        assertEquals(1, blocks(data), "nothing written");

        // Data up to the head's start goes in, and is served with the store's own.
        assertEquals(0, run("tsdb", "create-blocks-from", "openmetrics", file(T0 - 4 * H, T0 + 2 * H).toString(),
                data.toString()), err.toString(StandardCharsets.UTF_8));
        assertEquals(4, blocks(data));
        try (Db db = Db.open(o)) {
            db.runMaintenance();
            try (Querier q = db.querier(T0 - 4 * H, T0 + 5 * H)) {
                SeriesSet set = q.select(true, new SelectHints(T0 - 4 * H, T0 + 5 * H, 0, 0, null),
                        Matcher.of(Matcher.Type.RE, "__name__", ".+"));
                List<String> seen = new ArrayList<>();
                while (set.next()) {
                    int n = 0;
                    SampleIterator it = set.at().iterator(null);
                    while (it.next()) {
                        n++;
                    }
                    seen.add(set.at().labels() + " " + n);
                }
                // tm0: 360 from the file, and the store's 18 after T0+2h; the 12 before it collide with the file's.
                assertEquals(List.of("flink_records_total{tm=\"tm0\"} 378", "flink_records_total{tm=\"tm1\"} 360", "own{} 30"), seen);
            }
        }
    }

    /**
     * The real promtool 2.42 backfills the same file into Prometheus blocks and dumps them: Vigil's backfill and
     * dump print the same lines (promtool walks block by block, Vigil series by series: compared sorted).
     */
    @Test
    void backfillAndDumpPrintWhatPromtoolPrints() throws Exception {
        Path promtool = dev.vigil.tsdb.testing.References.require("promtool");
        StringBuilder sb = new StringBuilder("# TYPE odd gauge\n");
        double[] values = {0, 0.1, -2.5, 1e7, 123456, 1234567, 1e-5, 0.0001, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 3.14159265358979, 1e300};
        for (int i = 0; i < values.length; i++) {
            String v = Double.isNaN(values[i]) ? "NaN" : Double.isInfinite(values[i]) ? (values[i] > 0 ? "+Inf" : "-Inf")
                    : Double.toString(values[i]);
            long t = T0 / 1000 + i * 1800L;
            sb.append("odd{path=\"C:\\\\dir\",quote=\"say \\\"hi\\\"\"} ").append(v).append(' ').append(t).append('\n');
            sb.append("odd{path=\"b\"} ").append(v).append(' ').append(t + 7).append(".5\n");
        }
        sb.append("# EOF\n");
        Path f = dir.resolve("odd.om");
        Files.writeString(f, sb);

        Path pdata = dir.resolve("prometheus");
        Process p = new ProcessBuilder(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", f.toString(),
                pdata.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, p.waitFor());
        // promtool's dump opens the folder as a database, which needs a WAL folder.
        Files.createDirectories(pdata.resolve("wal"));
        Path dumped = dir.resolve("promtool.dump");
        p = new ProcessBuilder(promtool.toString(), "tsdb", "dump", pdata.toString()).redirectOutput(dumped.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, p.waitFor());
        List<String> want = new ArrayList<>(Files.readAllLines(dumped));
        want.sort(null);

        Path data = dir.resolve("data");
        assertEquals(0, run("tsdb", "create-blocks-from", "openmetrics", f.toString(), data.toString()), err.toString());
        assertEquals(0, run("tsdb", "dump", data.toString()), err.toString());
        List<String> got = new ArrayList<>(List.of(out.toString(StandardCharsets.UTF_8).split("\n")));
        got.sort(null);
        assertEquals(2 * values.length, want.size(), want::toString);
        assertEquals(want, got);
    }

    /**
     * promtool's analyze and Vigil's on one block of the same data spanning exactly one 2 h window (so both blocks
     * have the same range and churn counts agree): the same figures in every section, ties in any order.
     */
    @Test
    void analyzeFindsWhatPromtoolFinds() throws Exception {
        Path promtool = dev.vigil.tsdb.testing.References.require("promtool");
        StringBuilder sb = new StringBuilder();
        for (long t = T0; t < T0 + 2 * H; t += 60_000) {
            sb.append("full{job=\"steady\",instance=\"host:9249\"} 1 ").append(t / 1000).append('\n');
        }
        sb.append("full{job=\"steady\",instance=\"host:9249\"} 1 ").append((T0 + 2 * H - 1) / 1000.0).append('\n');
        for (int i = 0; i < 7; i++) {
            for (long t = T0 + i * 600_000L; t < T0 + i * 600_000L + 300_000; t += 60_000) {
                sb.append("short{job=\"churn\",task=\"t").append(i).append("\"} 2 ").append(t / 1000).append('\n');
            }
        }
        sb.append("# EOF\n");
        Path f = dir.resolve("churn.om");
        Files.writeString(f, sb);
        Path pdata = dir.resolve("prometheus");
        Process p = new ProcessBuilder(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", f.toString(),
                pdata.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, p.waitFor());
        Files.createDirectories(pdata.resolve("wal"));
        Path analyzed = dir.resolve("promtool.analyze");
        p = new ProcessBuilder(promtool.toString(), "tsdb", "analyze", pdata.toString()).redirectOutput(analyzed.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, p.waitFor());
        String want = Files.readString(analyzed);
        assertTrue(want.contains("Duration: 2h0m0s\n"), want);

        Path data = dir.resolve("data");
        assertEquals(0, run("tsdb", "create-blocks-from", "openmetrics", f.toString(), data.toString()), err.toString());
        assertEquals(0, run("tsdb", "analyze", data.toString()), err.toString());
        String got = out.toString(StandardCharsets.UTF_8);
        assertEquals(sections(want), sections(got), "promtool:\n" + want + "\nvigil:\n" + got);
        assertTrue(got.contains("\nLabel pairs most involved in churning:\n6 __name__=short\n6 job=churn\n0 "), got);
    }

    /** Each section's lines as a set (ties come in any order), the block ID left out. */
    private static List<java.util.Set<String>> sections(String analyze) {
        List<java.util.Set<String>> out = new ArrayList<>();
        for (String section : analyze.split("\n\n")) {
            java.util.Set<String> lines = new java.util.TreeSet<>(List.of(section.split("\n")));
            lines.removeIf(l -> l.startsWith("Block ID: "));
            out.add(lines);
        }
        return out;
    }

    @Test
    void aFolderARunningStoreHoldsIsRefused() throws Exception {
        Path data = dir.resolve("data");
        Path f = file();
        try (Db db = Db.open(DbOptions.builder(data).seriesRegistry(false).headSnapshot(false).build())) {
            assertEquals(1, run("tsdb", "create-blocks-from", "openmetrics", f.toString(), data.toString()));
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("is in use by a running Vigil"), err.toString());
        }
        assertEquals(0, blocks(data));
    }

    @Test
    void aBadFileWritesNothing() throws Exception {
        Path data = dir.resolve("data");
        Path f = dir.resolve("bad.om");
        Files.writeString(f, "up 1 1700000000\nup{ 2 1700000060\n# EOF\n");
        assertEquals(1, run("tsdb", "create-blocks-from", "openmetrics", f.toString(), data.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("line 2"), err.toString());
        Files.writeString(f, "up 1 1700000000\nup 2\n# EOF\n");
        assertEquals(1, run("tsdb", "create-blocks-from", "openmetrics", f.toString(), data.toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("without a timestamp"), err.toString());
        assertFalse(Files.exists(data) && blocks(data) > 0);

        assertEquals(0, run("tsdb", "create-blocks-from", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: vigil tsdb create-blocks-from openmetrics"));
        assertEquals(1, run("tsdb", "create-blocks-from", "openmetrics", f.toString(), "--max-block-duration=3h"));
    }

    private static long blocks(Path data) throws Exception {
        try (Stream<Path> s = Files.list(data)) {
            return s.filter(p -> Files.exists(p.resolve("meta.json"))).count();
        }
    }
}
