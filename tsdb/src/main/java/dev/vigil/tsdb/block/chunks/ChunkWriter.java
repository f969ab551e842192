package dev.vigil.tsdb.block.chunks;

import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.block.codec.ChunkCodec;
import dev.vigil.tsdb.io.FileIo;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Appends encoded chunks to the segment files of a block being written. Remembers recent
 * timestamp columns so a series pushed together with an earlier one stores a back reference
 * instead of its timestamps. Not thread-safe.
 */
public final class ChunkWriter implements Closeable {
    /** "VCK1". */
    public static final int MAGIC = 0x56434B31;
    public static final int VERSION = 1;
    public static final int HEADER_SIZE = 8;
    /** Segment cut size: 512 MiB, as Prometheus, well inside a 2 GiB mapping. */
    public static final long DEFAULT_SEGMENT_SIZE = 512L << 20;
    /** Distinct timestamp columns remembered; a TaskManager pushes all its series at once, so few. */
    private static final int MAX_REMEMBERED_COLUMNS = 256;

    private final FileIo fs;
    private final Path dir;
    private final long segmentSize;
    private final ChunkCodec codec = new ChunkCodec();
    private final ByteOut chunk = new ByteOut(1 << 14);
    private final ByteOut buf = new ByteOut(1 << 20);
    private final CRC32C crc = new CRC32C();
    private final Map<Long, Column> columns = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Column> e) {
            return size() > MAX_REMEMBERED_COLUMNS;
        }
    };
    private FileIo.WriteFile out;
    private int segment;
    private long offset;
    private long bytesWritten;

    private record Column(long offset, long[] t) {
    }

    public ChunkWriter(FileIo fs, Path dir, long segmentSize) {
        this.fs = fs;
        this.dir = dir;
        this.segmentSize = segmentSize;
    }

    public ChunkCodec codec() {
        return codec;
    }

    /** Encodes and appends samples [0, n) of one series; returns the chunk reference. */
    public long write(long[] t, double[] v, int n) throws IOException {
        return write(t, n, (sameAsBack, o) -> codec.encode(t, v, n, sameAsBack, o));
    }

    /** Encodes a chunk's bytes (encoding byte first) given where its timestamps may refer back to. */
    @FunctionalInterface
    public interface Encoder {
        /** @param sameAsBack ≥ 0: the timestamps equal the chunk this many bytes back; −1: store them */
        void encode(long sameAsBack, ByteOut out);
    }

    /**
     * Appends a chunk whose bytes {@code enc} writes, sharing the timestamp column with an
     * earlier chunk of the segment when {@code t[0, n)} are the same; returns the chunk reference.
     */
    public long write(long[] t, int n, Encoder enc) throws IOException {
        long hash = hash(t, n);
        Column same = columns.get(hash);
        long start = offset;
        chunk.reset();
        boolean reuse = same != null && same.t.length == n && Arrays.equals(same.t, 0, n, t, 0, n);
        // Encode once assuming no cut; a cut invalidates the back reference, so encode again.
        enc.encode(reuse ? start - same.offset : -1, chunk);
        int recordSize = ByteOut.uvarintSize(chunk.length() - 1) + chunk.length() + 4;
        if (out == null || offset + recordSize > segmentSize && offset > HEADER_SIZE) {
            cut();
            start = offset;
            if (reuse) {
                reuse = false;
                chunk.reset();
                enc.encode(-1, chunk);
            }
        }
        byte[] b = chunk.array();
        int len = chunk.length();
        buf.putUvarint(len - 1);
        buf.putBytes(b, 0, len);
        crc.reset();
        crc.update(b, 0, len);
        buf.putInt((int) crc.getValue());
        offset += ByteOut.uvarintSize(len - 1) + len + 4;
        if (!reuse) {
            columns.put(hash, new Column(start, Arrays.copyOf(t, n)));
        }
        if (buf.length() >= 1 << 20) {
            flush();
        }
        return ChunkRef.of(segment, start);
    }

    private static long hash(long[] t, int n) {
        long h = n;
        for (int i = 0; i < n; i++) {
            h = h * 0x9E3779B97F4A7C15L + t[i];
            h ^= h >>> 29;
        }
        return h;
    }

    private void cut() throws IOException {
        finishSegment();
        segment++;
        out = fs.create(dir.resolve(segmentName(segment)));
        offset = 0;
        buf.putInt(MAGIC);
        buf.putByte(VERSION);
        buf.putByte(0);
        buf.putByte(0);
        buf.putByte(0);
        offset = HEADER_SIZE;
        columns.clear();
    }

    public static String segmentName(int segment) {
        return String.format("%06d", segment);
    }

    private void flush() throws IOException {
        if (buf.length() > 0) {
            out.write(ByteBuffer.wrap(buf.array(), 0, buf.length()));
            bytesWritten += buf.length();
            buf.reset();
        }
    }

    private void finishSegment() throws IOException {
        if (out != null) {
            flush();
            out.force(true);
            out.close();
            out = null;
        }
    }

    /** Total bytes of the segment files so far. */
    public long bytesWritten() {
        return bytesWritten + buf.length();
    }

    /** Flushes, fsyncs and closes the current segment. */
    @Override
    public void close() throws IOException {
        finishSegment();
    }
}
