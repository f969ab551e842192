package dev.vigil.tsdb.block.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.io.MalformedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

/**
 * Fuzz target for the block index reader. The inputs are mostly real indexes, written by
 * {@link IndexWriter} from the fuzzer's series, then maybe changed and maybe with the checksums
 * fixed up so the fuzzer gets past them into the decoding. The property: an unchanged index
 * reads back exactly what was written (series, labels, chunk metas, label values, postings); a
 * changed one whose checksums were not fixed is rejected; any other input either throws
 * {@link MalformedException} with a message or answers every lookup the same way twice.
 * Plain {@code mvn verify} replays the seeds in {@code IndexReaderFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=IndexReaderFuzzTest#read} fuzzes one target.
 */
class IndexReaderFuzzTest {
    /** Most series ids and postings entries one input walks: keeps each run short. */
    private static final int WALK = 2_000;

    @FuzzTest(maxDuration = "30s")
    void read(FuzzedDataProvider in) throws IOException {
        TreeMap<Labels, List<ChunkMeta>> written = in.consumeBoolean() ? series(in) : null;
        byte[] original = written != null ? write(written) : in.consumeBytes(in.consumeInt(0, 4096));
        byte[] file = original.clone();
        int changes = in.consumeInt(0, 8);
        for (int i = 0; i < changes && file.length > 0; i++) {
            int at = in.consumeInt(0, file.length - 1);
            file[at] = in.consumeByte();
        }
        boolean fixed = in.consumeInt(0, 7) != 0;
        if (fixed) {
            fixChecksums(file);
        }
        property(written, original, file, fixed);
    }

    /**
     * The property for {@code file}, which is {@code original} maybe changed and maybe with its
     * checksums fixed; {@code written} is what {@code original} was written from, or null when
     * it is random bytes.
     */
    static void property(TreeMap<Labels, List<ChunkMeta>> written, byte[] original, byte[] file, boolean fixed) {
        boolean changed = !Arrays.equals(original, file);
        if (written != null && !changed) {
            assertReadsBack(written, IndexReader.read(ByteBuffer.wrap(file)));
            return;
        }
        try {
            IndexReader r = IndexReader.read(ByteBuffer.wrap(file));
            List<Object> first = walk(r);
            assertEquals(first, walk(r), "a second walk over the same index answers differently");
        } catch (MalformedException e) {
            assertNotNull(e.getMessage(), "a rejection names what is wrong");
            assertFalse(e.getMessage().isBlank(), "a rejection names what is wrong");
            return;
        }
        if (written != null && !fixed) {
            fail("a changed byte went past the checksums");
        }
    }

    @Test
    void anUnchangedIndexReadsBackWhatWasWritten() throws IOException {
        TreeMap<Labels, List<ChunkMeta>> written = flinkLike();
        byte[] file = write(written);
        property(written, file, file.clone(), false);
    }

    @Test
    void everyChangedByteIsCaughtByTheChecksums() throws IOException {
        TreeMap<Labels, List<ChunkMeta>> written = flinkLike();
        byte[] original = write(written);
        for (int at = 0; at < original.length; at++) {
            byte[] file = original.clone();
            file[at] ^= 0x5A;
            int pos = at;
            assertThrows(MalformedException.class, () -> IndexReader.read(ByteBuffer.wrap(file)), "byte " + pos + " changed");
        }
    }

    @Test
    void changesBehindFixedChecksumsAreRejectedOrReadConsistently() throws IOException {
        TreeMap<Labels, List<ChunkMeta>> written = flinkLike();
        byte[] original = write(written);
        Random rnd = new Random(17);
        for (int round = 0; round < 500; round++) {
            byte[] file = original.clone();
            for (int i = rnd.nextInt(8) + 1; i > 0; i--) {
                file[rnd.nextInt(file.length)] = (byte) rnd.nextInt(256);
            }
            fixChecksums(file);
            property(written, original, file, true);
        }
    }

    /** Twelve series shaped like Flink's: a few names, shared label values, some chunks each. */
    private static TreeMap<Labels, List<ChunkMeta>> flinkLike() {
        TreeMap<Labels, List<ChunkMeta>> series = new TreeMap<>();
        long ref = 8;
        for (int i = 0; i < 12; i++) {
            Labels l = Labels.of("__name__", "flink_taskmanager_Status_JVM_CPU_Load" + (i % 3), "job", "flink",
                    "tm_id", "tm-" + (i % 4), "host", "10.0.0." + i);
            List<ChunkMeta> chunks = new ArrayList<>();
            for (int c = 0; c < i % 3; c++) {
                chunks.add(new ChunkMeta(1_700_000_000_000L + c * 7_200_000L, 1_700_000_000_000L + c * 7_200_000L + 7_190_000L,
                        ref, 120));
                ref += 200 + i;
            }
            series.put(l, chunks);
        }
        return series;
    }

    /** Series chosen by the fuzzer, as an index holds them: sorted, unique, chunks in order. */
    static TreeMap<Labels, List<ChunkMeta>> series(FuzzedDataProvider in) {
        TreeMap<Labels, List<ChunkMeta>> series = new TreeMap<>();
        int n = in.consumeInt(0, 40);
        for (int i = 0; i < n; i++) {
            Labels.Builder b = Labels.builder().set("__name__", "m" + in.consumeInt(0, 3));
            int labels = in.consumeInt(0, 4);
            for (int j = 0; j < labels; j++) {
                b.set("l" + in.consumeInt(0, 5), in.consumeString(4));
            }
            List<ChunkMeta> chunks = new ArrayList<>();
            int nc = in.consumeInt(0, 3);
            long t = in.consumeLong(-(1L << 40), 1L << 40);
            long ref = 0;
            for (int c = 0; c < nc; c++) {
                long mint = t + in.consumeInt(0, 1 << 20);
                long maxt = mint + in.consumeInt(0, 1 << 20);
                ref += in.consumeInt(1, 5000);
                chunks.add(new ChunkMeta(mint, maxt, ref, in.consumeInt(1, 8192)));
                t = maxt + 1;
            }
            series.put(b.build(), chunks);
        }
        return series;
    }

