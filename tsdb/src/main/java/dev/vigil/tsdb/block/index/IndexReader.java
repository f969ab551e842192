package dev.vigil.tsdb.block.index;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.io.MalformedException;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

/**
 * Reads a block index from its mapping. Opening checks magic, version, TOC and every section's
 * CRC32C, loads the symbols and the postings offset table; series entries and postings are read
 * in place on demand. Thread-safe.
 */
public final class IndexReader {
    private final ByteBuffer map;
    private final String[] symbols;
    private final int seriesCount;
    private final int seriesAt;
    private final int seriesLen;
    private final int offsetsAt;
    private final int postingsAt;
    /** Label name → its values (sorted) and where their postings are. */
    private final TreeMap<String, Values> names = new TreeMap<>();

    /** The values of one label name and the location of each value's postings. */
    public static final class Values {
        final String[] values;
        final int[] offsets;
        final int[] lengths;
        /** Postings already validated (a benign race: validating twice is harmless). */
        final boolean[] checked;

        Values(int n) {
            values = new String[n];
            offsets = new int[n];
            lengths = new int[n];
            checked = new boolean[n];
        }

        public int size() {
            return values.length;
        }

        public String value(int i) {
            return values[i];
        }
    }

    private IndexReader(ByteBuffer map) {
        this.map = map;
        int cap = map.capacity();
        if (cap < 8 + IndexWriter.TOC_SIZE || map.getInt(0) != IndexWriter.MAGIC) {
            throw new MalformedException("index: bad magic or too short");
        }
        if (map.get(4) != IndexWriter.VERSION) {
            throw new MalformedException("index: unsupported version " + map.get(4));
        }
        if (map.get(5) != 0 || map.get(6) != 0 || map.get(7) != 0) {
            throw new MalformedException("index: header padding not zero");
        }
        int toc = cap - IndexWriter.TOC_SIZE;
        if (crc(toc, IndexWriter.TOC_SIZE - 4) != map.getInt(cap - 4)) {
            throw new MalformedException("index: TOC checksum mismatch");
        }
        int[] body = new int[IndexWriter.SECTIONS];
        int[] len = new int[IndexWriter.SECTIONS];
        String[] sectionNames = {"symbols", "series", "series offsets", "postings", "postings offset table"};
        for (int i = 0; i < IndexWriter.SECTIONS; i++) {
            long at = map.getLong(toc + 8 * i);
            if (at < 8 || at + 8 > toc) {
                throw new MalformedException("index: section " + sectionNames[i] + " offset " + at + " out of range");
            }
            int l = map.getInt((int) at);
            if (l < 0 || at + 8 + l > toc) {
                throw new MalformedException("index: section " + sectionNames[i] + " length " + l + " out of range");
            }
            body[i] = (int) at + 4;
            len[i] = l;
            if (crc(body[i], l) != map.getInt(body[i] + l)) {
                throw new MalformedException("index: checksum mismatch in section " + sectionNames[i]);
            }
        }
        seriesCount = map.getInt(toc + 8 * IndexWriter.SECTIONS);
        int symbolCount = map.getInt(toc + 8 * IndexWriter.SECTIONS + 4);
        seriesAt = body[1];
        seriesLen = len[1];
        offsetsAt = body[2];
        postingsAt = body[3];
        if (seriesCount < 0 || (long) seriesCount * 4 != len[2]) {
            throw new MalformedException("index: series count " + seriesCount + " disagrees with the offsets section");
        }
        // Symbols.
        Cursor c = new Cursor(body[0], len[0]);
        int n = c.uint("symbol count");
        if (n != symbolCount) {
            throw new MalformedException("index: symbol count " + n + " disagrees with TOC " + symbolCount);
        }
        if (n > len[0]) { // every symbol takes at least its length byte: no array beyond the bytes
            throw new MalformedException("index: " + n + " symbols in a " + len[0] + "-byte section");
        }
        symbols = new String[n];
        for (int i = 0; i < n; i++) {
            int l = c.uint("symbol length");
            symbols[i] = c.string(l);
        }
        // Postings offset table.
        c = new Cursor(body[4], len[4]);
        int entries = c.uint("postings count");
        if (entries > len[4] / 4) { // an entry is four uvarints
            throw new MalformedException("index: " + entries + " postings entries in a " + len[4] + "-byte table");
        }
        int[] nameIds = new int[entries];
        int[] valueIds = new int[entries];
        int[] offs = new int[entries];
        int[] lens = new int[entries];
        for (int i = 0; i < entries; i++) {
            nameIds[i] = c.symbol(n);
            valueIds[i] = c.symbol(n);
            offs[i] = c.uint("postings offset");
            lens[i] = c.uint("postings length");
            if ((long) offs[i] + lens[i] > len[3]) {
                throw new MalformedException("index: postings entry " + i + " beyond postings section");
            }
        }
        int i = 0;
        while (i < entries) {
            int j = i;
            while (j < entries && nameIds[j] == nameIds[i]) {
                j++;
            }
            Values v = new Values(j - i);
            for (int k = i; k < j; k++) {
                v.values[k - i] = symbols[valueIds[k]];
                v.offsets[k - i] = offs[k];
                v.lengths[k - i] = lens[k];
            }
            names.put(symbols[nameIds[i]], v);
            i = j;
        }
    }

