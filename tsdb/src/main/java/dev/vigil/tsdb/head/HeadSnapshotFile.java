package dev.vigil.tsdb.head;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.io.ByteIn;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.io.MalformedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * The head as it stood at a clean shutdown (docs/format/head-snapshot.md): per series its id,
 * labels, chunk refs into the head chunk files and its open chunk, plus the WAL position it
 * covers. Loading it replaces replaying the WAL up to that position.
 */
public final class HeadSnapshotFile implements AutoCloseable {
    static final byte[] MAGIC = "VHSN".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 8;
    static final int FRAME_HEADER = 9; // u32 length, u32 crc32c, u8 type
    static final int META = 1;
    static final int SERIES = 2;
    static final int END = 3;
    /** A series frame is closed once it passes this size, so frames decode in parallel. */
    static final int FRAME_TARGET = 1 << 20;
    static final int MAX_FRAME = 256 << 20;

    /**
     * The end of the WAL when the snapshot was written: the last segment, its length and the
     * CRC32C of its bytes. The snapshot stands for every record up to there and nothing after.
     */
    public record WalPosition(int segment, long size, int crc) {
    }

    private final FileChannel ch;
    private final Path file;
    final WalPosition wal;
    final int lastId;
    final List<HeadChunks.FileState> files;
    final String[] symbols;
    final Map<String, Metadata> metadata;
    /** Series frames: {offset of the body's type byte, body length incl. type, stored crc}. */
    final List<long[]> frames;
    final long seriesCount;

    private HeadSnapshotFile(FileChannel ch, Path file, WalPosition wal, int lastId, List<HeadChunks.FileState> files,
            String[] symbols, Map<String, Metadata> metadata, List<long[]> frames, long seriesCount) {
        this.ch = ch;
        this.file = file;
        this.wal = wal;
        this.lastId = lastId;
        this.files = files;
        this.symbols = symbols;
        this.metadata = metadata;
        this.frames = frames;
        this.seriesCount = seriesCount;
    }

    public WalPosition walPosition() {
        return wal;
    }

    public long seriesCount() {
        return seriesCount;
    }

