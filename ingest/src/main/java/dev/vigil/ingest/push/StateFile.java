package dev.vigil.ingest.push;

import dev.vigil.tsdb.Labels;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * Push group state on disk (format in docs/format/push-groups.md): what each group holds — keys,
 * families with type, help and pushed label sets, last values and push times — so groups, their
 * expiry clock and their staleness handling survive a restart. Written whole to a temporary
 * file, fsynced, renamed over the old one; a CRC32C trailer covers everything. Strings go through
 * a table (a Flink push repeats the same few hundred label values), which keeps the file small.
 */
final class StateFile {
    private static final int MAGIC = 0x56504753; // "VPGS"
    private static final int VERSION = 1;

    private final Path file;

    StateFile(Path file) {
        this.file = file;
    }

    List<GroupView> load() throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        if (all.length < 12) {
            throw new IOException("file too short (" + all.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(all, 0, all.length - 4);
        int want = ((all[all.length - 4] & 0xff) << 24) | ((all[all.length - 3] & 0xff) << 16) | ((all[all.length - 2] & 0xff) << 8)
                | (all[all.length - 1] & 0xff);
        if ((int) crc.getValue() != want) {
            throw new IOException("checksum mismatch");
        }
        DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 4));
        if (in.readInt() != MAGIC) {
            throw new IOException("not a push group state file");
        }
        int version = in.readInt();
        if (version != VERSION) {
            throw new IOException("unknown version " + version);
        }
        List<String> strings = new ArrayList<>();
        int groups = in.readInt();
        List<GroupView> out = new ArrayList<>(groups);
        for (int gi = 0; gi < groups; gi++) {
            out.add(GroupCodec.readGroup(in, strings));
        }
        return out;
    }

    void write(List<GroupView> groups) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.createDirectories(file.toAbsolutePath().getParent());
        try {
            writeTemporary(tmp, groups);
        } catch (IOException | RuntimeException e) {
            // A full disk fails it part-way: the part written must not keep holding the space.
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e2) {
                e.addSuppressed(e2);
            }
            throw e;
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException ignored) {
            // Not every file system lets a directory be fsynced; the rename is still atomic.
        }
    }

    private static void writeTemporary(Path tmp, List<GroupView> groups) throws IOException {
        CRC32C crc = new CRC32C();
        try (OutputStream fo = Files.newOutputStream(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
                CheckedOutputStream co = new CheckedOutputStream(new BufferedOutputStream(fo, 1 << 16), crc);
                DataOutputStream out = new DataOutputStream(co)) {
            HashMap<String, Integer> strings = new HashMap<>();
            out.writeInt(MAGIC);
            out.writeInt(VERSION);
            out.writeInt(groups.size());
            for (GroupView g : groups) {
                GroupCodec.writeGroup(out, g, strings);
            }
            out.flush();
            // The trailer is outside the checksum it carries.
            int c = (int) crc.getValue();
            fo.write(new byte[] {(byte) (c >>> 24), (byte) (c >>> 16), (byte) (c >>> 8), (byte) c});
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Moves a damaged file out of the way; returns its new name. */
    String setAside(long nowMs) {
        Path aside = file.resolveSibling(file.getFileName() + ".damaged-" + nowMs);
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            return aside.toString();
        } catch (IOException e) {
            return "(could not move: " + e.getMessage() + ")";
        }
    }

}