    /** The index file {@link IndexWriter} writes for {@code series}. */
    static byte[] write(Map<Labels, List<ChunkMeta>> series) throws IOException {
        List<IndexWriter.Entry> entries = new ArrayList<>();
        series.forEach((l, c) -> entries.add(new IndexWriter.Entry(l, c)));
        Path file = Files.createTempFile("index-fuzz", ".index");
        try {
            IndexWriter.write(FaultyFileIo.noSync(), file, entries);
            return Files.readAllBytes(file);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Series i is the i-th written, with its chunks; every label name, value and postings list is as written. */
    static void assertReadsBack(TreeMap<Labels, List<ChunkMeta>> written, IndexReader r) {
        assertEquals(written.size(), r.seriesCount(), "series count");
        TreeMap<String, TreeMap<String, TreeSet<Integer>>> postings = new TreeMap<>();
        int id = 0;
        for (Map.Entry<Labels, List<ChunkMeta>> e : written.entrySet()) {
            List<ChunkMeta> chunks = new ArrayList<>();
            assertEquals(e.getKey(), r.series(id, chunks), "labels of series " + id);
            assertEquals(e.getValue(), chunks, "chunks of series " + id);
            for (int i = 0; i < e.getKey().size(); i++) {
                postings.computeIfAbsent(e.getKey().name(i), k -> new TreeMap<>())
                        .computeIfAbsent(e.getKey().value(i), k -> new TreeSet<>()).add(id);
            }
            id++;
        }
        assertEquals(List.copyOf(postings.keySet()), List.copyOf(new TreeSet<>(r.labelNames())), "label names");
        postings.forEach((name, values) -> {
            IndexReader.Values vs = r.values(name);
            List<String> got = new ArrayList<>();
            for (int i = 0; i < vs.size(); i++) {
                got.add(vs.value(i));
                assertEquals(List.copyOf(values.get(vs.value(i))), ids(r.postings(vs, i)), "postings of " + name);
            }
            assertEquals(List.copyOf(values.keySet()), got, "values of " + name);
            values.forEach((v, ids) -> assertEquals(List.copyOf(ids), ids(r.postings(name, v)), "postings of " + name + "=" + v));
        });
    }

    private static List<Integer> ids(ImmutableRoaringBitmap b) {
        List<Integer> out = new ArrayList<>();
        b.forEach((int i) -> out.add(i));
        return out;
    }

    /** Recomputes the CRC32C of every section the TOC points at sensibly, then the TOC's. */
    static void fixChecksums(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        int toc = file.length - IndexWriter.TOC_SIZE;
        if (toc < 8) {
            return;
        }
        for (int i = 0; i < IndexWriter.SECTIONS; i++) {
            long at = b.getLong(toc + 8 * i);
            if (at < 8 || at + 8 > toc) {
                continue;
            }
            int len = b.getInt((int) at);
            if (len < 0 || at + 8 + len > toc) {
                continue;
            }
            b.putInt((int) at + 4 + len, crc(file, (int) at + 4, len));
        }
        b.putInt(file.length - 4, crc(file, toc, IndexWriter.TOC_SIZE - 4));
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    /** Everything a query does with an index (names, values, postings, set operations, series), as a trace of the answers. */
    static List<Object> walk(IndexReader r) {
        List<Object> trace = new ArrayList<>();
        int steps = 0;
        List<ChunkMeta> chunks = new ArrayList<>();
        for (String name : r.labelNames()) {
            trace.add(name);
            IndexReader.Values vs = r.values(name);
            for (int i = 0; i < vs.size() && steps < WALK; i++, steps++) {
                trace.add(vs.value(i));
                ImmutableRoaringBitmap p = r.postings(vs, i);
                assertEquals(p.getCardinality() == 0, p.isEmpty());
                trace.add(ids(p));
                steps += seriesOf(r, p, chunks, trace);
                ImmutableRoaringBitmap byName = r.postings(name, vs.value(i));
                trace.add(byName == null ? null : ids(byName));
            }
            ImmutableRoaringBitmap any = PostingsForMatchers.select(r, Matcher.of(Matcher.Type.RE, name, ".+"), Matcher.of(Matcher.Type.NEQ, name, "x"));
            steps += seriesOf(r, any, chunks, trace);
        }
        for (int id = 0; id < r.seriesCount() && steps < WALK; id++, steps++) {
            chunks.clear();
            trace.add(r.series(id, chunks));
            trace.add(List.copyOf(chunks));
        }
        return trace;
    }

    private static int seriesOf(IndexReader r, ImmutableRoaringBitmap p, List<ChunkMeta> chunks, List<Object> trace) {
        int steps = 0;
        IntIterator it = p.getIntIterator();
        while (it.hasNext() && steps < WALK) {
            int id = it.next();
            chunks.clear();
            trace.add(r.series(id, chunks));
            trace.add(List.copyOf(chunks));
            steps++;
        }
        return steps;
    }
}
