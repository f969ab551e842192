package dev.vigil.tsdb.wal;

import dev.vigil.tsdb.StorageWriteException;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.io.MalformedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * The write-ahead log (docs/format/wal.md): numbered segment files of CRC32C-checked frames,
 * written with group commit. {@link #log} returns once the bytes are written and forced to the
 * device, so an acknowledged batch survives {@code kill -9} and power loss.
 *
 * <p>Thread-safe. {@link #open} replays the existing segments first (truncating a torn tail,
 * setting damaged segments aside) and then starts a new segment for writing.
 */
public final class Wal implements AutoCloseable, FrameSink {
    private static final Logger LOG = Logger.getLogger(Wal.class.getName());
    static final byte[] MAGIC = "VWAL".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    public static final int HEADER = 8;
    /** 128 MiB like Prometheus: large enough that rolls are rare, small enough to delete in steps. */
    public static final long DEFAULT_SEGMENT_BYTES = 128L << 20;

    private final Path dir;
    private final FileIo io;
    private final long segmentBytes;
    private final LatencySummary fsyncLatency = new LatencySummary();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong syncs = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final ReplayStats replayStats = new ReplayStats();

    private final ReentrantLock syncLock = new ReentrantLock();
    private Batch open = new Batch(4096);
    /** The buffer of the last batch written, for the next one to fill (under syncLock). */
    private ByteOut spare;
    private FileIo.WriteFile cur;
    private int curSegment;
    private long curSize;
    private volatile IOException broken;
    /** Why the last batch could not be written (undone: a full disk), or null once one was written since. */
    private volatile IOException lastFailure;

    private Wal(Path dir, FileIo io, long segmentBytes) {
        this.dir = dir;
        this.io = io;
        this.segmentBytes = segmentBytes;
    }

    /**
     * Opens the WAL in {@code dir}, replays the segments numbered {@code replayFrom} or above
     * into {@code handler} (the older ones are covered by a head snapshot and are left as they
     * are; 0 replays all), and starts a new segment after the highest one present.
     */
    public static Wal open(Path dir, FileIo io, long segmentBytes, WalRecords.Handler handler, int replayFrom)
            throws IOException {
        io.createDirectories(dir);
        Wal w = new Wal(dir, io, segmentBytes);
        w.deleteUnfinished();
        int last = w.replay(handler, replayFrom);
        try {
            w.newSegment(last + 1);
        } catch (IOException e) {
            if (!StorageWriteException.outOfSpace(e)) {
                throw e;
            }
            // A full disk must not keep the store from opening what it holds: queries answer,
            // and the segment is made by the first write that finds space (until then every
            // commit fails as on a disk that filled up while running).
            w.curSegment = last + 1;
            w.curSize = HEADER;
            w.lastFailure = e;
            LOG.warning("WAL: cannot start segment " + (last + 1) + " (" + e.getMessage() + "); opening without one,"
                    + " writes are refused until the disk has space");
        }
        return w;
    }

    /** Segment numbers present in {@code dir}, ascending (the store reads this before opening). */
    public static List<Integer> segments(FileIo io, Path dir) throws IOException {
        List<Integer> out = new ArrayList<>();
        for (Path p : io.list(dir)) {
            String n = p.getFileName().toString();
            if (n.length() == 8 && n.chars().allMatch(Character::isDigit)) {
                out.add(Integer.parseInt(n));
            }
        }
        out.sort(null);
        return out;
    }

    /** The file of segment {@code segment} in {@code dir}. */
    public static Path segmentPath(Path dir, int segment) {
        return dir.resolve(name(segment));
    }

    public ReplayStats replayStats() {
        return replayStats;
    }

    /** Removes checkpoints and rewrites a crash interrupted (never renamed into place, so never needed). */
    private void deleteUnfinished() throws IOException {
        for (Path p : io.list(dir)) {
            String n = p.getFileName().toString();
            if (n.length() == 12 && n.endsWith(".tmp") && n.substring(0, 8).chars().allMatch(Character::isDigit)) {
                LOG.warning("WAL: removing " + p + ", left unfinished by a crash");
                io.deleteIfExists(p);
            }
        }
    }

    /** Segment numbers present, ascending. */
    public List<Integer> segments() throws IOException {
        List<Integer> out = new ArrayList<>();
        for (Path p : io.list(dir)) {
            String n = p.getFileName().toString();
            if (n.length() == 8 && n.chars().allMatch(Character::isDigit)) {
                out.add(Integer.parseInt(n));
            }
        }
        return out;
    }

    static String name(int segment) {
        return String.format("%08d", segment);
    }

    // ---------------------------------------------------------------- replay

    private int replay(WalRecords.Handler handler, int replayFrom) throws IOException {
        List<Integer> present = segments();
        int lastPresent = present.isEmpty() ? 0 : present.get(present.size() - 1);
        List<Integer> segs = new ArrayList<>();
        for (int seg : present) {
            if (seg >= replayFrom) {
                segs.add(seg);
            }
        }
        long started = System.nanoTime();
        long lastLog = started;
        WalRecords.Decoder decoder = new WalRecords.Decoder();
        SegmentPrefetch prefetch = new SegmentPrefetch(io);
        for (int i = 0; i < segs.size(); i++) {
            int seg = segs.get(i);
            boolean isLast = i == segs.size() - 1;
            if (!isLast) {
                prefetch.next(dir.resolve(name(segs.get(i + 1))));
            }
            replaySegment(seg, isLast, decoder, handler);
            long now = System.nanoTime();
            if (now - lastLog > 5_000_000_000L || isLast) {
                LOG.info(String.format("WAL replay: segment %d of %d (%d..%d) done, %d records in %d ms",
                        i + 1, segs.size(), segs.get(0), segs.get(segs.size() - 1), replayStats.records,
                        (now - started) / 1_000_000));
                lastLog = now;
            }
        }
        prefetch.close();
        handler.finish();
        long records = replayStats.records;
        while (handler.again()) {
            // Segments repaired by the first pass (torn tails cut, damaged ones rewritten) read the same now.
            List<Integer> again = segments();
            again.sort(null);
            again.removeIf(seg -> seg < replayFrom);
            for (int i = 0; i < again.size(); i++) {
                replaySegment(again.get(i), i == again.size() - 1, decoder, handler);
            }
            handler.finish();
            LOG.info(String.format("WAL replayed again for some series: %d records in %d ms", replayStats.records - records,
                    (System.nanoTime() - started) / 1_000_000));
            replayStats.records = records;
        }
        replayStats.millis = (System.nanoTime() - started) / 1_000_000;
        return Math.max(lastPresent, segs.isEmpty() ? 0 : segs.get(segs.size() - 1));
    }

    private void replaySegment(int seg, boolean isLast, WalRecords.Decoder decoder, WalRecords.Handler handler)
            throws IOException {
        Path p = dir.resolve(name(seg));
        long fileSize = io.size(p);
        if (fileSize > Integer.MAX_VALUE) {
            throw new IOException("WAL segment " + p + " is larger than 2 GiB");
        }
        int size = (int) fileSize;
        ByteBuffer buf;
        try (FileChannel ch = io.openRead(p)) {
            buf = size == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
        boolean headerOk = size >= HEADER && buf.get(0) == MAGIC[0] && buf.get(1) == MAGIC[1]
                && buf.get(2) == MAGIC[2] && buf.get(3) == MAGIC[3] && buf.get(4) == VERSION;
        if (!headerOk) {
            if (isLast && size < HEADER) {
                // Crashed while creating the segment: nothing in it was ever acknowledged.
                LOG.warning("WAL segment " + p + " has an incomplete header (" + size + " bytes); removing it");
                replayStats.tornTails++;
                io.deleteIfExists(p);
                return;
            }
            LOG.severe("WAL segment " + p + " has a bad header; setting it aside");
            replayStats.damagedSegments++;
            io.rename(p, dir.resolve(name(seg) + ".damaged"));
            return;
        }
        List<int[]> good = new ArrayList<>(); // frame ranges kept, only built once damage is seen
        boolean damaged = false;
        int pos = HEADER;
        while (pos < size) {
            int len = frameLength(buf, pos, size);
            if (len >= 0) {
                if (damaged) {
                    good.add(new int[] {pos, pos + WalRecords.FRAME_HEADER + len});
                }
                apply(buf, pos, len, decoder, handler, p);
                pos += WalRecords.FRAME_HEADER + len;
                continue;
            }
            int next = resync(buf, pos, size);
            if (next < 0) {
                if (isLast && !damaged) {
                    LOG.warning("WAL segment " + p + ": torn tail at offset " + pos + " (" + (size - pos)
                            + " bytes) truncated");
                    replayStats.tornTails++;
                    io.truncate(p, pos);
                    return;
                }
                LOG.severe("WAL segment " + p + ": damaged from offset " + pos + " to its end (" + (size - pos)
                        + " bytes lost)");
                if (!damaged) {
                    good.add(new int[] {HEADER, pos});
                }
                damaged = true;
                break;
            }
            LOG.severe("WAL segment " + p + ": damaged bytes at offsets " + pos + ".." + next + " skipped");
            if (!damaged) {
                good.add(new int[] {HEADER, pos});
            }
            damaged = true;
            pos = next;
        }
        if (damaged) {
            replayStats.damagedSegments++;
            rewriteWithout(p, seg, buf, good);
        }
    }

    private void apply(ByteBuffer buf, int pos, int len, WalRecords.Decoder decoder, WalRecords.Handler handler,
            Path p) {
        replayStats.records++;
        try {
            decoder.decode(buf, pos + WalRecords.FRAME_HEADER, pos + WalRecords.FRAME_HEADER + len, handler);
        } catch (MalformedException e) {
            // The CRC matched, so this was written that way: a bug, not the disk. Keep going.
            replayStats.badRecords++;
            LOG.log(Level.SEVERE, "WAL segment " + p + ": undecodable record at " + pos, e);
        }
    }

    /** The frame's length if a valid frame starts at {@code pos}, else -1. */
    private static int frameLength(ByteBuffer buf, int pos, int size) {
        if (size - pos < WalRecords.FRAME_HEADER + 1) {
            return -1;
        }
        int len = buf.getInt(pos);
        if (len < 1 || len > WalRecords.MAX_FRAME || (long) pos + WalRecords.FRAME_HEADER + len > size) {
            return -1;
        }
        int type = buf.get(pos + WalRecords.FRAME_HEADER) & 0xff;
        if (type < WalRecords.SERIES || type > WalRecords.METADATA) {
            return -1;
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.slice(pos + WalRecords.FRAME_HEADER, len));
        return (int) crc.getValue() == buf.getInt(pos + 4) ? len : -1;
    }

    /** The offset of the next valid frame after a bad one at {@code pos}, or -1. */
    private static int resync(ByteBuffer buf, int pos, int size) {
        // Most damage is a few flipped bytes inside one frame whose length is intact.
        if (size - pos >= WalRecords.FRAME_HEADER) {
            int len = buf.getInt(pos);
            long after = (long) pos + WalRecords.FRAME_HEADER + len;
            if (len > 0 && after < size && frameLength(buf, (int) after, size) >= 0) {
                return (int) after;
            }
        }
        for (int q = pos + 1; q < size - WalRecords.FRAME_HEADER; q++) {
            if (frameLength(buf, q, size) >= 0) {
                return q;
            }
        }
        return -1;
    }

    /** Replaces a damaged segment by its valid frames, keeping the original as *.damaged. */
    private void rewriteWithout(Path p, int seg, ByteBuffer buf, List<int[]> good) throws IOException {
        Path tmp = dir.resolve(name(seg) + ".tmp");
        io.deleteIfExists(tmp);
        try (FileIo.WriteFile f = io.openAppend(tmp)) {
            f.write(header());
            for (int[] r : good) {
                if (r[1] > r[0]) {
                    f.write(buf.slice(r[0], r[1] - r[0]));
                }
            }
            f.force(false);
        }
        io.rename(p, dir.resolve(name(seg) + ".damaged"));
        io.rename(tmp, p);
        io.fsyncDir(dir);
    }

    private static ByteBuffer header() {
        ByteBuffer h = ByteBuffer.allocate(HEADER);
        h.put(MAGIC).put((byte) VERSION).put((byte) 0).put((byte) 0).put((byte) 0).flip();
        return h;
    }

    // ---------------------------------------------------------------- writing

    private void newSegment(int seg) throws IOException {
        cur = createSegment(seg);
        curSegment = seg;
        curSize = HEADER;
    }

    /** Creates segment {@code seg} with its header, forced; on failure (a full disk) removes what was made. */
    private FileIo.WriteFile createSegment(int seg) throws IOException {
        Path p = dir.resolve(name(seg));
        io.deleteIfExists(p);
        FileIo.WriteFile f = io.openAppend(p);
        try {
            f.write(header());
            f.force(false);
            io.fsyncDir(dir);
        } catch (IOException e) {
            try {
                f.close();
                io.deleteIfExists(p);
            } catch (IOException e2) {
                e.addSuppressed(e2);
            }
            throw e;
        }
        return f;
    }

    /**
     * Moves writing on to segment {@code seg}: the new segment is created before the current one
     * is closed, so when it cannot be (a full disk) writing goes on where it was.
     */
    private void switchTo(int seg) throws IOException {
        ensureSegment();
        cur.force(false);
        FileIo.WriteFile next = createSegment(seg);
        FileIo.WriteFile old = cur;
        cur = next;
        curSegment = seg;
        curSize = HEADER;
        old.close();
    }

    /** Creates the segment that a full disk at open left unmade ({@link #open}). */
    private void ensureSegment() throws IOException {
        if (cur == null && broken == null) {
            cur = createSegment(curSegment);
        }
    }

    /** The folder the WAL lives in. */
    public Path dir() {
        return dir;
    }

    /** The data folder holding the WAL (its parent), for messages. */
    public Path dataFolder() {
        Path p = dir.toAbsolutePath().getParent();
        return p == null ? dir : p;
    }

    /** Why the last batch could not be written (a full disk), or null once a batch was written since. */
    public IOException lastFailure() {
        return lastFailure;
    }

    /** Records that the folder takes no writes (a probe at open found it full), as a failed batch would. */
    public void markFailure(IOException e) {
        if (lastFailure == null) {
            lastFailure = e;
        }
    }

    /** Forgets {@link #lastFailure}: a probe showed the folder takes writes again. */
    public void clearFailure() {
        lastFailure = null;
    }

    /** The segment being written. */
    public int currentSegment() {
        syncLock.lock();
        try {
            return curSegment;
        } finally {
            syncLock.unlock();
        }
    }

    /** The end of what has been written: the current segment and its size (whole batches only). */
    public WalTail.Position end() {
        syncLock.lock();
        try {
            return new WalTail.Position(curSegment, curSize);
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * Closes the current segment and starts the next one; returns the number of the new one.
     * Everything logged before the call is in segments below it.
     */
    public int cut() throws IOException {
        syncLock.lock();
        try {
            flushOpen();
            switchTo(curSegment + 1);
            return curSegment;
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * Starts a new segment for writing and leaves the number below it free for a checkpoint
     * ({@link #checkpoint}); returns that free number. Everything logged before the call is in
     * segments below it, everything after in segments above it, so a checkpoint written there
     * replays before every commit that raced with its writing.
     */
    public int cutForCheckpoint() throws IOException {
        syncLock.lock();
        try {
            flushOpen();
            switchTo(curSegment + 2);
            return curSegment - 1;
        } finally {
            syncLock.unlock();
        }
    }

    /**
     * A checkpoint being written as segment {@code segment} (a number {@link #cutForCheckpoint}
     * left free): frames go to a temporary file that becomes the segment only once complete and
     * forced, so a crash while writing leaves the older segments it replaces in place.
     */
    public Checkpoint checkpoint(int segment) throws IOException {
        Path tmp = dir.resolve(name(segment) + ".tmp");
        io.deleteIfExists(tmp);
        FileIo.WriteFile f = io.openAppend(tmp);
        try {
            f.write(header());
        } catch (IOException e) {
            f.close();
            throw e;
        }
        return new Checkpoint(segment, tmp, f);
    }

    /** See {@link #checkpoint}. */
    public final class Checkpoint implements FrameSink, AutoCloseable {
        private final int segment;
        private final Path tmp;
        private FileIo.WriteFile file;

        private Checkpoint(int segment, Path tmp, FileIo.WriteFile file) {
            this.segment = segment;
            this.tmp = tmp;
            this.file = file;
        }

        @Override
        public void log(ByteOut frames) throws IOException {
            if (frames.length() > 0) {
                file.write(frames.asByteBuffer());
                bytesWritten.addAndGet(frames.length());
            }
        }

        /**
         * Forces the checkpoint and puts it in place as its segment. A marker file names it a
         * checkpoint first, so a follower of the WAL ({@link WalTail}) that has read the segments
         * below it can skip its records, which repeat theirs.
         */
        public void commit() throws IOException {
            file.force(false);
            file.close();
            file = null;
            io.create(checkpointMarker(dir, segment)).close();
            io.rename(tmp, dir.resolve(name(segment)));
            io.fsyncDir(dir);
        }

        /** Drops an unfinished checkpoint. */
        @Override
        public void close() throws IOException {
            if (file != null) {
                file.close();
                file = null;
                io.deleteIfExists(tmp);
            }
        }
    }

    /** The empty file that marks segment {@code segment} as a checkpoint (docs/format/wal.md). */
    static Path checkpointMarker(Path dir, int segment) {
        return dir.resolve(name(segment) + ".checkpoint");
    }

    /** True if segment {@code segment} in {@code dir} was written as a checkpoint. */
    static boolean isCheckpoint(FileIo io, Path dir, int segment) {
        return io.exists(checkpointMarker(dir, segment));
    }

    /** Deletes every segment numbered below {@code segment}, and their checkpoint markers. */
    public void truncateBefore(int segment) throws IOException {
        for (int s : segments()) {
            if (s < segment) {
                io.deleteIfExists(dir.resolve(name(s)));
                io.deleteIfExists(checkpointMarker(dir, s));
            }
        }
        io.fsyncDir(dir);
    }

    // ---------------------------------------------------------------- followers

    private final java.util.Set<WalTail> tails = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Opens a follower of this WAL's records from {@code from} (null: from the end as it is now).
     * Until it is closed, {@link #heldFrom} keeps the segments it still needs.
     */
    public WalTail tail(String name, WalTail.Position from) throws IOException {
        WalTail t = new WalTail(name, dir, io, this, from);
        tails.add(t);
        return t;
    }

    void untail(WalTail t) {
        tails.remove(t);
    }

    /** The lowest segment an open follower still needs, or {@code Integer.MAX_VALUE}. */
    public int heldFrom() {
        int min = Integer.MAX_VALUE;
        for (WalTail t : tails) {
            min = Math.min(min, t.keptSegment());
        }
        return min;
    }

    /**
     * Appends already framed records (see {@link WalRecords#beginFrame}) and returns when they
     * are on the device. Concurrent callers share one write and one force.
     */
    @Override
    public void log(ByteOut frames) throws IOException {
        if (frames.length() == 0) {
            return;
        }
        commits.incrementAndGet();
        Batch b;
        synchronized (this) {
            IOException e = broken;
            if (e != null) {
                throw new IOException("WAL unusable after an earlier failure", e);
            }
            b = open;
            b.buf.putBytes(frames.array(), 0, frames.length());
        }
        syncLock.lock();
        try {
            if (!b.done) {
                flushOpen();
            }
        } finally {
            syncLock.unlock();
        }
        if (b.error != null) {
            throw new IOException("WAL write failed", b.error);
        }
    }

    /** Writes and forces the open batch. Caller holds syncLock. */
    private void flushOpen() throws IOException {
        Batch b;
        ByteOut next = spare;
        spare = null;
        synchronized (this) {
            b = open;
            int want = Math.min(b.buf.length() + 1024, 1 << 20);
            if (next == null || next.array().length < want) {
                next = new ByteOut(want);
            }
            next.reset();
            open = new Batch(next);
        }
        if (b.buf.length() == 0) {
            b.done = true;
            return;
        }
        if (broken != null) {
            b.error = broken;
            b.done = true;
            return;
        }
        long before = curSize;
        try {
            try {
                ensureSegment();
            } catch (IOException e) {
                b.error = e;
                lastFailure = e;
                LOG.fine("WAL: segment " + curSegment + " still cannot be created: " + e.getMessage());
                return;
            }
            try {
                if (curSize > HEADER && curSize + b.buf.length() > segmentBytes) {
                    switchTo(curSegment + 1);
                    before = curSize;
                }
                cur.write(b.buf.asByteBuffer());
                curSize += b.buf.length();
            } catch (IOException e) {
                // A failed write (disk full) is undone so the segment ends on a frame boundary.
                b.error = e;
                boolean first = lastFailure == null;
                lastFailure = e;
                try {
                    cur.truncate(before);
                    curSize = before;
                    // Once per spell of failures: a full disk fails every push until space returns.
                    if (first) {
                        LOG.log(Level.SEVERE, "WAL write to segment " + curSegment + " failed; batch rejected, and so is"
                                + " every batch until a write succeeds again", e);
                    } else {
                        LOG.fine("WAL write to segment " + curSegment + " failed again: " + e.getMessage());
                    }
                } catch (IOException | RuntimeException e2) {
                    e.addSuppressed(e2);
                    broken = e;
                    LOG.log(Level.SEVERE, "WAL write to segment " + curSegment + " failed and could not be undone; WAL closed", e);
                }
                return;
            }
            long t0 = System.nanoTime();
            try {
                cur.force(false);
            } catch (IOException e) {
                // After a failed fsync the page cache state is unknown: accept nothing more.
                b.error = e;
                broken = e;
                LOG.log(Level.SEVERE, "WAL fsync of segment " + curSegment + " failed; WAL closed", e);
                return;
            }
            fsyncLatency.observe(System.nanoTime() - t0);
            if (lastFailure != null) {
                lastFailure = null;
            }
            syncs.incrementAndGet();
            bytesWritten.addAndGet(b.buf.length());
            if (b.buf.array().length <= 4 << 20) {
                spare = b.buf; // written and forced: nobody reads it again (waiters only look at done and error)
            }
        } finally {
            b.done = true;
        }
    }

    public LatencySummary.Snapshot fsyncLatency() {
        return fsyncLatency.snapshot();
    }

    public long bytesWritten() {
        return bytesWritten.get();
    }

    public long syncs() {
        return syncs.get();
    }

    public long commits() {
        return commits.get();
    }

    /** True once a write failed in a way that cannot be undone; commits then fail. */
    public boolean broken() {
        return broken != null;
    }

    /** Bytes of all segments on disk. */
    public long diskBytes() throws IOException {
        long n = 0;
        for (Path p : io.list(dir)) {
            n += io.size(p);
        }
        return n;
    }

    @Override
    public void close() throws IOException {
        syncLock.lock();
        try {
            if (cur != null) {
                flushOpen();
                cur.force(false);
                cur.close();
                cur = null;
            }
            broken = new IOException("WAL closed");
        } finally {
            syncLock.unlock();
        }
    }

    private static final class Batch {
        final ByteOut buf;
        boolean done;
        IOException error;

        Batch(int capacity) {
            this(new ByteOut(capacity));
        }

        Batch(ByteOut buf) {
            this.buf = buf;
        }
    }

    /** What replay found. */
    public static final class ReplayStats {
        public long records;
        public long badRecords;
        public int tornTails;
        public int damagedSegments;
        public long millis;
    }
}
