package dev.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `backfill --openmetrics DIR --part-hours`: the parts hold exactly the samples of one file, each part valid OpenMetrics. */
class BackfillPartsTest {
    private static final String[] COMMON = {"backfill", "-n", "1", "--slots", "1", "--restart-every", "PT0S", "--hours", "3",
        "--interval", "PT60S", "--end", "1700012400"};

    private static int run(String... extra) {
        String[] args = Stream.concat(Stream.of(COMMON), Stream.of(extra)).toArray(String[]::new);
        return new CommandLine(new Main()).execute(args);
    }

    private static List<String> samples(Path file) throws IOException {
        List<String> out = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            if (!l.startsWith("#")) {
                out.add(l);
            }
        }
        out.sort(null);
        return out;
    }

    @Test
    void partsTogetherHoldTheSamplesOfOneFileAndResumeSkipsWhatWasDone(@TempDir Path dir) throws IOException {
        assertEquals(0, run("--openmetrics", dir.resolve("one.om").toString()));
        Path parts = dir.resolve("parts");
        assertEquals(0, run("--openmetrics", parts.toString(), "--part-hours", "1", "--parts-ahead", "10"));
        List<Path> files;
        try (var s = Files.list(parts)) {
            files = s.sorted().toList();
        }
        // 3 h ending 2,400 s past an hour: parts for 4 clock hours, each aligned to the hour.
        assertEquals(4, files.size(), files.toString());
        List<String> all = new ArrayList<>();
        for (Path p : files) {
            String name = p.getFileName().toString();
            assertTrue(name.matches("part-\\d+\\.om") && Long.parseLong(name.replaceAll("\\D", "")) % 3600 == 0, name);
            List<String> lines = Files.readAllLines(p);
            assertEquals("# EOF", lines.get(lines.size() - 1), name);
            all.addAll(samples(p));
        }
        all.sort(null);
        assertEquals(samples(dir.resolve("one.om")), all);

        // Resuming from the third part writes the same third and fourth parts, and nothing before.
        Path resumed = dir.resolve("resumed");
        long third = Long.parseLong(files.get(2).getFileName().toString().replaceAll("\\D", ""));
        assertEquals(0, run("--openmetrics", resumed.toString(), "--part-hours", "1", "--parts-ahead", "10", "--parts-from", Long.toString(third)));
        try (var s = Files.list(resumed)) {
            List<Path> r = s.sorted().toList();
            assertEquals(2, r.size(), r.toString());
            assertEquals(Files.readAllLines(files.get(2)), Files.readAllLines(r.get(0)));
            assertEquals(Files.readAllLines(files.get(3)), Files.readAllLines(r.get(1)));
        }
    }
}
