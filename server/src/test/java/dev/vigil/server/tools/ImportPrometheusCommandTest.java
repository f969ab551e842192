package dev.vigil.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.MainAccess;
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

/**
 * {@code vigil tsdb import-prometheus} on blocks the real promtool 2.42 wrote: Vigil's dump of the result prints what
 * promtool's dump of the Prometheus folder prints, and a second run adds nothing.
 */
class ImportPrometheusCommandTest {
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

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** promtool's blocks of 7 h of three series at 15 s, odd values among them, in {@code dir/prom}. */
    private Path promtoolBlocks(Path promtool) throws Exception {
        StringBuilder sb = new StringBuilder("# TYPE flink_gauge gauge\n");
        double[] odd = {0, -2.5, 1e300, Double.NaN, 1e-5, 3.14159265358979, Double.POSITIVE_INFINITY, 123456789};
        for (String tm : List.of("tm0", "tm1", "tm\\\"2\\\\")) {
            int i = 0;
            for (long t = T0 + 15_000; t < T0 + 7 * H; t += 15_000 + (i % 7 == 0 ? 1 : 0)) {
                double v = i % 97 == 0 ? odd[(i / 97) % odd.length] : (t - T0) / 1000.0 * (tm.length());
                String vs = Double.isNaN(v) ? "NaN" : Double.isInfinite(v) ? "+Inf" : Double.toString(v);
                sb.append("flink_gauge{tm=\"").append(tm).append("\",job=\"flink\"} ").append(vs).append(' ')
                        .append(t / 1000).append('.').append(String.format("%03d", t % 1000)).append('\n');
                i++;
            }
        }
        sb.append("# EOF\n");
        Path f = dir.resolve("in.om");
        Files.writeString(f, sb);
        Path prom = dir.resolve("prom");
        Process p = new ProcessBuilder(promtool.toString(), "tsdb", "create-blocks-from", "openmetrics", f.toString(),
                prom.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, p.waitFor());
        return prom;
    }

    private static List<String> promtoolDump(Path promtool, Path prom, Path out) throws Exception {
        Files.createDirectories(prom.resolve("wal"));
        Process p = new ProcessBuilder(promtool.toString(), "tsdb", "dump", prom.toString()).redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        assertEquals(0, p.waitFor());
        List<String> lines = new ArrayList<>(Files.readAllLines(out));
        lines.sort(null);
        return lines;
    }

    private List<String> vigilDump(Path data) {
        assertEquals(0, run("tsdb", "dump", data.toString()), this::err);
        List<String> lines = new ArrayList<>(List.of(out.toString(StandardCharsets.UTF_8).split("\n")));
        lines.sort(null);
        return lines;
    }

    @Test
    void promtoolBlocksComeOverSampleForSampleAndASecondRunAddsNothing() throws Exception {
        Path promtool = dev.vigil.tsdb.testing.References.require("promtool");
        Path prom = promtoolBlocks(promtool);
        List<String> want = promtoolDump(promtool, prom, dir.resolve("promtool.dump"));
        assertTrue(want.size() > 3 * 1600, "promtool dumped " + want.size());
        Files.delete(prom.resolve("wal"));

        Path data = dir.resolve("data");
        assertEquals(0, run("tsdb", "import-prometheus", prom.toString(), data.toString()), this::err);
        String first = err();
        assertTrue(first.contains("importing 4 blocks from"), first);
        assertTrue(first.contains("block 4/4 "), first);
        assertTrue(first.contains("imported " + want.size() + " samples of 3 series from 4 blocks into 4 new blocks"), first);
        assertTrue(first.contains("skipped 0 samples already present"), first);
        assertFalse(first.contains("WAL"), first);
        assertEquals(want, vigilDump(data));

        assertEquals(0, run("tsdb", "import-prometheus", prom.toString(), data.toString()), this::err);
        assertTrue(err().contains("imported 0 samples of 0 series from 4 blocks into 0 new blocks"), err());
        assertTrue(err().contains("skipped " + want.size() + " samples already present\n"), err());
        assertEquals(4, blocks(data), "no block written by the second run");
        assertEquals(want, vigilDump(data));
    }

    @Test
    void aDamagedBlockIsSetAsideAndNamedAndTheOthersComeOver() throws Exception {
        Path promtool = dev.vigil.tsdb.testing.References.require("promtool");
        Path prom = promtoolBlocks(promtool);
        Path seg;
        try (Stream<Path> s = Files.walk(prom)) {
            seg = s.sorted().filter(p -> p.getFileName().toString().equals("000001")).findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(seg);
        b[b.length / 2] ^= 0x10;
        Files.write(seg, b);
        assertEquals(1, run("tsdb", "import-prometheus", prom.toString(), dir.resolve("data").toString()));
        String damaged = seg.getParent().getParent().getFileName().toString();
        assertTrue(err().contains("\ndamaged, not imported: " + damaged + ": " + seg + ": chunk at offset "), err());
        assertTrue(err().contains("checksum mismatch"), err());
        assertTrue(err().contains("from 4 blocks into 3 new blocks"), "the other blocks come over: " + err());
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals(1, run("tsdb", "import-prometheus"));
        assertTrue(err().contains("required argument 'prometheus data folder' not provided"), err());
        assertEquals(1, run("tsdb", "import-prometheus", dir.resolve("nope").toString()));
        assertTrue(err().contains("'" + dir.resolve("nope") + "' does not exist"), err());
        assertEquals(1, run("tsdb", "import-prometheus", "--fast", dir.toString()));
        assertTrue(err().contains("unknown long flag '--fast'"), err());
        assertEquals(0, run("tsdb", "import-prometheus", "--help"));
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("usage: vigil tsdb import-prometheus"));
    }

    private static long blocks(Path data) throws Exception {
        try (Stream<Path> s = Files.list(data)) {
            return s.filter(p -> Files.exists(p.resolve("meta.json"))).count();
        }
    }
}
