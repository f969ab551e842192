package dev.vigil.tsdb.block.index;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.CRC32C;
import org.roaringbitmap.RoaringBitmap;

/** Writes a block's index file (docs/format/index.md) from series already in label order. */
public final class IndexWriter {
    /** "VIDX". */
    public static final int MAGIC = 0x56494458;
    public static final int VERSION = 1;
    public static final int SECTIONS = 5;
    public static final int TOC_SIZE = SECTIONS * 8 + 4 + 4 + 4 + 4;

    private IndexWriter() {
    }

    /** One series as the index records it. */
    public record Entry(Labels labels, List<ChunkMeta> chunks) {
    }

    /** Writes, fsyncs and closes {@code file}. Series must be sorted and unique. */
    public static void write(FileIo fs, Path file, List<Entry> series) throws IOException {
        TreeSet<String> symbolSet = new TreeSet<>();
        for (Entry e : series) {
            e.labels().forEach((n, v) -> {
                symbolSet.add(n);
                symbolSet.add(v);
            });
        }
        Map<String, Integer> symbolId = new HashMap<>(symbolSet.size() * 2);
        ByteOut symbols = new ByteOut(1 << 16);
        symbols.putUvarint(symbolSet.size());
        for (String s : symbolSet) {
            symbolId.put(s, symbolId.size());
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            symbols.putUvarint(b.length);
            symbols.putBytes(b, 0, b.length);
        }

        ByteOut seriesBody = new ByteOut(1 << 16);
        ByteOut offsets = new ByteOut(series.size() * 4 + 16);
        TreeMap<Long, RoaringBitmap> postings = new TreeMap<>();
        Labels prev = null;
        for (int id = 0; id < series.size(); id++) {
            Entry e = series.get(id);
            if (prev != null && prev.compareTo(e.labels()) >= 0) {
                throw new IllegalArgumentException("series not sorted or duplicated: " + prev + " then " + e.labels());
            }
            prev = e.labels();
            if (seriesBody.length() < 0 || seriesBody.length() > Integer.MAX_VALUE - (1 << 20)) {
                throw new IOException("series section above 2 GiB");
            }
            offsets.putInt(seriesBody.length());
            Labels l = e.labels();
            seriesBody.putUvarint(l.size());
            for (int i = 0; i < l.size(); i++) {
                int n = symbolId.get(l.name(i));
                int v = symbolId.get(l.value(i));
                seriesBody.putUvarint(n);
                seriesBody.putUvarint(v);
                postings.computeIfAbsent(((long) n << 32) | v, k -> new RoaringBitmap()).add(id);
            }
            List<ChunkMeta> cs = e.chunks();
            seriesBody.putUvarint(cs.size());
            long prevMaxt = 0;
            long prevRef = 0;
            for (int i = 0; i < cs.size(); i++) {
                ChunkMeta c = cs.get(i);
                if (i == 0) {
                    seriesBody.putVarint(c.mint());
                    seriesBody.putUvarint(c.maxt() - c.mint());
                    seriesBody.putUvarint(c.ref());
                } else {
                    seriesBody.putVarint(c.mint() - prevMaxt);
                    seriesBody.putUvarint(c.maxt() - c.mint());
                    seriesBody.putUvarint(c.ref() - prevRef);
                }
                seriesBody.putUvarint(c.samples());
                prevMaxt = c.maxt();
                prevRef = c.ref();
            }
        }

        ByteOut postingsBody = new ByteOut(1 << 16);
        ByteOut table = new ByteOut(1 << 12);
        table.putUvarint(postings.size());
        for (Map.Entry<Long, RoaringBitmap> p : postings.entrySet()) {
            RoaringBitmap bm = p.getValue();
            bm.runOptimize();
            int size = bm.serializedSizeInBytes();
            ByteBuffer bb = ByteBuffer.allocate(size);
            bm.serialize(bb);
            table.putUvarint(p.getKey() >>> 32);
            table.putUvarint(p.getKey() & 0xFFFFFFFFL);
            table.putUvarint(postingsBody.length());
            table.putUvarint(size);
            postingsBody.putBytes(bb.array(), 0, size);
        }

        try (FileIo.WriteFile out = fs.create(file)) {
            ByteOut head = new ByteOut(16);
            head.putInt(MAGIC);
            head.putByte(VERSION);
            head.putByte(0);
            head.putByte(0);
            head.putByte(0);
            long pos = 8;
            out.write(ByteBuffer.wrap(head.array(), 0, head.length()));
            long[] at = new long[SECTIONS];
            ByteOut[] bodies = {symbols, seriesBody, offsets, postingsBody, table};
            CRC32C crc = new CRC32C();
            for (int i = 0; i < SECTIONS; i++) {
                at[i] = pos;
                ByteOut b = bodies[i];
                ByteOut frame = new ByteOut(8);
                frame.putInt(b.length());
                out.write(ByteBuffer.wrap(frame.array(), 0, 4));
                out.write(ByteBuffer.wrap(b.array(), 0, b.length()));
                crc.reset();
                crc.update(b.array(), 0, b.length());
                frame.reset();
                frame.putInt((int) crc.getValue());
                out.write(ByteBuffer.wrap(frame.array(), 0, 4));
                pos += 8L + b.length();
            }
            ByteOut toc = new ByteOut(TOC_SIZE);
            for (long a : at) {
                toc.putLong(a);
            }
            toc.putInt(series.size());
            toc.putInt(symbolSet.size());
            toc.putInt(0);
            crc.reset();
            crc.update(toc.array(), 0, toc.length());
            toc.putInt((int) crc.getValue());
            out.write(ByteBuffer.wrap(toc.array(), 0, toc.length()));
            out.force(true);
        }
    }
}
