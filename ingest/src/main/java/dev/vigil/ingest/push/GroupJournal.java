package dev.vigil.ingest.push;

import dev.vigil.tsdb.Labels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * The push groups' change log (docs/format/push-groups.md): every change of a group's membership
 * (a group's whole new state, or its removal) is appended and forced to disk before the push or
 * DELETE is answered, so the state file only needs to be a checkpoint of it. Concurrent appends
 * share one force (the first caller to reach it forces everything written so far).
 */
final class GroupJournal implements Closeable {
    private static final Logger LOG = Logger.getLogger(GroupJournal.class.getName());
    static final int MAGIC = 0x5650474a; // "VPGJ"
    static final int VERSION = 1;
    static final byte GROUP = 1;
    static final byte DELETE = 2;
    private static final int HEADER = 8;
    private static final int MAX_FRAME = 1 << 30;

    /**
     * A change read back at start: a group's state with the stored series the change made leave
     * it, or (group null) the removal of {@code key}.
     */
    record Change(Labels key, GroupView group, List<Labels> leaving) {
    }

    private final Path stateFile;
    private final Object writeLock = new Object();
    private final Object forceLock = new Object();
    private FileChannel channel;
    private long segment;
    /** Bytes written to the current segment (guarded by writeLock); forced up to {@link #forced}. */
    private long written;
    private volatile long forced;
    private volatile long bytesSinceCheckpoint;

    GroupJournal(Path stateFile) {
        this.stateFile = stateFile;
    }

    private Path segmentPath(long n) {
        return stateFile.resolveSibling(stateFile.getFileName() + ".journal." + String.format("%08d", n));
    }

    /** Journal segments on disk, by number. */
    private TreeMap<Long, Path> segments() throws IOException {
        TreeMap<Long, Path> out = new TreeMap<>();
        Path dir = stateFile.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        String prefix = stateFile.getFileName() + ".journal.";
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path p : ds) {
                String tail = p.getFileName().toString().substring(prefix.length());
                if (tail.matches("[0-9]{8}")) {
                    out.put(Long.parseLong(tail), p);
                }
            }
        }
        return out;
    }

    /**
     * Reads every change logged since the last checkpoint, in order, then opens a new segment
     * for writing. A frame cut short or failing its checksum ends its segment (a crash during an
     * append that was therefore never acknowledged); the segment is truncated there.
     */
    List<Change> open() throws IOException {
        List<Change> out = new ArrayList<>();
        TreeMap<Long, Path> segs = segments();
        for (Map.Entry<Long, Path> e : segs.entrySet()) {
            read(e.getValue(), out);
        }
        segment = segs.isEmpty() ? 1 : segs.lastKey() + 1;
        try {
            startSegment();
        } catch (IOException e) {
            if (!dev.vigil.tsdb.StorageWriteException.outOfSpace(e)) {
                throw e;
            }
            // A full disk at start: what was read stands (the groups are restored); the first
            // change that finds space makes the segment, and changes are refused until then.
            LOG.warning("push group journal: cannot start segment " + segment + " (" + e.getMessage()
                    + "); group changes are refused until the disk has space");
        }
        return out;
    }

    private static void read(Path p, List<Change> out) throws IOException {
        byte[] all = Files.readAllBytes(p);
        ByteBuffer b = ByteBuffer.wrap(all);
        if (all.length < HEADER || b.getInt() != MAGIC) {
            LOG.warning("push group journal " + p + " has no valid header; ignored");
            return;
        }
        int version = b.getInt();
        if (version != VERSION) {
            throw new IOException("push group journal " + p + ": unknown version " + version);
        }
        int pos = HEADER;
        while (pos < all.length) {
            if (all.length - pos < 9) {
                break;
            }
            int len = b.getInt(pos);
            int crc = b.getInt(pos + 4);
            if (len < 1 || len > MAX_FRAME || (long) pos + 8 + len > all.length) {
                break;
            }
            CRC32C c = new CRC32C();
            c.update(all, pos + 8, len);
            if ((int) c.getValue() != crc) {
                break;
            }
            byte type = all[pos + 8];
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(all, pos + 9, len - 1));
            List<String> strings = new ArrayList<>();
            if (type == GROUP) {
                GroupView g = GroupCodec.readGroup(in, strings);
                int n = GroupCodec.readVarint(in);
                List<Labels> leaving = new ArrayList<>(Math.min(n, 1 << 16));
                for (int i = 0; i < n; i++) {
                    leaving.add(GroupCodec.readLabels(in, strings));
                }
                out.add(new Change(g.key(), g, leaving));
            } else if (type == DELETE) {
                out.add(new Change(GroupCodec.readLabels(in, strings), null, List.of()));
            } else {
                throw new IOException("push group journal " + p + ": unknown record type " + type + " at offset " + pos);
            }
            pos += 8 + len;
        }
        if (pos < all.length) {
            LOG.warning("push group journal " + p + ": incomplete record at offset " + pos + " (a crash during an unanswered change); "
                    + (all.length - pos) + " bytes dropped");
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
                ch.truncate(pos);
                ch.force(true);
            }
        }
    }

    private void startSegment() throws IOException {
        channel = createSegment(segment);
        written = HEADER;
        forced = HEADER;
    }

    /** Segment {@code n} with its header, forced; on failure (a full disk) nothing of it is left. */
    private FileChannel createSegment(long n) throws IOException {
        Path p = segmentPath(n);
        Files.createDirectories(p.toAbsolutePath().getParent());
        Files.deleteIfExists(p); // a header a full disk cut short, from an earlier attempt
        FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            ByteBuffer h = ByteBuffer.allocate(HEADER).putInt(MAGIC).putInt(VERSION).flip();
            while (h.hasRemaining()) {
                ch.write(h);
            }
            ch.force(true);
        } catch (IOException e) {
            try {
                ch.close();
                Files.deleteIfExists(p);
            } catch (IOException e2) {
                e.addSuppressed(e2);
            }
            throw full(e);
        }
        fsyncDir(p.toAbsolutePath().getParent());
        return ch;
    }

    /** A write the journal's disk refused: the push that needed it is answered as unable to store. */
    private IOException full(IOException e) {
        return new dev.vigil.tsdb.StorageWriteException(stateFile.toAbsolutePath().getParent(), e);
    }

    /** Logs a group's whole state and the stored series leaving it; returns once it is on disk. */
    void logGroup(GroupView g, List<Labels> leaving) throws IOException {
        ByteArrayOutputStream bo = frameBuffer(GROUP);
        DataOutputStream out = new DataOutputStream(bo);
        HashMap<String, Integer> strings = new HashMap<>();
        GroupCodec.writeGroup(out, g, strings);
        GroupCodec.writeVarint(out, leaving.size());
        for (Labels l : leaving) {
            GroupCodec.writeLabels(out, l, strings);
        }
        out.flush();
        append(bo.toByteArray());
    }

    /** Logs a group's removal and returns once it is on disk. */
    void logDelete(Labels key) throws IOException {
        ByteArrayOutputStream bo = frameBuffer(DELETE);
        GroupCodec.writeLabels(new DataOutputStream(bo), key, new HashMap<>());
        append(bo.toByteArray());
    }

    private static ByteArrayOutputStream frameBuffer(byte type) {
        ByteArrayOutputStream bo = new ByteArrayOutputStream(256);
        bo.write(new byte[8], 0, 8); // length and crc, filled in by append
        bo.write(type);
        return bo;
    }

    private void append(byte[] frame) throws IOException {
        int len = frame.length - 8;
        CRC32C c = new CRC32C();
        c.update(frame, 8, len);
        ByteBuffer.wrap(frame).putInt(0, len).putInt(4, (int) c.getValue());
        FileChannel ch;
        long end;
        synchronized (writeLock) {
            if (channel == null) {
                startSegment();
            }
            ch = channel;
            ByteBuffer buf = ByteBuffer.wrap(frame);
            try {
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            } catch (IOException e) {
                // A full disk cut the frame short: cut it off, or every later change would be
                // logged behind a torn frame, where start stops reading.
                try {
                    ch.truncate(written);
                    ch.position(written);
                } catch (IOException e2) {
                    e.addSuppressed(e2);
                }
                throw full(e);
            }
            written += frame.length;
            end = written;
            bytesSinceCheckpoint += frame.length;
        }
        synchronized (forceLock) {
            if (ch != channelNow() || forced >= end) {
                return; // a force since covered it, or roll() forced and closed that segment
            }
            long target;
            synchronized (writeLock) {
                target = written;
            }
            try {
                ch.force(false);
            } catch (IOException e) {
                throw full(e);
            }
            forced = target;
        }
    }

    private FileChannel channelNow() {
        synchronized (writeLock) {
            return channel;
        }
    }

    /** Bytes appended since the last {@link #roll()}. */
    long bytesSinceCheckpoint() {
        return bytesSinceCheckpoint;
    }

    /**
     * Starts a new segment; every change logged before is in the older ones. Returns the number
     * of the last old segment, for {@link #dropUpTo} once a checkpoint covering them is on disk.
     */
    long roll() throws IOException {
        synchronized (forceLock) {
            synchronized (writeLock) {
                // The new segment first: when a full disk refuses it, logging goes on in the old one.
                if (channel == null) {
                    startSegment();
                }
                FileChannel old = channel;
                old.force(false);
                FileChannel next = createSegment(segment + 1);
                long last = segment;
                segment++;
                channel = next;
                written = HEADER;
                forced = HEADER;
                old.close();
                bytesSinceCheckpoint = 0;
                return last;
            }
        }
    }

    /** Deletes the segments numbered up to {@code last}: a checkpoint holds what they logged. */
    void dropUpTo(long last) throws IOException {
        for (Map.Entry<Long, Path> e : segments().headMap(last, true).entrySet()) {
            Files.deleteIfExists(e.getValue());
        }
        fsyncDir(stateFile.toAbsolutePath().getParent());
    }

    private static void fsyncDir(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // Not every file system lets a directory be fsynced.
        }
    }

    @Override
    public void close() throws IOException {
        synchronized (writeLock) {
            if (channel != null) {
                channel.force(false);
                channel.close();
            }
        }
    }
}
