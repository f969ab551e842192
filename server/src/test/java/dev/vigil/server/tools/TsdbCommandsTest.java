package dev.vigil.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.MainAccess;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code vigil tsdb list|analyze|dump} over a folder a real {@code Db} wrote: blocks and a head. */
class TsdbCommandsTest {
    static final long H = 3_600_000L;
    static final long T0 = 1_700_000_000_000L / (2 * H) * (2 * H);
    static final long STEP = 60_000;

    @TempDir
    Path dir;
    private ByteArrayOutputStream out;
    private ByteArrayOutputStream err;
    private final AtomicLong now = new AtomicLong(T0);

    @BeforeEach
    void fill() throws Exception {
        // 5 h at 60 s: maintenance cuts [T0, T0+2h) into a block, the rest stays in the head.
        // "job=churn" lives only for the block's first half hour; "job=flink" for all of it.
        try (Db db = open()) {
            for (long t = T0; t < T0 + 5 * H; t += STEP) {
                Appender a = db.appender();
                for (int tm = 0; tm < 3; tm++) {
                    a.append(0, Labels.of("__name__", "flink_heap", "job", "flink", "tm", "tm" + tm), t, t - T0 + tm + 0.5);
                }
                a.append(0, Labels.of("__name__", "up", "job", "flink", "instance", "a"), t, 1);
                if (t < T0 + H / 2) {
                    a.append(0, Labels.of("__name__", "up", "job", "churn", "instance", "b"), t, 1e7);
                }
                a.commit();
                now.set(t);
            }
            db.runMaintenance();
        }
    }

    private Db open() throws Exception {
        return Db.open(DbOptions.builder(dir).seriesRegistry(false).headSnapshot(false).clock(now::get).build());
    }

