package dev.vigil.tsdb.wal;

import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * The saved position of a WAL follower (docs/format/wal.md, "Follower positions"): 24 bytes,
 * magic, version, segment, offset and a CRC32C, written to a temporary name, forced and renamed.
 * A damaged file is set aside and reads as absent.
 */
public final class TailPositionFile {
    private static final Logger LOG = Logger.getLogger(TailPositionFile.class.getName());
    static final byte[] MAGIC = "VTAL".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int SIZE = 24;

    private TailPositionFile() {
    }

    /** Writes {@code p} to {@code file} durably. */
    public static void write(FileIo io, Path file, WalTail.Position p) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(SIZE);
        b.put(MAGIC).put((byte) VERSION).put((byte) 0).put((byte) 0).put((byte) 0);
        b.putInt(p.segment()).putLong(p.offset());
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, SIZE - 4);
        b.putInt((int) crc.getValue());
        b.flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        io.createDirectories(file.getParent());
        try (FileIo.WriteFile f = io.create(tmp)) {
            f.write(b);
            f.force(false);
        }
        io.rename(tmp, file);
        io.fsyncDir(file.getParent());
    }

    /** The position in {@code file}, or null if there is none or it is damaged (then renamed *.damaged). */
    public static WalTail.Position read(FileIo io, Path file) throws IOException {
        if (!io.exists(file)) {
            return null;
        }
        byte[] a = io.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(a);
        CRC32C crc = new CRC32C();
        boolean ok = a.length == SIZE && a[0] == MAGIC[0] && a[1] == MAGIC[1] && a[2] == MAGIC[2] && a[3] == MAGIC[3]
                && a[4] == VERSION;
        if (ok) {
            crc.update(a, 0, SIZE - 4);
            ok = (int) crc.getValue() == b.getInt(SIZE - 4);
        }
        if (!ok) {
            LOG.severe("WAL follower position " + file + " is damaged; set aside as " + file.getFileName() + ".damaged");
            io.rename(file, file.resolveSibling(file.getFileName() + ".damaged"));
            return null;
        }
        return new WalTail.Position(b.getInt(8), b.getLong(12));
    }
}
