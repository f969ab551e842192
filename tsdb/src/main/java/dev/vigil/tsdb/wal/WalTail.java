package dev.vigil.tsdb.wal;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.io.MalformedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * A follower of the WAL's records (docs/format/wal.md, "Followers"), as Prometheus's WAL watcher
 * is for remote write: it hands every record logged after its position to a handler, in WAL
 * order, and waits at the live segment's end for more.
 *
 * <p>On the first {@link #poll} it reads the series and metadata records of everything before
 * its position and of any checkpoint after it, so the samples after it can be resolved. (A
 * series whose record is in a segment already deleted and that left the head before the
 * checkpoint cannot be: its samples reach the handler with an unknown ref.) Checkpoint segments repeat records of
 * the segments below them and are skipped, unless the segments the position needs were already
 * deleted (a gap): then reading resumes at the oldest segment, checkpoint samples included, and
 * {@link #gaps} counts it. Not thread-safe: one consumer thread polls; {@link #keep} may be called
 * from any thread.
 */
public final class WalTail implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WalTail.class.getName());

    /** A place in the WAL: the next byte to read in segment {@code segment}. */
    public record Position(int segment, long offset) {
    }

    private final String name;
    private final Path dir;
    private final FileIo io;
    private final Wal wal;
    private final WalRecords.Decoder decoder = new WalRecords.Decoder();
    private final CRC32C crc = new CRC32C();
    private ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    /** File offset of buf's first byte, and how many bytes of it are valid. */
    private long bufAt = -1;
    private int bufLen;
    private FileChannel ch;
    private int chSeg = -1;
    private int seg;
    private long off;
    private boolean scanned;
    /** After a gap: checkpoint samples are the only copy left, so they are delivered. */
    private boolean replayCheckpoints;
    private volatile int kept;
    private long gaps;
    private long damagedSkips;
    /** Whether segment {@code checkpointSeg} (an open one) is a checkpoint. */
    private int checkpointSeg = -1;
    private boolean checkpoint;

    WalTail(String name, Path dir, FileIo io, Wal wal, Position from) {
        this.name = name;
        this.dir = dir;
        this.io = io;
        this.wal = wal;
        if (from == null) {
            Position end = wal.end();
            seg = end.segment();
            off = end.offset();
        } else {
            seg = from.segment();
            off = Math.max(Wal.HEADER, from.offset());
        }
        kept = seg;
    }

    /** Where the next record will be read from: everything before it was handed out. */
    public Position position() {
        return new Position(seg, off);
    }

    /** Tells the WAL that segments below {@code p}'s are no longer needed by this follower. */
    public void keep(Position p) {
        kept = p.segment();
    }

    int keptSegment() {
        return kept;
    }

    /** Times the segments this follower needed were gone and it resumed at the oldest one. */
    public long gaps() {
        return gaps;
    }

    /**
     * Hands the next records to {@code h} (at most about {@code maxBytes} of them); returns how
     * many frames were delivered, 0 when the follower is at the end of the WAL.
     */
    public int poll(WalRecords.Handler h, int maxBytes) throws IOException {
        if (!scanned) {
            scanBefore(h);
            scanned = true;
        }
        while (true) {
            if (!openSegment()) {
                return 0;
            }
            if (checkpointSeg != seg) {
                // Asked once per segment, not per poll (a file stat and a formatted name): a
                // checkpoint's marker is made before its segment file appears, so it cannot change.
                checkpoint = Wal.isCheckpoint(io, dir, seg);
                checkpointSeg = seg;
            }
            if (checkpoint && !replayCheckpoints) {
                // Its records repeat those of the segments below it, which were read.
                if (!advance()) {
                    return 0;
                }
                continue;
            }
            int n = readFrames(h, false, Long.MAX_VALUE, maxBytes);
            if (n > 0) {
                return n;
            }
            if (!advance()) {
                return 0;
            }
        }
    }

    /** Reads series and metadata of everything before the position. */
    private void scanBefore(WalRecords.Handler h) throws IOException {
        List<Integer> present = Wal.segments(io, dir);
        if (present.isEmpty()) {
            return;
        }
        if (!present.contains(seg)) {
            int oldest = present.get(0);
            if (seg < oldest) {
                LOG.warning("WAL follower " + name + ": segment " + seg + " is gone; resuming at the oldest, " + oldest
                        + " (records in between were not sent)");
                gaps++;
                replayCheckpoints = true;
                seg = oldest;
                off = Wal.HEADER;
                kept = seg;
                return;
            }
        }
        for (int s : present) {
            if (s >= seg) {
                break;
            }
            scanSegment(h, s, Long.MAX_VALUE);
        }
        // Segments below the position may be gone (held only from the position's segment on);
        // a later checkpoint names every series the head still had, so read its series too.
        for (int s : present) {
            if (s > seg && Wal.isCheckpoint(io, dir, s)) {
                scanSegment(h, s, Long.MAX_VALUE);
            }
        }
        if (present.contains(seg)) {
            scanSegment(h, seg, off);
        }
    }

    /** Series and metadata frames of segment {@code s} from its start up to {@code limit}. */
    private void scanSegment(WalRecords.Handler h, int s, long limit) throws IOException {
        openAt(s);
        long o = Wal.HEADER;
        while (o < limit) {
            long next = scanFrames(h, o, limit);
            if (next == o) {
                break;
            }
            o = next;
        }
    }

    /** Series and metadata frames from {@code from} up to {@code limit}; returns the offset reached. */
    private long scanFrames(WalRecords.Handler h, long from, long limit) throws IOException {
        long saveOff = off;
        off = from;
        readFrames(h, true, limit, 1 << 20);
        long reached = off;
        off = saveOff;
        return reached;
    }

    /** Opens the position's segment; false if it is not there (yet). */
    private boolean openSegment() throws IOException {
        if (chSeg == seg) {
            return true;
        }
        Path p = Wal.segmentPath(dir, seg);
        if (!io.exists(p)) {
            // A number a checkpoint left free, or one not written yet: move on if a later one exists.
            return advanceToExisting();
        }
        openAt(seg);
        return true;
    }

    private void openAt(int s) throws IOException {
        closeChannel();
        ch = io.openRead(Wal.segmentPath(dir, s));
        chSeg = s;
        bufAt = -1;
        bufLen = 0;
    }

    /** Moves to the next segment once the current one is finished; false if it is not. */
    private boolean advance() throws IOException {
        if (seg >= wal.currentSegment()) {
            return false;
        }
        // Finished: every frame was written before the next segment was started.
        if (ch != null && chSeg == seg && off < ch.size()) {
            damagedSkips++;
            LOG.warning("WAL follower " + name + ": segment " + seg + " has " + (ch.size() - off)
                    + " unreadable bytes at its end; skipped");
        }
        if (Wal.isCheckpoint(io, dir, seg)) {
            replayCheckpoints = false;
        }
        return advanceToExisting();
    }

    private boolean advanceToExisting() throws IOException {
        for (int s : Wal.segments(io, dir)) {
            if (s > seg) {
                seg = s;
                off = Wal.HEADER;
                openAt(s);
                return true;
            }
        }
        return false;
    }

    /**
     * Delivers complete, CRC-valid frames from {@code off}; stops at {@code limit}, after about
     * {@code maxBytes}, or at the first frame not (yet) complete. Returns the frames read.
     */
    private int readFrames(WalRecords.Handler h, boolean seriesOnly, long limit, int maxBytes) throws IOException {
        int frames = 0;
        long start = off;
        while (off < limit && off - start < maxBytes) {
            if (!ensure(off, WalRecords.FRAME_HEADER)) {
                break;
            }
            int p = (int) (off - bufAt);
            int len = buf.getInt(p);
            if (len < 1 || len > WalRecords.MAX_FRAME) {
                break;
            }
            if (!ensure(off, WalRecords.FRAME_HEADER + len)) {
                break;
            }
            p = (int) (off - bufAt);
            int body = p + WalRecords.FRAME_HEADER;
            crc.reset();
            crc.update(buf.slice(body, len));
            if ((int) crc.getValue() != buf.getInt(p + 4)) {
                break;
            }
            int type = buf.get(body) & 0xff;
            if (!seriesOnly || type != WalRecords.SAMPLES) {
                try {
                    decoder.decode(buf, body, body + len, seriesOnly ? new SeriesOnly(h) : h);
                } catch (MalformedException e) {
                    LOG.log(Level.SEVERE, "WAL follower " + name + ": undecodable record in segment " + seg, e);
                }
            }
            off += WalRecords.FRAME_HEADER + len;
            frames++;
        }
        return frames;
    }

    /** Makes bytes [at, at+n) of the open segment available in buf; false if the file is shorter. */
    private boolean ensure(long at, int n) throws IOException {
        if (bufAt >= 0 && at >= bufAt && at + n <= bufAt + bufLen) {
            return true;
        }
        if (n > buf.capacity()) {
            buf = ByteBuffer.allocate(Math.max(n, buf.capacity() * 2));
        }
        buf.clear();
        int read = 0;
        while (read < buf.capacity()) {
            int r = ch.read(buf, at + read);
            if (r <= 0) {
                break;
            }
            read += r;
        }
        bufAt = at;
        bufLen = read;
        buf.clear();
        return read >= n;
    }

    private void closeChannel() throws IOException {
        if (ch != null) {
            ch.close();
            ch = null;
            chSeg = -1;
        }
    }

    @Override
    public void close() throws IOException {
        wal.untail(this);
        closeChannel();
    }

    /** Passes series and metadata on, drops samples (the scan before the position). */
    private record SeriesOnly(WalRecords.Handler h) implements WalRecords.Handler {
        @Override
        public void series(long ref, Labels labels) {
            h.series(ref, labels);
        }

        @Override
        public void samples(long[] refs, long[] ts, long[] bits, int n) {
        }

        @Override
        public void metadata(String family, Metadata metadata) {
            h.metadata(family, metadata);
        }
    }
}
