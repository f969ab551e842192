package dev.vigil.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.block.index.ChunkMeta;
import dev.vigil.tsdb.block.index.IndexReader;
import dev.vigil.tsdb.block.index.IndexWriter;
import dev.vigil.tsdb.block.index.PostingsForMatchers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

/** Postings set algebra against a plain scan of every series with {@link Matcher#matches(Labels)}. */
class PostingsTest {
    @TempDir
    Path dir;

    @Test
    void roaringAlgebraEqualsAPlainScan() throws Exception {
        SplittableRandom r = new SplittableRandom(17);
        String[] names = {"__name__", "job", "tm", "task", "rare", "le"};
        TreeSet<Labels> set = new TreeSet<>();
        while (set.size() < 5000) {
            Labels.Builder b = Labels.builder();
            b.set("__name__", "m" + r.nextInt(40));
            for (int i = 1; i < names.length; i++) {
                // Some labels absent (or empty, which is the same), to exercise "" semantics.
                if (r.nextInt(i + 1) != 0) {
                    b.set(names[i], names[i] + r.nextInt(i * 7));
                }
            }
            set.add(b.build());
        }
        List<Labels> series = new ArrayList<>(set);
        List<IndexWriter.Entry> entries = new ArrayList<>();
        for (Labels l : series) {
            entries.add(new IndexWriter.Entry(l, List.of(new ChunkMeta(0, 1, 8, 2))));
        }
        Path file = dir.resolve("index");
        IndexWriter.write(FaultyFileIo.noSync(), file, entries);
        IndexReader index = IndexReader.open(FaultyFileIo.noSync(), file);
        assertEquals(series.size(), index.seriesCount());
        for (int id = 0; id < series.size(); id += 97) {
            assertEquals(series.get(id), index.series(id, new ArrayList<>()));
        }
        for (int round = 0; round < 300; round++) {
            int n = 1 + r.nextInt(3);
            Matcher[] ms = new Matcher[n];
            for (int i = 0; i < n; i++) {
                String name = names[r.nextInt(names.length)];
                if (r.nextInt(10) == 0) {
                    name = "absent";
                }
                String value = r.nextInt(6) == 0 ? "" : name + r.nextInt(20);
                Matcher.Type type = Matcher.Type.values()[r.nextInt(4)];
                if (type == Matcher.Type.RE || type == Matcher.Type.NRE) {
                    value = switch (r.nextInt(5)) {
                        case 0 -> name + "1.*";
                        case 1 -> value + "|";
                        case 2 -> ".*";
                        case 3 -> ".+";
                        default -> name + "[0-3]|" + name + "2[0-9]";
                    };
                }
                ms[i] = Matcher.of(type, name, value);
            }
            ImmutableRoaringBitmap got = PostingsForMatchers.select(index, ms);
            List<Integer> want = new ArrayList<>();
            for (int id = 0; id < series.size(); id++) {
                boolean all = true;
                for (Matcher m : ms) {
                    all &= m.matches(series.get(id));
                }
                if (all) {
                    want.add(id);
                }
            }
            List<Integer> have = new ArrayList<>();
            got.forEach((int id) -> have.add(id));
            assertEquals(want, have, Arrays.toString(ms));
        }
    }
}
