package dev.vigil.tsdb.block.chunks;

import dev.vigil.tsdb.io.ByteIn;
import dev.vigil.tsdb.block.codec.ChunkCodec;
import dev.vigil.tsdb.io.MalformedException;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads chunks from the memory-mapped segment files of one block. Thread-safe: reads use
 * absolute positions only; per-reader state lives in a {@link Cursor}.
 */
public final class ChunkReader {
    private final ByteBuffer[] segments;

    private ChunkReader(ByteBuffer[] segments) {
        this.segments = segments;
    }

    /**
     * Maps every segment and checks its header.
     *
     * @throws MalformedException when a segment is missing, misnumbered or has a bad header
     */
    public static ChunkReader open(FileIo fs, Path dir) throws IOException {
        List<Path> files = fs.list(dir);
        List<ByteBuffer> maps = new ArrayList<>();
        int expect = 1;
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (!name.equals(ChunkWriter.segmentName(expect))) {
                throw new MalformedException("unexpected file chunks/" + name + " (expected " + ChunkWriter.segmentName(expect) + ")");
            }
            ByteBuffer b = fs.mapReadOnly(f);
            if (b.capacity() < ChunkWriter.HEADER_SIZE || b.getInt(0) != ChunkWriter.MAGIC) {
                throw new MalformedException("chunks/" + name + ": bad magic");
            }
            if (b.get(4) != ChunkWriter.VERSION) {
                throw new MalformedException("chunks/" + name + ": unsupported version " + b.get(4));
            }
            if (b.get(5) != 0 || b.get(6) != 0 || b.get(7) != 0) {
                throw new MalformedException("chunks/" + name + ": header padding not zero");
            }
            maps.add(b);
            expect++;
        }
        return new ChunkReader(maps.toArray(new ByteBuffer[0]));
    }

    /** Checks every chunk's CRC in every segment; returns the number of chunks. */
    public long verifyAll() {
        Cursor c = new Cursor();
        long count = 0;
        for (int s = 0; s < segments.length; s++) {
            int off = ChunkWriter.HEADER_SIZE;
            int cap = segments[s].capacity();
            while (off < cap) {
                off = c.load(ChunkRef.of(s + 1, off));
                count++;
            }
        }
        return count;
    }

    /** Per-thread decoding state: buffers, codecs and decoded samples. */
    public final class Cursor {
        private final ChunkCodec codec = new ChunkCodec();
        private final ChunkCodec refCodec = new ChunkCodec();
        private final CRC32C crc = new CRC32C();
        private final ByteIn in = new ByteIn();
        private final ByteIn refIn = new ByteIn();
        private byte[] bytes = new byte[1 << 12];
        private byte[] refBytes = new byte[0];
        private int encoding;
        private int dataLen;

        /** Decodes chunk {@code ref} into t and v; returns the sample count. */
        public int read(long ref, long[] t, double[] v) {
            return read(ref, (enc, data, sameAs) -> codec.decode(enc, data, t, v, sameAs));
        }

        /** Decodes a chunk's bytes; {@code sameAs} resolves a timestamp back reference. */
        @FunctionalInterface
        public interface Decoder {
            int decode(int encoding, ByteIn data, ChunkCodec.TimestampSource sameAs);
        }

        /** Checks chunk {@code ref}'s CRC and hands its bytes to {@code d}; returns what d returns. */
        public int read(long ref, Decoder d) {
            load(ref);
            int segment = ChunkRef.segment(ref);
            int offset = ChunkRef.offset(ref);
            in.reset(bytes, 1, dataLen);
            return d.decode(encoding, in, (back, ts) -> {
                if (back <= 0 || back > offset - ChunkWriter.HEADER_SIZE) {
                    throw new MalformedException("timestamp reference " + back + " bytes back from offset " + offset);
                }
                long target = ChunkRef.of(segment, offset - back);
                byte[] keep = bytes;
                int keepEnc = encoding;
                int keepLen = dataLen;
                bytes = refBytes;
                try {
                    load(target);
                    refIn.reset(bytes, 1, dataLen);
                    return refCodec.decodeTimestamps(encoding, refIn, ts);
                } finally {
                    refBytes = bytes;
                    bytes = keep;
                    encoding = keepEnc;
                    dataLen = keepLen;
                }
            });
        }

        /** Copies a chunk's encoding and data into {@code bytes} after checking its CRC; returns the offset after it. */
        int load(long ref) {
            int s = ChunkRef.segment(ref);
            if (s < 1 || s > segments.length) {
                throw new MalformedException("chunk ref " + Long.toHexString(ref) + " names missing segment " + s);
            }
            ByteBuffer seg = segments[s - 1];
            int off = ChunkRef.offset(ref);
            int cap = seg.capacity();
            if (off < ChunkWriter.HEADER_SIZE || off >= cap) {
                throw new MalformedException("chunk ref " + Long.toHexString(ref) + " beyond segment end");
            }
            long len = 0;
            int p = off;
            for (int shift = 0;; shift += 7) {
                if (p >= cap || shift > 28) {
                    throw new MalformedException("bad chunk length at " + Long.toHexString(ref));
                }
                int b = seg.get(p++);
                len |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    break;
                }
            }
            long total = len + 1;
            if (p + total + 4 > cap) {
                throw new MalformedException("chunk at " + Long.toHexString(ref) + " of " + len + " bytes runs past segment end");
            }
            int n = (int) total;
            if (bytes.length < n) {
                bytes = new byte[Math.max(n, bytes.length * 2)];
            }
            seg.get(p, bytes, 0, n);
            crc.reset();
            crc.update(bytes, 0, n);
            int want = seg.getInt(p + n);
            if ((int) crc.getValue() != want) {
                throw new MalformedException("checksum mismatch in chunk " + Long.toHexString(ref));
            }
            encoding = bytes[0] & 0xFF;
            dataLen = n - 1;
            return p + n + 4;
        }
    }
}
