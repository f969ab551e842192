package dev.vigil.tsdb.prometheus;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A block's {@code index} file, format version 2 (index.md): the symbol table and the series section are read; the
 * label indices and postings are not needed to list every series, since the series section holds them all, sorted.
 * Every series entry's CRC32C is checked when it is listed.
 */
public final class PromIndex {
    static final int MAGIC = 0xBAAAD700;
    private static final int TOC_LEN = 6 * 8 + 4;

    /** One series: its ID (offset / 16, as tombstones name it), labels, offset of its entry and chunk time span. */
    public record Entry(long ref, Labels labels, int offset, int chunks, long minTime, long maxTime) {
    }

    private final Bytes in;
    private final String[] symbols;
    private final int seriesStart;
    private final int seriesEnd;

    private PromIndex(Bytes in, String[] symbols, int seriesStart, int seriesEnd) {
        this.in = in;
        this.symbols = symbols;
        this.seriesStart = seriesStart;
        this.seriesEnd = seriesEnd;
    }

    /** Opens and checks the header, the table of contents and the symbol table. */
    public static PromIndex open(FileIo io, Path file) throws IOException {
        ByteBuffer buf = io.mapReadOnly(file);
        Bytes in = new Bytes(buf, file.toString());
        if (buf.limit() < 5 + TOC_LEN) {
            throw in.bad("too short for an index (" + buf.limit() + " bytes)");
        }
        if (buf.getInt(0) != MAGIC) {
            throw in.bad("not a Prometheus index: magic " + Integer.toHexString(buf.getInt(0)));
        }
        int version = buf.get(4) & 0xff;
        if (version != 2) {
            throw in.bad("index format version " + version + " is not supported (only 2, written by Prometheus 2.x)");
        }
        int toc = buf.limit() - TOC_LEN;
        in.checkCrc(toc, toc + 48, "table of contents");
        long[] refs = new long[6];
        for (int i = 0; i < 6; i++) {
            refs[i] = buf.getLong(toc + i * 8);
            if (refs[i] < 0 || refs[i] > toc) {
                throw in.bad("table of contents points past the end: " + refs[i]);
            }
        }
        String[] symbols = symbols(in, (int) refs[0]);
        int seriesStart = (int) refs[1];
        int seriesEnd = toc;
        for (int i = 2; i < 6; i++) {
            if (refs[i] > seriesStart && refs[i] < seriesEnd) {
                seriesEnd = (int) refs[i];
            }
        }
        return new PromIndex(in, symbols, seriesStart, seriesStart == 0 ? 0 : seriesEnd);
    }

    private static String[] symbols(Bytes in, int at) throws PromFormatException {
        if (at == 0) {
            return new String[0];
        }
        in.pos = at;
        int len = in.be32();
        int start = in.pos;
        in.checkCrc(start, start + len, "symbol table");
        int n = in.be32();
        if (n < 0 || n > len) {
            throw in.bad("symbol table declares " + n + " symbols in " + len + " bytes");
        }
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = in.string((int) in.uvarint());
        }
        if (in.pos > start + len) {
            throw in.bad("symbol table runs past its length");
        }
        return out;
    }

    /** Every series, in the index's order, each entry checked against its CRC32C. */
    public List<Entry> series() throws PromFormatException {
        List<Entry> out = new ArrayList<>();
        int pos = seriesStart;
        String[] kv = new String[0];
        while (seriesStart != 0) {
            pos = (pos + 15) & ~15;
            if (pos >= seriesEnd) {
                break;
            }
            in.pos = pos;
            int len = (int) in.uvarint();
            if (len == 0) {
                break; // zero padding before the next section
            }
            int body = in.pos;
            in.checkCrc(body, body + len, "series entry");
            int nl = (int) in.uvarint();
            if (nl < 0 || nl > len) {
                throw in.bad("series entry at offset " + pos + " declares " + nl + " labels");
            }
            if (kv.length != 2 * nl) {
                kv = new String[2 * nl];
            }
            for (int i = 0; i < 2 * nl; i++) {
                kv[i] = symbol(in.uvarint(), pos);
            }
            int nc = (int) in.uvarint();
            long min = Long.MAX_VALUE;
            long max = Long.MIN_VALUE;
            long t = 0;
            for (int i = 0; i < nc; i++) {
                long mint = i == 0 ? in.varint() : t + in.uvarint();
                t = mint + in.uvarint();
                if (i == 0) {
                    in.uvarint();
                } else {
                    in.varint();
                }
                min = Math.min(min, mint);
                max = Math.max(max, t);
            }
            if (in.pos > body + len) {
                throw in.bad("series entry at offset " + pos + " runs past its length");
            }
            out.add(new Entry(pos / 16, Labels.of(kv), pos, nc, min, max));
            pos = body + len + 4;
        }
        return out;
    }

    /**
     * The chunk references of the series whose entry is at {@code offset}, written into {@code refs} (grown when too
     * small, and returned).
     */
    public long[] chunkRefs(int offset, long[] refs) throws PromFormatException {
        in.pos = offset;
        in.uvarint();
        int nl = (int) in.uvarint();
        for (int i = 0; i < 2 * nl; i++) {
            in.uvarint();
        }
        int nc = (int) in.uvarint();
        long[] out = refs.length >= nc + 1 ? refs : new long[nc + 1];
        out[0] = nc;
        long ref = 0;
        for (int i = 0; i < nc; i++) {
            if (i == 0) {
                in.varint();
                in.uvarint();
                ref = in.uvarint();
            } else {
                in.uvarint();
                in.uvarint();
                ref += in.varint();
            }
            out[i + 1] = ref;
        }
        return out;
    }

    private String symbol(long ref, int entry) throws PromFormatException {
        if (ref < 0 || ref >= symbols.length) {
            throw in.bad("series entry at offset " + entry + " names symbol " + ref + " of " + symbols.length);
        }
        return symbols[(int) ref];
    }
}
