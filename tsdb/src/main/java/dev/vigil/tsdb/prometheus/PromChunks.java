package dev.vigil.tsdb.prometheus;

import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * A block's {@code chunks/} segment files (chunks.md): each starts with magic {@code 0x85BD40DD}, version 1 and three
 * padding bytes; a chunk is a uvarint length, an encoding byte, the data and a CRC32C of encoding and data. A chunk
 * reference is the segment's position among the files (upper 32 bits, from 0) and the offset in it (lower 32).
 */
public final class PromChunks {
    static final int MAGIC = 0x85BD40DD;
    /** {@code chunkenc.EncXOR}. */
    public static final int XOR = 1;

    private final List<Bytes> segments;

    private PromChunks(List<Bytes> segments) {
        this.segments = segments;
    }

    /** Maps every segment file of {@code dir}, checking each one's header. */
    public static PromChunks open(FileIo io, Path dir) throws IOException {
        List<Path> files = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().matches("[0-9]+")).sorted().forEach(files::add);
        }
        List<Bytes> out = new ArrayList<>();
        for (Path f : files) {
            ByteBuffer buf = io.mapReadOnly(f);
            Bytes b = new Bytes(buf, f.toString());
            if (buf.limit() < 8 || buf.getInt(0) != MAGIC) {
                throw b.bad("not a Prometheus chunk segment");
            }
            if ((buf.get(4) & 0xff) != 1) {
                throw b.bad("chunk segment version " + (buf.get(4) & 0xff) + " is not supported (only 1)");
            }
            out.add(b);
        }
        return new PromChunks(out);
    }

    /** A chunk's encoding and bytes; {@code data} is reused by the next {@link #read}. */
    public static final class Chunk {
        public int encoding;
        public byte[] data = new byte[256];
        public int length;
    }

    /**
     * Reads the chunk at {@code ref} into {@code out}, checking its CRC32C.
     *
     * @throws PromFormatException naming the segment and offset when the reference or the chunk is bad
     */
    public void read(long ref, Chunk out) throws PromFormatException {
        int seg = (int) (ref >>> 32);
        int off = (int) ref;
        if (seg < 0 || seg >= segments.size()) {
            throw new PromFormatException("chunk reference " + Long.toHexString(ref) + " names segment " + seg + " of "
                    + segments.size());
        }
        Bytes in = segments.get(seg);
        if (off < 8 || off >= in.buf.limit()) {
            throw in.bad("chunk reference offset " + off + " is outside the file");
        }
        in.pos = off;
        int len = (int) in.uvarint();
        int start = in.pos;
        if (len < 0 || start + 1 + len + 4 > in.buf.limit()) {
            throw in.bad("chunk at offset " + off + " of " + len + " bytes runs past the end");
        }
        CRC32C crc = new CRC32C();
        crc.update(in.buf.slice(start, 1 + len));
        if ((int) crc.getValue() != in.buf.getInt(start + 1 + len)) {
            throw in.bad("chunk at offset " + off + ": checksum mismatch");
        }
        out.encoding = in.buf.get(start) & 0xff;
        if (out.data.length < len) {
            out.data = new byte[Math.max(len, out.data.length * 2)];
        }
        in.buf.get(start + 1, out.data, 0, len);
        out.length = len;
    }
}
