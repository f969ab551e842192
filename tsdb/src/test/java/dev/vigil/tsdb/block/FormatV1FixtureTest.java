package dev.vigil.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A block written by format version 1 (tsdb/src/test/resources/block/v1, made by {@link #main})
 * must stay readable by every later reader, with exactly the samples it was written with.
 */
class FormatV1FixtureTest {
    static final long T0 = 1_700_000_000_000L;

    /** The fixture's content: a few series of each kind, plus specials and irregular timestamps. */
    static List<FlinkShapedData.Series> content() {
        List<FlinkShapedData.Series> all = FlinkShapedData.generate(99, 1, T0, 400, 10_000, 4);
        List<FlinkShapedData.Series> out = new ArrayList<>();
        int[] perKind = new int[FlinkShapedData.Kind.values().length];
        for (FlinkShapedData.Series s : all) {
            if (perKind[s.kind().ordinal()]++ < 2) {
                out.add(s);
            }
        }
        SplittableRandom r = new SplittableRandom(5);
        long[] t = new long[300];
        double[] v = new double[300];
        long x = T0;
        for (int i = 0; i < 300; i++) {
            x += 1 + r.nextInt(30_000);
            t[i] = x;
            v[i] = i % 50 == 0 ? Values.STALE_NAN : i % 77 == 0 ? Double.NaN : i * 0.25;
        }
        out.add(new FlinkShapedData.Series(Labels.of("__name__", "zz_specials", "kind", "irregular"), FlinkShapedData.Kind.RATE, t, v));
        out.sort((a, b) -> a.labels().compareTo(b.labels()));
        return out;
    }

    static Path fixtureDir() throws Exception {
        Path root = Path.of(FormatV1FixtureTest.class.getResource("/block/v1").toURI());
        try (Stream<Path> s = Files.list(root)) {
            return s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }

    @Test
    void version1BlockStillReads() throws Exception {
        Block b = Block.open(FileIo.DEFAULT, fixtureDir());
        assertEquals(1, b.meta().version());
        b.verifyChunks();
        List<FlinkShapedData.Series> content = content();
        assertEquals(content.size(), b.meta().stats().numSeries());
        MemoryStorage mem = FlinkShapedData.toStorage(content);
        try (Querier q = b.querier(T0 - 10_000, T0 + 10_000_000); Querier m = mem.querier(T0 - 10_000, T0 + 10_000_000)) {
            QueryAssert.assertSame(m, q, Matcher.of(Matcher.Type.RE, "__name__", ".+"));
        }
    }

    /** Writes the fixture; run once per format version: {@code main(<resources>/block/v1)}. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        FileIo.DEFAULT.deleteTree(out);
        Files.createDirectories(out);
        BlockMeta m = new BlockWriter(FileIo.DEFAULT).segmentSize(8 << 10)
                .writeBlock(out, new ArraySeriesSet(content()), T0 - 10_000, T0 + 10_000_000, 1, List.of());
        System.out.println("wrote " + out.resolve(m.ulid()));
    }
}
