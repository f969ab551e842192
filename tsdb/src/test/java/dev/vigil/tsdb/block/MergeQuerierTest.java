package dev.vigil.tsdb.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Merging several sources equals one source holding the union. */
class MergeQuerierTest {
    @Test
    void unionOfRandomPartsEqualsTheWhole() throws Exception {
        SplittableRandom r = new SplittableRandom(23);
        for (int round = 0; round < 30; round++) {
            MemoryStorage whole = new MemoryStorage();
            MemoryStorage[] parts = {new MemoryStorage(), new MemoryStorage(), new MemoryStorage()};
            Appender w = whole.appender();
            Appender[] pa = {parts[0].appender(), parts[1].appender(), parts[2].appender()};
            for (int s = 0; s < 20; s++) {
                Labels l = Labels.of("__name__", "m" + r.nextInt(5), "i", "" + s);
                for (int i = 0; i < 50; i++) {
                    long t = r.nextLong(0, 1000);
                    double v = t * 2.0;
                    w.append(0, l, t, v);
                    // Each sample lands in one or more parts (duplicates with equal values).
                    int mask = 1 + r.nextInt(7);
                    for (int p = 0; p < 3; p++) {
                        if ((mask & (1 << p)) != 0) {
                            pa[p].append(0, l, t, v);
                        }
                    }
                }
            }
            w.commit();
            for (Appender a : pa) {
                a.commit();
            }
            long mint = r.nextLong(0, 500);
            long maxt = mint + r.nextLong(0, 600);
            Matcher m = Matcher.of(Matcher.Type.RE, "__name__", "m[0-" + r.nextInt(5) + "]");
            try (Querier e = whole.querier(mint, maxt);
                    Querier q = new MergeQuerier(List.of(parts[0].querier(mint, maxt), parts[1].querier(mint, maxt),
                            parts[2].querier(mint, maxt)))) {
                QueryAssert.assertSame(e, q, m);
                // Seek across the merge.
                SeriesSet a = e.select(true, null, m);
                SeriesSet b = q.select(true, null, m);
                while (a.next()) {
                    assertTrue(b.next());
                    SampleIterator ia = a.at().iterator(null);
                    SampleIterator ib = b.at().iterator(null);
                    long target = mint;
                    while (true) {
                        target += r.nextLong(0, 100);
                        boolean ha = ia.seek(target);
                        assertEquals(ha, ib.seek(target));
                        if (!ha) {
                            break;
                        }
                        assertEquals(ia.t(), ib.t());
                        assertEquals(ia.v(), ib.v());
                    }
                }
                assertFalse(b.next());
            }
        }
    }

    /**
     * Blocks side by side in time (the usual case, where bulk reads copy a block's samples up to
     * the next block's first) and overlapping (where they interleave), merged, read sample by
     * sample and in batches, equal the whole.
     */
    @Test
    void blocksSideBySideAndOverlappingMergeLikeTheWhole(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        SplittableRandom r = new SplittableRandom(5);
        for (int round = 0; round < 6; round++) {
            MemoryStorage whole = new MemoryStorage();
            int nParts = 2 + r.nextInt(3);
            MemoryStorage[] parts = new MemoryStorage[nParts];
            Appender[] pa = new Appender[nParts];
            for (int p = 0; p < nParts; p++) {
                parts[p] = new MemoryStorage();
                pa[p] = parts[p].appender();
            }
            Appender w = whole.appender();
            boolean overlap = round % 2 == 1;
            for (int s = 0; s < 12; s++) {
                Labels l = Labels.of("__name__", "m", "i", "" + s);
                for (long t = r.nextLong(0, 5000); t < 40_000; t += 1 + r.nextInt(120)) {
                    double v = r.nextInt(4) == 0 ? Double.NaN : t * 0.5;
                    w.append(0, l, t, v);
                    int p = overlap ? r.nextInt(nParts) : (int) (t * nParts / 40_000);
                    pa[p].append(0, l, t, v);
                }
            }
            w.commit();
            List<Querier> blocks = new java.util.ArrayList<>();
            for (int p = 0; p < nParts; p++) {
                pa[p].commit();
                java.nio.file.Path d = dir.resolve("r" + round + "p" + p);
                java.nio.file.Files.createDirectories(d);
                BlockMeta meta;
                try (Querier src = parts[p].querier(0, 40_000)) {
                    meta = new BlockWriter(FaultyFileIo.noSync()).writeBlock(d, src.select(true, null), 0, 40_001, 1,
                            List.of());
                }
                blocks.add(Block.open(FileIo.DEFAULT, d.resolve(meta.ulid())).querier(0, 40_000));
            }
            Matcher m = Matcher.of(Matcher.Type.EQ, "__name__", "m");
            long mint = r.nextLong(0, 10_000);
            long maxt = mint + r.nextLong(1000, 40_000);
            List<Querier> ranged = new java.util.ArrayList<>();
            for (Querier b : blocks) {
                b.close();
            }
            for (int p = 0; p < nParts; p++) {
                java.nio.file.Path d = dir.resolve("r" + round + "p" + p);
                try (var listing = java.nio.file.Files.list(d)) {
                    ranged.add(Block.open(FileIo.DEFAULT, listing.filter(java.nio.file.Files::isDirectory).findFirst().orElseThrow()).querier(mint, maxt));
                }
            }
            try (Querier e = whole.querier(mint, maxt); Querier q = new MergeQuerier(ranged)) {
                QueryAssert.assertSame(e, q, m);
            }
        }
    }

    @Test
    void firstQuerierWinsOnEqualTimestamps() throws Exception {
        MemoryStorage a = new MemoryStorage();
        MemoryStorage b = new MemoryStorage();
        Labels l = Labels.of("__name__", "x");
        Appender aa = a.appender();
        aa.append(0, l, 10, 1.0);
        aa.commit();
        Appender ba = b.appender();
        ba.append(0, l, 10, 2.0);
        ba.append(0, l, 20, 3.0);
        ba.commit();
        try (Querier q = new MergeQuerier(List.of(a.querier(0, 100), b.querier(0, 100)))) {
            SeriesSet s = q.select(true, null, Matcher.eq("__name__", "x"));
            assertTrue(s.next());
            SampleIterator it = s.at().iterator(null);
            assertTrue(it.next());
            assertEquals(10, it.t());
            assertEquals(1.0, it.v());
            assertTrue(it.next());
            assertEquals(20, it.t());
            assertFalse(it.next());
            assertFalse(s.next());
        }
    }
}