    private int run(String... args) {
        out = new ByteArrayOutputStream();
        err = new ByteArrayOutputStream();
        return MainAccess.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private BlockMeta onlyBlock() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> metas = s.filter(p -> Files.exists(p.resolve("meta.json"))).toList();
            assertEquals(1, metas.size(), "one block was cut: " + metas);
            return BlockMeta.fromJson(Files.readAllBytes(metas.get(0).resolve("meta.json")));
        }
    }

    @Test
    void listShowsEachBlockWithPromtoolsColumns() throws Exception {
        BlockMeta m = onlyBlock();
        assertEquals(0, run("tsdb", "list", dir.toString()), err());
        String[] lines = out().split("\n");
        assertEquals(2, lines.length, out());
        assertEquals(List.of("BLOCK", "ULID", "MIN", "TIME", "MAX", "TIME", "DURATION", "NUM", "SAMPLES", "NUM", "CHUNKS",
                "NUM", "SERIES", "SIZE"), List.of(lines[0].trim().split("\\s+")));
        String[] row = lines[1].trim().split("\\s+");
        assertEquals(m.ulid(), row[0]);
        assertEquals(Long.toString(T0), row[1]);
        assertEquals(Long.toString(m.maxTime()), row[2]);
        assertEquals("2h0m0s", row[3]);
        // 4 series for 120 minutes and the churning one for 30.
        assertEquals("510", row[4]);
        assertEquals("5", row[6]);
        assertTrue(Long.parseLong(row[7]) > 0);

        assertEquals(0, run("tsdb", "list", "--human-readable", dir.toString()), err());
        assertTrue(out().contains("2023-11-14 22:00:00 +0000 UTC  2023-11-15 00:00:00 +0000 UTC  2h0m0s"), out());
        assertTrue(out().endsWith("  " + dev.vigil.tsdb.tools.GoFormat.bytes(Long.parseLong(row[7])) + "\n"), out());
    }

    @Test
    void dumpPrintsTheBlocksSamplesInPromtoolsFormat() throws Exception {
        assertEquals(0, run("tsdb", "dump", "--match", "up{job=\"churn\"}", dir.toString()), err());
        String[] lines = out().split("\n");
        assertEquals(30, lines.length, out());
        assertEquals("{__name__=\"up\", instance=\"b\", job=\"churn\"} 1e+07 " + T0, lines[0]);

        assertEquals(0, run("tsdb", "dump", "--min-time=" + (T0 + 10 * STEP), "--max-time=" + (T0 + 11 * STEP),
                "--match={__name__=\"flink_heap\",tm=\"tm1\"}", dir.toString()), err());
        assertEquals("{__name__=\"flink_heap\", job=\"flink\", tm=\"tm1\"} 600001.5 " + (T0 + 10 * STEP) + "\n"
                + "{__name__=\"flink_heap\", job=\"flink\", tm=\"tm1\"} 660001.5 " + (T0 + 11 * STEP) + "\n", out());

        // The head's samples come too, and each sample once.
        assertEquals(0, run("tsdb", "dump", "--match=up{job=\"flink\"}", dir.toString()), err());
        lines = out().split("\n");
        assertEquals(300, lines.length, "5 h at 60 s");
        for (int i = 0; i < lines.length; i++) {
            assertEquals("{__name__=\"up\", instance=\"a\", job=\"flink\"} 1 " + (T0 + i * STEP), lines[i]);
        }

        assertEquals(1, run("tsdb", "dump", "--match", "rate(up[5m])", dir.toString()));
        assertTrue(err().contains("not a series selector"), err());
    }

    @Test
    void analyzeReportsCardinalityAndChurn() throws Exception {
        assertEquals(0, run("tsdb", "analyze", dir.toString()), err());
        String o = out();
        assertTrue(o.startsWith("Block ID: " + onlyBlock().ulid() + "\nDuration: 2h0m0s\nSeries: 5\n"), o);
        // The churning series covers 29 of the block's 120 minutes: 0.76 of a block, 0 in whole blocks, as promtool
        // counts; the four others each leave 1 minute (after the last sample) uncovered.
        assertTrue(o.contains("\nLabel pairs most involved in churning:\n0 __name__=flink_heap\n"), o);
        assertTrue(o.contains("\nHighest cardinality labels:\n3 tm\n2 __name__\n2 instance\n2 job\n"), o);
        assertTrue(o.contains("\nHighest cardinality metric names:\n3 flink_heap\n2 up\n"), o);
        assertTrue(o.contains("\nMost common label pairs:\n4 job=flink\n3 __name__=flink_heap\n"), o);

        assertEquals(0, run("tsdb", "analyze", "--limit=1", dir.toString()), err());
        assertTrue(out().contains("\nHighest cardinality labels:\n3 tm\n\n"), out());
        assertEquals(1, run("tsdb", "analyze", dir.toString(), "01ARZ3NDEKTSV4RRFFQ69G5FAV"));
        assertTrue(err().contains("not found"), err());
    }

    @Test
    void aFolderARunningStoreHoldsIsRefused() throws Exception {
        try (Db db = open()) {
            for (String sub : List.of("list", "analyze", "dump")) {
                assertEquals(1, run("tsdb", sub, dir.toString()), sub);
                assertTrue(err().contains("is in use by a running Vigil"), err());
                assertEquals("", out());
            }
        }
        assertEquals(0, run("tsdb", "list", dir.toString()), "free again once the store closed: " + err());
    }

    @Test
    void aFolderAnotherProcessHoldsIsRefused() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), HoldStore.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            String first = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream())).readLine();
            assertEquals("ready", first);
            assertEquals(1, run("tsdb", "dump", dir.toString()));
            assertTrue(err().contains("is in use by a running Vigil"), err());
            assertEquals(1, run("tsdb", "create-blocks-from", "openmetrics", Files.writeString(dir.resolve("x.om"),
                    "up 1 1700000000\n# EOF\n").toString(), dir.toString()));
            assertTrue(err().contains("is in use by a running Vigil"), err());
        } finally {
            p.getOutputStream().close();
            p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            p.destroy();
        }
        assertEquals(0, run("tsdb", "list", dir.toString()), "free once the other process ended: " + err());
    }

    @Test
    void theToolsChangeNothingInTheFolder() throws Exception {
        Map<String, String> before = tree();
        run("tsdb", "list", dir.toString());
        run("tsdb", "analyze", dir.toString());
        run("tsdb", "dump", dir.toString());
        assertEquals(before, tree());
    }

    private Map<String, String> tree() throws Exception {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                m.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "dir"
                        : Files.size(p) + "@" + Files.getLastModifiedTime(p).toMillis());
            }
        }
        return m;
    }

    @Test
    void eachSubcommandHasHelpAndBadLinesExitOne() {
        assertEquals(0, run("tsdb", "list", "--help"));
        assertTrue(out().startsWith("usage: vigil tsdb list"), out());
        assertEquals(0, run("tsdb", "analyze", "-h"));
        assertTrue(out().startsWith("usage: vigil tsdb analyze") && out().contains("--limit"), out());
        assertEquals(0, run("tsdb", "dump", "--help"));
        assertTrue(out().startsWith("usage: vigil tsdb dump") && out().contains("--match"), out());
        assertEquals(0, run("check", "config", "--help"));
        assertTrue(out().startsWith("usage: vigil check config"), out());
        assertEquals(1, run("tsdb"));
        assertEquals(1, run("tsdb", "frobnicate"));
        assertEquals(1, run("tsdb", "list", "--bogus", dir.toString()));
        assertEquals(1, run("tsdb", "list", dir.resolve("nope").toString()));
        assertTrue(err().contains("does not exist"), err());
    }
}
