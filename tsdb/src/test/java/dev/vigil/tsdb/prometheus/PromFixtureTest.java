package dev.vigil.tsdb.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.io.FileIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files the real Prometheus 2.42 wrote (src/test/resources/prometheus-2.42, see its README): a compacted block with a
 * tombstone, and a WAL. They read back as made; changed at random, they read or are refused with a
 * {@link PromFormatException} (or a damaged WAL tail), never anything else.
 */
class PromFixtureTest {
    static final String BLOCK = "01M98FHNS8JW0834ZXRWFGKDBW";
    static final long FIRST = 1796601646000L;
    static final long LAST = 1796623186000L;

    @TempDir
    Path tmp;

    private static Path fixture() throws Exception {
        return Path.of(PromFixtureTest.class.getResource("/prometheus-2.42/data").toURI());
    }

    @Test
    void theCompactedBlockReadsBackWithItsTombstoneApplied() throws Exception {
        PromFolder folder = PromFolder.open(FileIo.DEFAULT, fixture());
        assertEquals(1, folder.blocks().size());
        PromBlock.Meta meta = folder.blocks().get(0);
        assertEquals(BLOCK, meta.ulid());
        assertEquals(2, meta.level());
        PromBlock block = folder.open(FileIo.DEFAULT, meta);
        List<PromIndex.Entry> series = block.series();
        assertEquals(List.of("hist_total{tm=\"tm0\"}", "hist_total{tm=\"tm1\"}", "hist_total{tm=\"tm2\"}"),
                series.stream().map(e -> e.labels().toString()).toList());
        SampleBuffer b = new SampleBuffer();
        List<double[]> values = new ArrayList<>();
        for (PromIndex.Entry e : series) {
            block.read(e, b);
            double[] v = new double[360];
            java.util.Arrays.fill(v, Double.NaN);
            for (int i = 0; i < b.n; i++) {
                assertEquals(0, (b.t[i] - FIRST) % 60_000, "one sample a minute");
                v[(int) ((b.t[i] - FIRST) / 60_000)] = b.v[i];
            }
            assertEquals(FIRST, b.t[0]);
            assertEquals(LAST, b.t[b.n - 1]);
            values.add(v);
        }
        // tm1: the deleted range [1796610000000, 1796615000000] held minutes 140 to 222.
        assertEquals(83, b.deleted);
        for (int m = 0; m < 360; m++) {
            double base = values.get(0)[m];
            assertEquals(values.get(0)[0] + m, base, "tm0 grows by one a minute");
            assertEquals(3 * base, values.get(2)[m], "tm2 is three times tm0");
            if (m >= 140 && m <= 222) {
                assertTrue(Double.isNaN(values.get(1)[m]), "minute " + m + " of tm1 was deleted");
            } else {
                assertEquals(2 * base, values.get(1)[m], "tm1 is twice tm0");
            }
        }
    }

    @Test
    void theWalOfAKilledPrometheusReadsBack() throws Exception {
        PromWal wal = PromWal.read(fixture().resolve("wal"), Long.MIN_VALUE);
        assertNotNull(wal);
        assertEquals(336, wal.series().size());
        SampleBuffer b = new SampleBuffer();
        long samples = 0;
        boolean up = false;
        for (PromIndex.Entry e : wal.series()) {
            wal.read(e, b);
            samples += b.n;
            if (e.labels().equals(Labels.of("__name__", "up", "instance", "127.0.0.1:26002", "job", "self"))) {
                up = true;
                for (int i = 0; i < b.n; i++) {
                    assertEquals(1.0, b.v[i]);
                }
            }
        }
        assertTrue(up, "up of the scrape is there");
        assertEquals(970, samples);
        // Samples older than the newest block's end are dropped, as Prometheus's replay does.
        assertEquals(null, PromWal.read(fixture().resolve("wal"), Long.MAX_VALUE));
    }

    @Test
    void changedFilesAreReadOrRefusedNeverCrashed() throws Exception {
        Random r = new Random(42);
        Path src = fixture();
        List<Path> files;
        try (Stream<Path> s = Files.walk(src)) {
            files = s.filter(Files::isRegularFile).filter(p -> !p.getFileName().toString().equals("meta.json")).toList();
        }
        for (int round = 0; round < 150; round++) {
            Path copy = tmp.resolve("r" + round);
            for (Path f : files) {
                Path to = copy.resolve(src.relativize(f).toString());
                Files.createDirectories(to.getParent());
                Files.copy(f, to);
            }
            Files.copy(src.resolve(BLOCK).resolve("meta.json"), copy.resolve(BLOCK).resolve("meta.json"));
            Path victim = copy.resolve(src.relativize(files.get(r.nextInt(files.size()))).toString());
            byte[] b = Files.readAllBytes(victim);
            int changes = 1 + r.nextInt(4);
            for (int i = 0; i < changes; i++) {
                b[r.nextInt(b.length)] = (byte) r.nextInt(256);
            }
            if (r.nextInt(4) == 0) {
                b = java.util.Arrays.copyOf(b, r.nextInt(b.length));
            }
            Files.write(victim, b);
            try {
                PromFolder folder = PromFolder.open(FileIo.DEFAULT, copy);
                PromBlock block = folder.open(FileIo.DEFAULT, folder.blocks().get(0));
                SampleBuffer buf = new SampleBuffer();
                for (PromIndex.Entry e : block.series()) {
                    block.read(e, buf);
                }
            } catch (PromFormatException e) {
                assertTrue(e.getMessage().contains(copy.toString()), "names the file: " + e.getMessage());
            }
            PromWal wal = PromWal.read(copy.resolve("wal"), Long.MIN_VALUE);
            if (wal != null) {
                SampleBuffer buf = new SampleBuffer();
                for (PromIndex.Entry e : wal.series()) {
                    wal.read(e, buf);
                }
            }
        }
    }
}
