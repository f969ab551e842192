package dev.vigil.tsdb.block.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.io.MalformedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Index content that passes its checksums but is malformed (what the fuzz target found). */
class IndexReaderDamageTest {
    private static byte[] oneSeries() throws IOException {
        return IndexReaderFuzzTest.write(java.util.Map.of(Labels.of("a", "b"), List.of()));
    }

    /** Offset of the postings section body (section 4 in the TOC). */
    private static int postingsBody(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        return (int) b.getLong(file.length - IndexWriter.TOC_SIZE + 8 * 3) + 4;
    }

    @Test
    void aPostingsContainerReachingPastItsBytesIsMalformedNotAnIndexOutOfBounds() throws IOException {
        byte[] file = oneSeries();
        int at = postingsBody(file);
        ByteBuffer le = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(12346, le.getInt(at), "portable format without run containers");
        assertEquals(1, le.getInt(at + 4), "one container");
        assertEquals(0, le.getShort(at + 10), "cardinality 1 (stored minus one)");
        le.putShort(at + 10, (short) 255); // claims 256 values, 512 bytes, in an 18-byte bitmap
        IndexReaderFuzzTest.fixChecksums(file);

        IndexReader r = IndexReader.read(ByteBuffer.wrap(file));
        // Before: the bitmap was handed out and getCardinality() threw IndexOutOfBoundsException.
        MalformedException e = assertThrows(MalformedException.class, () -> r.postings("a", "b"));
        assertTrue(e.getMessage().contains("postings of b"), e.getMessage());
    }

    @Test
    void postingsNamingASeriesBeyondTheCountAreMalformed() throws IOException {
        byte[] file = oneSeries();
        int at = postingsBody(file);
        ByteBuffer le = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(0, le.getShort(at + 16), "the one value: series 0");
        le.putShort(at + 16, (short) 7);
        IndexReaderFuzzTest.fixChecksums(file);
        IndexReader r = IndexReader.read(ByteBuffer.wrap(file));
        assertThrows(MalformedException.class, () -> r.postings("a", "b"));
    }

    @Test
    void aValidIndexStillAnswers() throws IOException {
        IndexReader r = IndexReader.read(ByteBuffer.wrap(oneSeries()));
        assertEquals(1, r.postings("a", "b").getCardinality());
        assertEquals(1, r.postings("a", "b").getCardinality(), "second lookup (already validated)");
        List<ChunkMeta> chunks = new ArrayList<>();
        assertEquals(Labels.of("a", "b"), r.series(0, chunks));
    }

    @Test
    void aSeriesOffsetBeyondTheSeriesSectionIsMalformedNotAnIndexOutOfBounds() throws IOException {
        byte[] file = IndexReaderFuzzTest.write(new java.util.TreeMap<>(java.util.Map.of(
                Labels.of("a", "b"), List.of(), Labels.of("a", "c"), List.of())));
        ByteBuffer b = ByteBuffer.wrap(file);
        int offsets = (int) b.getLong(file.length - IndexWriter.TOC_SIZE + 8 * 2) + 4;
        assertEquals(0, b.getInt(offsets), "series 0 starts the section");
        b.putInt(offsets + 4, file.length + 100); // series 1 "ends" far past the file
        IndexReaderFuzzTest.fixChecksums(file);
        IndexReader r = IndexReader.read(ByteBuffer.wrap(file));
        // Before: series 0 was read with that end, past its section and the file, so an entry
        // damaged there ran off the mapping (IndexOutOfBoundsException; the fuzz inputs
        // series-offset-beyond-series-section-* replay exactly that).
        assertThrows(MalformedException.class, () -> r.series(0, new ArrayList<>()));
        assertThrows(MalformedException.class, () -> r.series(1, new ArrayList<>()));
    }

    @Test
    void countsBeyondWhatTheirSectionCanHoldAreRefusedBeforeAllocating() throws IOException {
        // A symbol count of 2^31 - 1 in both the symbols section and the TOC, checksums fixed:
        // the reader would have allocated a 2^31-element array (OutOfMemoryError).
        byte[] file = oneSeries();
        ByteBuffer b = ByteBuffer.wrap(file);
        int toc = file.length - IndexWriter.TOC_SIZE;
        int symbols = (int) b.getLong(toc) + 4;
        assertEquals(2, file[symbols], "two symbols, a and b");
        byte[] huge = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07};
        byte[] grown = new byte[file.length + 4];
        System.arraycopy(file, 0, grown, 0, symbols);
        System.arraycopy(huge, 0, grown, symbols, 5);
        System.arraycopy(file, symbols + 1, grown, symbols + 5, file.length - symbols - 1);
        ByteBuffer g = ByteBuffer.wrap(grown);
        g.putInt(symbols - 4, g.getInt(symbols - 4) + 4); // section length
        int gtoc = grown.length - IndexWriter.TOC_SIZE;
        for (int i = 1; i < IndexWriter.SECTIONS; i++) {
            g.putLong(gtoc + 8 * i, g.getLong(gtoc + 8 * i) + 4); // later sections moved by 4
        }
        g.putInt(gtoc + 8 * IndexWriter.SECTIONS + 4, Integer.MAX_VALUE); // TOC symbol count agrees
        IndexReaderFuzzTest.fixChecksums(grown);
        MalformedException e = assertThrows(MalformedException.class, () -> IndexReader.read(ByteBuffer.wrap(grown)));
        assertTrue(e.getMessage().contains("2147483647 symbols in a"), e.getMessage());
    }
}
