package dev.vigil.tsdb.tombstones;

import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.io.MalformedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The {@code tombstones} file of a data folder (docs/format/tombstones.md): every deletion in
 * force, rewritten whole on each change (temporary file, fsync, rename, fsync of the folder),
 * so a deletion acknowledged is durable and a crash leaves the old or the new file, never a mix.
 */
public final class TombstoneFile {
    public static final String NAME = "tombstones";
    private static final int MAGIC = 0x56544D42; // "VTMB"
    private static final int VERSION = 1;

    private TombstoneFile() {
    }

    /** The tombstones in {@code dir}, or none when it has no file; {@link MalformedException} when damaged. */
    public static Tombstones read(FileIo io, Path dir) throws IOException {
        Path p = dir.resolve(NAME);
        if (!io.exists(p)) {
            return Tombstones.NONE;
        }
        byte[] b = io.readAllBytes(p);
        if (b.length < 12) {
            throw new MalformedException(p + ": " + b.length + " bytes, too short for a tombstones file");
        }
        CRC32C crc = new CRC32C();
        crc.update(b, 0, b.length - 4);
        int want = ByteBuffer.wrap(b, b.length - 4, 4).getInt();
        if ((int) crc.getValue() != want) {
            throw new MalformedException(p + ": checksum mismatch");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b, 0, b.length - 4))) {
            if (in.readInt() != MAGIC) {
                throw new MalformedException(p + ": not a tombstones file (bad magic)");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new MalformedException(p + ": unknown tombstones version " + version);
            }
            int n = in.readInt();
            List<Tombstone> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long mint = in.readLong();
                long maxt = in.readLong();
                int nm = in.readUnsignedShort();
                List<Matcher> ms = new ArrayList<>(nm);
                for (int j = 0; j < nm; j++) {
                    int type = in.readUnsignedByte();
                    if (type >= Matcher.Type.values().length) {
                        throw new MalformedException(p + ": tombstone " + i + " has matcher type " + type);
                    }
                    ms.add(Matcher.of(Matcher.Type.values()[type], str(in), str(in)));
                }
                out.add(new Tombstone(ms, mint, maxt));
            }
            return new Tombstones(out);
        } catch (java.io.EOFException e) {
            throw new MalformedException(p + ": truncated record", e);
        }
    }

    /** Replaces the file in {@code dir} with {@code t} (deletes it when there are none), durably. */
    public static void write(FileIo io, Path dir, Tombstones t) throws IOException {
        Path p = dir.resolve(NAME);
        if (t.isEmpty()) {
            io.deleteIfExists(p);
            io.fsyncDir(dir);
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeInt(t.all().size());
            for (Tombstone s : t.all()) {
                out.writeLong(s.mint());
                out.writeLong(s.maxt());
                out.writeShort(s.matchers().size());
                for (Matcher m : s.matchers()) {
                    out.writeByte(m.type().ordinal());
                    str(out, m.name());
                    str(out, m.value());
                }
            }
        }
        byte[] body = bytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        ByteBuffer all = ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).flip();
        Path tmp = dir.resolve(NAME + ".tmp");
        try (FileIo.WriteFile f = io.create(tmp)) {
            f.write(all);
            f.force(true);
        }
        io.rename(tmp, p);
        io.fsyncDir(dir);
    }

    private static String str(DataInputStream in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static void str(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }
}