    public Path file() {
        return file;
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes {@code head} to {@code file} (via a temporary name, forced, renamed). The caller
     * guarantees no commit runs (commit lock write side) and that the WAL ends at {@code wal}.
     * Head chunk files are forced first, so the snapshot never refers to bytes not on the device.
     *
     * @return series written
     */
    static long write(Head head, HeadChunks chunks, FileIo io, Path file, WalPosition wal) throws IOException {
        List<MemSeries> live = new ArrayList<>();
        head.forEachSeries(s -> {
            if (s.logged) {
                live.add(s);
            }
        });
        live.sort((a, b) -> Integer.compare(a.id, b.id));
        Map<String, Integer> sym = new HashMap<>();
        List<String> symList = new ArrayList<>();
        // No garbage per label: a burst of it (420,000 small arrays and as many boxed indexes for
        // 42,000 series) made the collector expand a tight heap threefold while the snapshot ran.
        for (MemSeries s : live) {
            for (int i = 0; i < s.labels.size(); i++) {
                addSymbol(sym, symList, s.labels.name(i));
                addSymbol(sym, symList, s.labels.value(i));
            }
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        io.deleteIfExists(tmp);
        try {
            writeTo(head, chunks, io, tmp, wal, live, sym, symList);
        } catch (IOException | RuntimeException e) {
            // A full disk fails it part-way: the part written must not keep holding the space.
            try {
                io.deleteIfExists(tmp);
            } catch (IOException e2) {
                e.addSuppressed(e2);
            }
            throw e;
        }
        io.rename(tmp, file);
        io.fsyncDir(file.getParent());
        return live.size();
    }

    private static void writeTo(Head head, HeadChunks chunks, FileIo io, Path tmp, WalPosition wal, List<MemSeries> live,
            Map<String, Integer> sym, List<String> symList) throws IOException {
        ByteOut b = new ByteOut(FRAME_TARGET + (64 << 10));
        try (FileIo.WriteFile out = io.openAppend(tmp)) {
            b.putBytes(MAGIC, 0, 4).putByte(VERSION).putByte(0).putByte(0).putByte(0);
            int f;
            int frames = 0;
            int i = 0;
            while (i < live.size()) {
                f = begin(b, SERIES);
                int countAt = b.length();
                b.putInt(0);
                int n = 0;
                while (i < live.size() && b.length() - f < FRAME_TARGET) {
                    MemSeries s = live.get(i++);
                    b.putUvarint(s.id).putUvarint(s.labels.size());
                    for (int k = 0; k < s.labels.size(); k++) {
                        b.putUvarint(sym.get(s.labels.name(k))).putUvarint(sym.get(s.labels.value(k)));
                    }
                    synchronized (s) {
                        s.writeState(b);
                    }
                    n++;
                }
                b.setInt(countAt, n);
                end(b, f, out, true);
                frames++;
            }
            // After the series: every chunk ref captured above was written before this point, so
            // it lies inside the used length recorded (appends may go on while a running store
            // takes a snapshot), and the id counter covers every id written.
            List<HeadChunks.FileState> fs = chunks.forceAndDescribe();
            f = begin(b, META);
            b.putUvarint(wal.segment()).putUvarint(wal.size()).putInt(wal.crc()).putUvarint(head.lastId());
            b.putUvarint(fs.size());
            for (HeadChunks.FileState st : fs) {
                b.putUvarint(st.file()).putUvarint(st.used()).putInt(st.crc()).putVarint(st.maxT());
            }
            b.putUvarint(symList.size());
            for (String x : symList) {
                b.putString(x);
            }
            Map<String, Metadata> md = head.metadata();
            b.putUvarint(md.size());
            md.forEach((k, v) -> b.putString(k).putString(nz(v.type())).putString(nz(v.help())).putString(nz(v.unit())));
            end(b, f, out, true);
            f = begin(b, END);
            b.putUvarint(live.size()).putUvarint(frames);
            end(b, f, out, true);
            out.force(false);
        }
    }

    private static void addSymbol(Map<String, Integer> sym, List<String> symList, String x) {
        // Not putIfAbsent: it would box an index (a new Integer above 127) for every label seen.
        if (!sym.containsKey(x)) {
            sym.put(x, symList.size());
            symList.add(x);
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static int begin(ByteOut b, int type) {
        int at = b.length();
        b.putInt(0).putInt(0).putByte(type);
        return at;
    }

    private static void end(ByteOut b, int f, FileIo.WriteFile out, boolean flush) throws IOException {
        int bodyFrom = f + 8;
        int len = b.length() - bodyFrom;
        if (len > MAX_FRAME) {
            throw new IOException("snapshot frame of " + len + " bytes");
        }
        b.setInt(f, len);
        b.setInt(f + 4, b.crc(bodyFrom, b.length()));
        if (flush) {
            out.write(b.asByteBuffer());
            b.reset();
        }
    }

    // ------------------------------------------------------------------ reading

    /**
     * Opens a snapshot and reads its META frame and frame index (not the series). Throws
     * {@link IOException} naming what is wrong if the file is not a complete, valid snapshot.
     */
    public static HeadSnapshotFile open(FileIo io, Path file) throws IOException {
        FileChannel ch = io.openRead(file);
        try {
            long size = ch.size();
            ByteBuffer h = ByteBuffer.allocate(HEADER);
            readFully(ch, h, 0);
            if (size < HEADER || h.get(0) != MAGIC[0] || h.get(1) != MAGIC[1] || h.get(2) != MAGIC[2]
                    || h.get(3) != MAGIC[3]) {
                throw new IOException("not a head snapshot (bad magic)");
            }
            if (h.get(4) != VERSION) {
                throw new IOException("head snapshot version " + h.get(4) + " not supported");
            }
            long pos = HEADER;
            ByteBuffer fh = ByteBuffer.allocate(FRAME_HEADER);
            ByteBuffer meta = null;
            List<long[]> frames = new ArrayList<>();
            long series = -1;
            long endFrames = -1;
            while (pos < size) {
                if (size - pos < FRAME_HEADER) {
                    throw new IOException("head snapshot ends inside a frame header at " + pos);
                }
                fh.clear();
                readFully(ch, fh, pos);
                int len = fh.getInt(0);
                int crc = fh.getInt(4);
                int type = fh.get(8);
                if (len < 1 || len > MAX_FRAME || pos + 8 + len > size) {
                    throw new IOException("head snapshot frame at " + pos + " has a bad length " + len);
                }
                if (type == SERIES) {
                    frames.add(new long[] {pos + 8, len, crc});
                } else if (type == META || type == END) {
                    ByteBuffer body = ByteBuffer.allocate(len);
                    readFully(ch, body, pos + 8);
                    checkCrc(body, crc, pos);
                    if (type == META) {
                        meta = body;
                    } else {
                        ByteIn d = new ByteIn().reset(body, 1, len);
                        series = d.getUvarint();
                        endFrames = d.getUvarint();
                    }
                } else {
                    throw new IOException("head snapshot frame at " + pos + " has unknown type " + type);
                }
                pos += 8 + len;
                if (type == END) {
                    break;
                }
            }
            if (meta == null || series < 0) {
                throw new IOException("head snapshot is incomplete (no " + (meta == null ? "meta" : "end") + " frame)");
            }
            if (endFrames != frames.size() || pos != size) {
                throw new IOException("head snapshot has " + frames.size() + " series frames and " + (size - pos)
                        + " trailing bytes; its end frame says " + endFrames + " frames");
            }
            ByteIn d = new ByteIn().reset(meta, 1, meta.capacity());
            WalPosition wal = new WalPosition((int) d.getUvarint(), d.getUvarint(), d.getInt());
            int lastId = (int) d.getUvarint();
            int nf = (int) d.getUvarint();
            List<HeadChunks.FileState> fs = new ArrayList<>();
            for (int i = 0; i < nf; i++) {
                fs.add(new HeadChunks.FileState((int) d.getUvarint(), (int) d.getUvarint(), d.getInt(), d.getVarint()));
            }
            long ns = d.getUvarint();
            if (ns < 0 || ns > Integer.MAX_VALUE - 8) { // a uvarint above 2^63 reads as negative
                throw new IOException("head snapshot claims " + ns + " symbols");
            }
            String[] symbols = new String[(int) ns];
            for (int i = 0; i < ns; i++) {
                symbols[i] = d.getString();
            }
            long nm = d.getUvarint();
            Map<String, Metadata> md = new HashMap<>();
            for (long i = 0; i < nm; i++) {
                String fam = d.getString();
                md.put(fam, new Metadata(d.getString(), d.getString(), d.getString()));
            }
            return new HeadSnapshotFile(ch, file, wal, lastId, fs, symbols, md, frames, series);
        } catch (IOException | RuntimeException e) {
            ch.close();
            if (e instanceof RuntimeException) {
                // CRC-checked, so a bug or a crafted file: either way not usable.
                throw new IOException("head snapshot meta frame is malformed: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private static void checkCrc(ByteBuffer body, int crc, long pos) throws IOException {
        CRC32C c = new CRC32C();
        c.update(body.duplicate().clear());
        if ((int) c.getValue() != crc) {
            throw new IOException("head snapshot frame at " + (pos) + " fails its checksum");
        }
    }

    static void readFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, at + b.position());
            if (n < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /** Reads and checks series frame {@code i}; returns its body (type byte at 0). Thread-safe. */
    ByteBuffer frame(int i) throws IOException {
        long[] f = frames.get(i);
        ByteBuffer body = ByteBuffer.allocate((int) f[1]);
        readFully(ch, body, f[0]);
        checkCrc(body, (int) f[2], f[0] - 8);
        return body;
    }

    /** Decodes the series of one frame body; chunk refs must point into attached files. */
    MemSeries[] decode(ByteBuffer body, HeadChunks chunks) {
        ByteIn d = new ByteIn().reset(body, 1, body.capacity());
        int n = (d.getByte() << 24) | (d.getByte() << 16) | (d.getByte() << 8) | d.getByte();
        if (n < 0 || n > body.capacity()) {
            throw new MalformedException("series frame claims " + n + " series");
        }
        MemSeries[] out = new MemSeries[n];
        for (int i = 0; i < n; i++) {
            long id = d.getUvarint();
            if (id <= 0 || id > Refs.MAX_SERIES_ID) {
                throw new MalformedException("series id " + id);
            }
            long nl = d.getUvarint();
            if (nl < 0 || nl > 10_000) {
                throw new MalformedException("series with " + nl + " labels");
            }
            String[] kv = new String[(int) nl * 2];
            for (int k = 0; k < kv.length; k++) {
                long si = d.getUvarint();
                if (si < 0 || si >= symbols.length) {
                    throw new MalformedException("label symbol " + si + " of " + symbols.length);
                }
                kv[k] = symbols[(int) si];
            }
            out[i] = MemSeries.readState((int) id, Labels.of(kv), d, chunks);
        }
        if (d.hasMore()) {
            throw new MalformedException("series frame has trailing bytes");
        }
        return out;
    }

    @Override
    public void close() {
        try {
            ch.close();
        } catch (IOException e) {
            // read-only: nothing to lose
        }
    }
}
