package dev.vigil.tsdb.block.index;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.block.codec.MalformedException;
import dev.vigil.tsdb.block.fs.Fs;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

/**
 * Fuzz targets for the block index reader: an index whose checksums match but whose content is
 * anything (a writer bug, or damage written with its checksum) opens and answers every lookup,
 * or throws {@link MalformedException}; nothing else escapes. The inputs are mostly real
 * indexes (written by {@link IndexWriter} from the fuzzer's series) with bytes changed and the
 * checksums fixed up, so the fuzzer gets past the checksums into the decoding. Plain
 * {@code mvn verify} replays the seeds in {@code IndexReaderFuzzTestInputs/};
 * {@code JAZZER_FUZZ=1 mvn test -Dtest=IndexReaderFuzzTest#read} fuzzes one target.
 */
class IndexReaderFuzzTest {
    /** Most series ids and postings entries one input walks: keeps each run short. */
    private static final int WALK = 2_000;

    @FuzzTest(maxDuration = "30s")
    void read(FuzzedDataProvider in) throws IOException {
        byte[] file = in.consumeBoolean() ? realIndex(in) : in.consumeBytes(in.consumeInt(0, 4096));
        int changes = in.consumeInt(0, 8);
        for (int i = 0; i < changes && file.length > 0; i++) {
            int at = in.consumeInt(0, file.length - 1);
            file[at] = in.consumeByte();
        }
        if (in.consumeInt(0, 7) != 0) {
            fixChecksums(file);
        }
        try {
            walk(IndexReader.read(ByteBuffer.wrap(file)));
        } catch (MalformedException expected) {
            // damage
        }
    }

    /** A valid index holding series chosen by the fuzzer. */
    static byte[] realIndex(FuzzedDataProvider in) throws IOException {
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
        List<IndexWriter.Entry> entries = new ArrayList<>();
        series.forEach((l, c) -> entries.add(new IndexWriter.Entry(l, c)));
        MemoryFs fs = new MemoryFs();
        IndexWriter.write(fs, Path.of("index"), entries);
        return fs.out.toByteArray();
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

    /** Everything a query does with an index: names, values, postings, set operations, series. */
    static void walk(IndexReader r) {
        int steps = 0;
        List<ChunkMeta> chunks = new ArrayList<>();
        for (String name : r.labelNames()) {
            IndexReader.Values vs = r.values(name);
            for (int i = 0; i < vs.size() && steps < WALK; i++, steps++) {
                ImmutableRoaringBitmap p = r.postings(vs, i);
                assertEquals(p.getCardinality() == 0, p.isEmpty());
                steps += seriesOf(r, p, chunks);
                r.postings(name, vs.value(i));
            }
            ImmutableRoaringBitmap any = PostingsForMatchers.select(r, Matcher.of(Matcher.Type.RE, name, ".+"), Matcher.of(Matcher.Type.NEQ, name, "x"));
            steps += seriesOf(r, any, chunks);
        }
        for (int id = 0; id < r.seriesCount() && steps < WALK; id++, steps++) {
            chunks.clear();
            r.series(id, chunks);
        }
    }

    private static int seriesOf(IndexReader r, ImmutableRoaringBitmap p, List<ChunkMeta> chunks) {
        int steps = 0;
        IntIterator it = p.getIntIterator();
        while (it.hasNext() && steps < WALK) {
            int id = it.next();
            chunks.clear();
            r.series(id, chunks);
            steps++;
        }
        return steps;
    }

    /** Only what {@link IndexWriter} needs: one file written to memory. */
    static final class MemoryFs implements Fs {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        @Override
        public OutputFile create(Path file) {
            out.reset();
            return new OutputFile() {
                @Override
                public void write(ByteBuffer src) {
                    while (src.hasRemaining()) {
                        out.write(src.get());
                    }
                }

                @Override
                public long position() {
                    return out.size();
                }

                @Override
                public void sync() {
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public void createDirectories(Path dir) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void fsyncDirectory(Path dir) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void moveAtomically(Path from, Path to) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void deleteRecursively(Path path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Path> list(Path dir) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean exists(Path path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean isDirectory(Path path) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long size(Path file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long treeSize(Path dir) {
            throw new UnsupportedOperationException();
        }

        @Override
        public byte[] readAllBytes(Path file) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer mapReadOnly(Path file) {
            throw new UnsupportedOperationException();
        }
    }
}