    public static IndexReader open(FileIo fs, Path file) throws IOException {
        return new IndexReader(fs.mapReadOnly(file));
    }

    /** Reads an index held in {@code bytes} (for tests: no file needed). */
    static IndexReader read(ByteBuffer bytes) {
        return new IndexReader(bytes);
    }

    private int crc(int at, int len) {
        CRC32C crc = new CRC32C();
        ByteBuffer b = map.duplicate();
        b.position(at).limit(at + len);
        crc.update(b);
        return (int) crc.getValue();
    }

    public int seriesCount() {
        return seriesCount;
    }

    public int symbolCount() {
        return symbols.length;
    }

    /** Label names present in the block, sorted. */
    public List<String> labelNames() {
        return new ArrayList<>(names.keySet());
    }

    /** The values of a label name, or null. */
    public Values values(String name) {
        return names.get(name);
    }

    /** The series holding value i of {@code v}, read in place from the mapping. */
    public ImmutableRoaringBitmap postings(Values v, int i) {
        ByteBuffer b = map.duplicate();
        int at = postingsAt + v.offsets[i];
        b.position(at).limit(at + v.lengths[i]);
        ImmutableRoaringBitmap bm;
        try {
            bm = new ImmutableRoaringBitmap(b.slice());
            if (!v.checked[i]) {
                // The CRC only says the bytes are as written. A bitmap whose containers reach past
                // its bytes, or are unsorted, would otherwise fail deep inside a query; checked once.
                if (bm.serializedSizeInBytes() != v.lengths[i] || !bm.validate()
                        || !bm.isEmpty() && Integer.toUnsignedLong(bm.last()) >= seriesCount) {
                    throw new MalformedException("index: postings of " + v.values[i] + " malformed");
                }
                v.checked[i] = true;
            }
        } catch (MalformedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new MalformedException("index: postings of " + v.values[i] + " undecodable", e);
        }
        return bm;
    }

    /** The series having {@code name=value}, or null when none. */
    public ImmutableRoaringBitmap postings(String name, String value) {
        Values v = names.get(name);
        if (v == null) {
            return null;
        }
        int i = Arrays.binarySearch(v.values, value);
        return i < 0 ? null : postings(v, i);
    }

    /** Reads series {@code id}: its labels and chunk metas (appended to {@code chunks}). */
    public Labels series(int id, List<ChunkMeta> chunks) {
        if (id < 0 || id >= seriesCount) {
            throw new MalformedException("series id " + id + " out of range");
        }
        int off = map.getInt(offsetsAt + 4 * id);
        int end = id + 1 < seriesCount ? map.getInt(offsetsAt + 4 * (id + 1)) : seriesLen;
        // Bounded by the series section itself, not by where the next section happens to start.
        if (off < 0 || off > end || end > seriesLen) {
            throw new MalformedException("index: series " + id + " offset out of range");
        }
        Cursor c = new Cursor(seriesAt + off, end - off);
        int nl = c.uint("label count");
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < nl; i++) {
            String name = symbols[c.symbol(symbols.length)];
            b.set(name, symbols[c.symbol(symbols.length)]);
        }
        int nc = c.uint("chunk count");
        long prevMaxt = 0;
        long prevRef = 0;
        for (int i = 0; i < nc; i++) {
            long mint = i == 0 ? c.varint() : prevMaxt + c.varint();
            long maxt = mint + c.uvarint();
            long ref = i == 0 ? c.uvarint() : prevRef + c.uvarint();
            int samples = c.uint("sample count");
            chunks.add(new ChunkMeta(mint, maxt, ref, samples));
            prevMaxt = maxt;
            prevRef = ref;
        }
        return b.build();
    }

    /** Bounds-checked reader over a region of the mapping. */
    private final class Cursor {
        private int pos;
        private final int end;

        Cursor(int at, int len) {
            pos = at;
            end = at + len;
        }

        long uvarint() {
            long v = 0;
            for (int shift = 0; shift < 70; shift += 7) {
                if (pos >= end) {
                    throw new MalformedException("index: truncated varint");
                }
                int b = map.get(pos++);
                v |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return v;
                }
            }
            throw new MalformedException("index: varint too long");
        }

        long varint() {
            long v = uvarint();
            return (v >>> 1) ^ -(v & 1);
        }

        int uint(String what) {
            long v = uvarint();
            if (v < 0 || v > Integer.MAX_VALUE) {
                throw new MalformedException("index: " + what + " " + v + " out of range");
            }
            return (int) v;
        }

        int symbol(int count) {
            long v = uvarint();
            if (v < 0 || v >= count) {
                throw new MalformedException("index: symbol " + v + " out of range");
            }
            return (int) v;
        }

        String string(int len) {
            if (len > end - pos) {
                throw new MalformedException("index: truncated string");
            }
            byte[] b = new byte[len];
            map.get(pos, b, 0, len);
            pos += len;
            return new String(b, StandardCharsets.UTF_8);
        }
    }
}
