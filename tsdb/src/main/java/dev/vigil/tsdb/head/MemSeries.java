package dev.vigil.tsdb.head;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.chunkenc.Encoding;
import dev.vigil.tsdb.chunkenc.VxorAppender;
import dev.vigil.tsdb.chunkenc.VxorIterator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * One series in the head: its labels, the open in-order chunk on the heap, the refs of its full
 * chunks in the head chunk files, and (only once out-of-order samples arrived) a small sorted
 * buffer plus out-of-order chunks. All access holds the series' monitor.
 */
final class MemSeries {
    static final int OK = 0;
    static final int OK_OOO = 1;
    static final int IDEMPOTENT = 2;
    static final int DUPLICATE = 3;
    static final int OUT_OF_ORDER = 4;
    static final int TOO_OLD = 5;
    static final int OUT_OF_BOUNDS = 6;

    final int id;
    final Labels labels;
    /** Set once a WAL series record for this id is durable. */
    volatile boolean logged;
    /**
     * Samples ever taken into open transactions ({@link #pend}, without the monitor), or
     * {@link #REMOVED} once the head dropped this series (appenders then look the labels up
     * again). With {@link #settled} it counts the samples of open transactions: a series with
     * any is never garbage-collected.
     */
    private volatile long pended;
    /** Pended samples applied or rolled back; written under the monitor only. */
    private long settled;
    static final long REMOVED = Long.MIN_VALUE;
    /**
     * {@link #lastT()} as of the last change, for the append-time check without the monitor
     * (release stores under the monitor, acquire loads outside it). A reader may see a value a
     * moment old: that only moves its check a moment earlier, and the commit checks again under
     * the monitor, as it does for anything committed in between.
     */
    private long lastTSeen = Long.MIN_VALUE;
    /** The transaction that last wrote this series' WAL record (avoids repeats within one batch). */
    long logMark;

    private VxorAppender open;
    /** End of the block range of the open chunk's first sample; Long.MIN_VALUE when not known yet. */
    private long openRangeEnd = Long.MIN_VALUE;
    private long lastBits;
    /** Full in-order chunks: refs, min and max time, in time order; null until the first. */
    private long[] chunks;
    private int nChunks;
    /** Out-of-order state, null for the vast majority of series. */
    private Ooo ooo;

    long minT = Long.MAX_VALUE;
    long maxT = Long.MIN_VALUE;

    MemSeries(int id, Labels labels) {
        this.id = id;
        this.labels = labels;
    }

    private static final java.lang.invoke.VarHandle PENDED;
    private static final java.lang.invoke.VarHandle SETTLED;
    private static final java.lang.invoke.VarHandle LAST_T_SEEN;

    static {
        try {
            java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
            PENDED = l.findVarHandle(MemSeries.class, "pended", long.class);
            SETTLED = l.findVarHandle(MemSeries.class, "settled", long.class);
            LAST_T_SEEN = l.findVarHandle(MemSeries.class, "lastTSeen", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Takes one sample of a transaction into this series, without the monitor: returns how many
     * were pended before it (for {@link #hadPending}), or {@link #REMOVED} when the head dropped
     * the series.
     */
    long pend() {
        while (true) {
            long p = pended;
            if (p == REMOVED) {
                return REMOVED;
            }
            if (PENDED.compareAndSet(this, p, p + 1)) {
                return p;
            }
        }
    }

    /** Whether {@code before}, a count {@link #pend} returned, means open samples were already there. */
    boolean hadPending(long before) {
        // settled only grows and never passes the samples pended before ours: a stale read errs
        // towards "yes", which only costs the caller an order check.
        return before != (long) SETTLED.getAcquire(this);
    }

    /** One pended sample applied or rolled back. Caller holds the monitor. */
    void settle() {
        SETTLED.setRelease(this, settled + 1);
    }

    /** Marks the series dropped if no transaction holds samples for it. Caller holds the monitor. */
    boolean retire() {
        long p = pended;
        return p != REMOVED && p == settled && PENDED.compareAndSet(this, p, REMOVED);
    }

    boolean idle() {
        long p = pended;
        return p != REMOVED && p == settled;
    }

    boolean removed() {
        return pended == REMOVED;
    }

    /** {@link #lastT()} as last published, readable without the monitor (see {@code lastTSeen}). */
    long lastTSeen() {
        return (long) LAST_T_SEEN.getAcquire(this);
    }

    private void publishLastT() {
        LAST_T_SEEN.setRelease(this, lastT());
    }

    long ref() {
        return Refs.seriesRef(id);
    }

    boolean isEmpty() {
        return nChunks == 0 && (open == null || open.count() == 0) && (ooo == null || ooo.isEmpty());
    }

    /** Latest in-order timestamp or Long.MIN_VALUE. */
    long lastT() {
        return open != null && open.count() > 0 ? open.maxT() : (nChunks > 0 ? chunks[3 * nChunks - 1] : Long.MIN_VALUE);
    }

    /**
     * Decides what an append of (t, bits) would do, without changing anything.
     *
     * @param floor samples below this are out of bounds (older than the retention)
     * @param oldest out-of-order samples below this are too old
     * @param window out-of-order window; 0 means out-of-order samples are refused
     */
    int check(long t, long bits, long floor, long oldest, long window, HeadChunks files, Scratch s) {
        if (t < floor) {
            return OUT_OF_BOUNDS;
        }
        long last = lastT();
        if (last == Long.MIN_VALUE || t > last) {
            return OK;
        }
        if (t == last) {
            return bits == lastBits ? IDEMPOTENT : DUPLICATE;
        }
        if (window <= 0) {
            return OUT_OF_ORDER;
        }
        if (t < oldest) {
            return TOO_OLD;
        }
        long existing = valueAt(t, files, s);
        if (existing != NO_VALUE_MARK || s.found) {
            return existing == bits ? IDEMPOTENT : DUPLICATE;
        }
        return OK_OOO;
    }

    private static final long NO_VALUE_MARK = 0x7ff8dead0000beefL;

    /** The raw bits stored at t (s.found tells whether any). */
    private long valueAt(long t, HeadChunks files, Scratch s) {
        s.found = false;
        if (ooo != null) {
            int i = Arrays.binarySearch(ooo.t, 0, ooo.n, t);
            if (i >= 0) {
                s.found = true;
                return ooo.bits[i];
            }
        }
        HeadSnapshot snap = s.snap;
        snapshot(t, t, files, snap);
        HeadIterator it = s.it.reset(snap, files, t, t);
        if (it.next() && it.t() == t) {
            s.found = true;
            return Double.doubleToRawLongBits(it.v());
        }
        return NO_VALUE_MARK;
    }

    /**
     * Applies an append whose check said OK or OK_OOO (re-checked here: another transaction
     * may have committed in between). Returns the outcome code.
     */
    int append(long t, long bits, long floor, long oldest, long window, long chunkRange, HeadChunks files, Scratch s,
            boolean replay) throws IOException {
        int c = replay ? check(t, bits, Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, files, s)
                : check(t, bits, floor, oldest, window, files, s);
        if (c == OK) {
            appendInOrder(t, bits, chunkRange, files);
        } else if (c == OK_OOO) {
            if (ooo == null) {
                ooo = new Ooo();
            }
            ooo.insert(t, bits);
            if (ooo.n >= Encoding.TARGET_SAMPLES) {
                ooo.flush(ref(), files, chunkRange);
            }
        } else {
            return c;
        }
        if (t < minT) {
            minT = t;
        }
        if (t > maxT) {
            maxT = t;
        }
        return c;
    }

    private void appendInOrder(long t, long bits, long chunkRange, HeadChunks files) throws IOException {
        if (open != null && open.count() > 0 && full(t, chunkRange)) {
            cut(files);
        }
        if (open == null) {
            open = new VxorAppender(24);
        }
        if (open.count() == 0) {
            openRangeEnd = rangeEnd(t, chunkRange);
        }
        open.append(t, Double.longBitsToDouble(bits));
        lastBits = bits;
        LAST_T_SEEN.setRelease(this, t);
    }

    /** Whether the non-empty open chunk must be cut before in-order sample {@code t} goes in. */
    private boolean full(long t, long chunkRange) {
        if (openRangeEnd == Long.MIN_VALUE) {
            openRangeEnd = rangeEnd(open.minT(), chunkRange); // resumed from a snapshot
        }
        // t is newer than the open chunk's samples, so it is in their block range unless at
        // or past its end (one compare per sample instead of two long divisions).
        return open.count() >= Encoding.TARGET_SAMPLES || open.byteLength() >= Encoding.MAX_BYTES - 24
                || (t >= openRangeEnd && (openRangeEnd != Long.MAX_VALUE
                        || Math.floorDiv(t, chunkRange) != Math.floorDiv(open.minT(), chunkRange)));
    }

    /**
     * Cuts the open chunk now if an in-order append of {@code t} would cut it; returns whether
     * the open chunk is empty (so a chunk starting at {@code t} may follow). Caller holds the monitor.
     */
    boolean cutBefore(long t, long chunkRange, HeadChunks files) throws IOException {
        if (open == null || open.count() == 0) {
            return true;
        }
        if (full(t, chunkRange)) {
            cut(files);
            return true;
        }
        return false;
    }

    /**
     * Applies {@code t} as an out-of-order sample (duplicate check against everything the
     * series holds), whatever {@link #lastT()} says: for a replay taking over a chunk whose
     * samples up to after {@code t} it has matched but not added yet. Caller holds the monitor.
     */
    int appendOutOfOrder(long t, long bits, long chunkRange, HeadChunks files, Scratch s) throws IOException {
        long existing = valueAt(t, files, s);
        if (existing != NO_VALUE_MARK || s.found) {
            return existing == bits ? IDEMPOTENT : DUPLICATE;
        }
        if (ooo == null) {
            ooo = new Ooo();
        }
        ooo.insert(t, bits);
        if (ooo.n >= Encoding.TARGET_SAMPLES) {
            ooo.flush(ref(), files, chunkRange);
        }
        if (t < minT) {
            minT = t;
        }
        if (t > maxT) {
            maxT = t;
        }
        return OK_OOO;
    }

    /** End (exclusive) of the block range holding t; Long.MAX_VALUE when that would overflow. */
    private static long rangeEnd(long t, long chunkRange) {
        long bucket = Math.floorDiv(t, chunkRange);
        return bucket < Long.MAX_VALUE / chunkRange - 1 ? (bucket + 1) * chunkRange : Long.MAX_VALUE;
    }

    /**
     * Reads, without the monitor, the memory the next in-order append will write (the open
     * chunk's fields and the end of its bytes), so that a commit can fetch those of its whole
     * batch at once: the apply loop then finds them in the cache instead of waiting for each
     * series' misses in turn behind its monitor enter. Racy and harmless: only reads.
     */
    int touch() {
        VxorAppender o = open;
        if (o == null) {
            return 0;
        }
        byte[] b = o.buffer();
        int i = o.byteLength();
        return b != null && i > 0 && i <= b.length ? b[i - 1] : i;
    }

    private void cut(HeadChunks files) throws IOException {
        long ref = files.write(ref(), open.minT(), open.maxT(), Encoding.VXOR, open.buffer(), open.byteLength());
        if (chunks == null) {
            chunks = new long[3 * 2];
        } else if (3 * (nChunks + 1) > chunks.length) {
            chunks = Arrays.copyOf(chunks, chunks.length * 2);
        }
        chunks[3 * nChunks] = ref;
        chunks[3 * nChunks + 1] = open.minT();
        chunks[3 * nChunks + 2] = open.maxT();
        nChunks++;
        // The next chunk most likely needs about as many bytes as this one did.
        open = new VxorAppender(Math.min(open.byteLength() + 16, Encoding.MAX_BYTES + 64));
    }

    /** True when no in-order sample waits in an open chunk. */
    boolean openEmpty() {
        return open == null || open.count() == 0;
    }

    /**
     * Forgets every sample, as if the series had just been created: for a replay that applies
     * the series again from the WAL. Caller holds the monitor.
     */
    void resetForReplay() {
        open = null;
        openRangeEnd = Long.MIN_VALUE;
        lastBits = 0;
        chunks = null;
        nChunks = 0;
        ooo = null;
        minT = Long.MAX_VALUE;
        maxT = Long.MIN_VALUE;
        publishLastT();
    }

    /** Makes room for {@code n} full chunks at once, ahead of a replay taking them over (one array, not several). */
    void reserveChunks(int n) {
        if (chunks == null) {
            chunks = new long[3 * Math.max(2, n)];
        }
    }

    /**
     * Adds a full chunk found in the head chunk files whose samples a WAL replay would append
     * next (see {@link ChunkReuse}), as if they had been appended and the chunk cut. Caller holds
     * the monitor; the open chunk is empty and {@code mint} is after {@link #lastT()}.
     */
    void takeReplayedChunk(long ref, long mint, long maxt, long lastBits) {
        if (chunks == null) {
            chunks = new long[3 * 2];
        } else if (3 * (nChunks + 1) > chunks.length) {
            chunks = Arrays.copyOf(chunks, chunks.length * 2);
        }
        chunks[3 * nChunks] = ref;
        chunks[3 * nChunks + 1] = mint;
        chunks[3 * nChunks + 2] = maxt;
        nChunks++;
        this.lastBits = lastBits;
        if (mint < minT) {
            minT = mint;
        }
        if (maxt > maxT) {
            maxT = maxt;
        }
        LAST_T_SEEN.setRelease(this, maxt);
    }

    /** Captures what a reader needs for [mint, maxt]; the reader then works without the lock. */
    void snapshot(long mint, long maxt, HeadChunks files, HeadSnapshot out) {
        out.clear();
        for (int i = 0; i < nChunks; i++) {
            if (chunks[3 * i + 2] >= mint && chunks[3 * i + 1] <= maxt) {
                out.addChunk(chunks[3 * i], chunks[3 * i + 1], chunks[3 * i + 2]);
            }
        }
        if (open != null && open.count() > 0 && open.maxT() >= mint && open.minT() <= maxt) {
            out.openBytes = open.snapshot(out.openBytes);
            out.openLen = open.byteLength();
            out.openMinT = open.minT();
            out.openMaxT = open.maxT();
            out.hasOpen = true;
        }
        if (ooo != null) {
            ooo.snapshot(mint, maxt, out);
        }
    }

    int chunkCount() {
        return nChunks + (open != null && open.count() > 0 ? 1 : 0) + (ooo == null ? 0 : ooo.nChunks + (ooo.n > 0 ? 1 : 0));
    }

    /** Drops everything that ends before {@code mint}; returns the number of chunks removed. */
    int truncateBefore(long mint) {
        int drop = 0;
        while (drop < nChunks && chunks[3 * drop + 2] < mint) {
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(chunks, 3 * drop, chunks, 0, 3 * (nChunks - drop));
            nChunks -= drop;
        }
        int removed = drop;
        if (open != null && open.count() > 0 && open.maxT() < mint) {
            open = null;
            removed++;
        }
        if (ooo != null) {
            removed += ooo.truncateBefore(mint);
            if (ooo.isEmpty()) {
                ooo = null;
            }
        }
        recomputeBounds();
        publishLastT();
        return removed;
    }

    private void recomputeBounds() {
        long lo = Long.MAX_VALUE;
        long hi = Long.MIN_VALUE;
        if (nChunks > 0) {
            lo = chunks[1];
            hi = chunks[3 * nChunks - 1];
        }
        if (open != null && open.count() > 0) {
            lo = Math.min(lo, open.minT());
            hi = Math.max(hi, open.maxT());
        }
        if (ooo != null) {
            lo = Math.min(lo, ooo.minT());
            hi = Math.max(hi, ooo.maxT());
        }
        minT = lo;
        maxT = hi;
    }

    /** Approximate heap bytes of this series' own structures (labels excluded). */
    long heapBytes() {
        long n = 64;
        if (open != null) {
            n += 56 + 16 + open.capacity();
        }
        if (chunks != null) {
            n += 16 + 8L * chunks.length;
        }
        if (ooo != null) {
            n += ooo.heapBytes();
        }
        return n;
    }

    // ------------------------------------------------------------- shutdown snapshot

    /**
     * Writes everything but id and labels (docs/format/head-snapshot.md, "Series"): the last
     * value, the full chunks' refs, the open chunk with its encoder state, the out-of-order
     * buffer and chunks. Caller holds the monitor.
     */
    void writeState(dev.vigil.tsdb.io.ByteOut b) {
        b.putLong(lastBits);
        putRefs(b, chunks, nChunks);
        if (open != null && open.count() > 0) {
            VxorAppender.State st = open.state();
            b.putByte(1).putUvarint(st.bitPos()).putUvarint(st.count()).putVarint(st.minT())
                    .putVarint(st.prevT() - st.minT()).putVarint(st.prevDelta()).putLong(st.refBits())
                    .putByte(st.leading() + 1).putByte(st.trailing());
            b.putBytes(open.buffer(), 0, open.byteLength());
        } else {
            b.putByte(0);
        }
        if (ooo != null) {
            b.putByte(1).putUvarint(ooo.n);
            for (int i = 0; i < ooo.n; i++) {
                b.putVarint(ooo.t[i]).putLong(ooo.bits[i]);
            }
            putRefs(b, ooo.chunks, ooo.nChunks);
        } else {
            b.putByte(0);
        }
    }

    private static void putRefs(dev.vigil.tsdb.io.ByteOut b, long[] c, int n) {
        b.putUvarint(n);
        long prev = 0;
        for (int i = 0; i < n; i++) {
            b.putUvarint(c[3 * i]).putVarint(c[3 * i + 1] - prev).putUvarint(c[3 * i + 2] - c[3 * i + 1]);
            prev = c[3 * i + 2];
        }
    }

    /** Reads what {@link #writeState} wrote into a new series; chunk refs must point into attached files. */
    static MemSeries readState(int id, Labels labels, dev.vigil.tsdb.io.ByteIn d, HeadChunks files) {
        MemSeries s = new MemSeries(id, labels);
        s.logged = true;
        s.lastBits = d.getLong();
        int n = count(d);
        if (n > 0) {
            s.chunks = getRefs(d, n, files);
            s.nChunks = n;
        }
        if (d.getByte() == 1) {
            int bitPos = count(d);
            int cnt = count(d);
            long minT = d.getVarint();
            long prevT = minT + d.getVarint();
            long prevDelta = d.getVarint();
            long refBits = d.getLong();
            int leading = d.getByte() - 1;
            int trailing = d.getByte();
            int len = (bitPos + 7) >>> 3;
            if (len > Encoding.MAX_BYTES + 64) {
                throw new dev.vigil.tsdb.io.MalformedException("open chunk of " + len + " bytes");
            }
            byte[] bytes = new byte[len];
            d.getBytes(bytes, len);
            try {
                s.open = VxorAppender.resume(bytes,
                        new VxorAppender.State(bitPos, cnt, minT, prevT, prevDelta, refBits, leading, trailing));
            } catch (IllegalArgumentException e) {
                throw new dev.vigil.tsdb.io.MalformedException("series " + id + ": " + e.getMessage());
            }
        }
        if (d.getByte() == 1) {
            Ooo o = new Ooo();
            int k = count(d);
            o.t = new long[Math.max(8, k)];
            o.bits = new long[Math.max(8, k)];
            for (int i = 0; i < k; i++) {
                o.t[i] = d.getVarint();
                o.bits[i] = d.getLong();
            }
            o.n = k;
            int c = count(d);
            o.chunks = c == 0 ? new long[0] : getRefs(d, c, files);
            o.nChunks = c;
            s.ooo = o;
        }
        s.recomputeBounds();
        s.publishLastT();
        return s;
    }

    private static int count(dev.vigil.tsdb.io.ByteIn d) {
        long n = d.getUvarint();
        if (n < 0 || n > 1 << 24) {
            throw new dev.vigil.tsdb.io.MalformedException("implausible count " + n);
        }
        return (int) n;
    }

    private static long[] getRefs(dev.vigil.tsdb.io.ByteIn d, int n, HeadChunks files) {
        long[] c = new long[3 * Math.max(2, n)];
        long prev = 0;
        for (int i = 0; i < n; i++) {
            long ref = d.getUvarint();
            if (!files.validRef(ref)) {
                throw new dev.vigil.tsdb.io.MalformedException("chunk ref " + Refs.chunkFile(ref) + ":"
                        + Refs.chunkOffset(ref) + " outside the head chunk files the snapshot lists");
            }
            long mint = prev + d.getVarint();
            long maxt = mint + d.getUvarint();
            c[3 * i] = ref;
            c[3 * i + 1] = mint;
            c[3 * i + 2] = maxt;
            prev = maxt;
        }
        return c;
    }

    /** Out-of-order samples: a sorted buffer of up to 120, then chunks of sorted samples. */
    private static final class Ooo {
        long[] t = new long[8];
        long[] bits = new long[8];
        int n;
        long[] chunks = new long[0];
        int nChunks;

        boolean isEmpty() {
            return n == 0 && nChunks == 0;
        }

        void insert(long ts, long b) {
            int i = Arrays.binarySearch(t, 0, n, ts);
            if (i >= 0) {
                bits[i] = b;
                return;
            }
            i = -i - 1;
            if (n == t.length) {
                t = Arrays.copyOf(t, n * 2);
                bits = Arrays.copyOf(bits, n * 2);
            }
            System.arraycopy(t, i, t, i + 1, n - i);
            System.arraycopy(bits, i, bits, i + 1, n - i);
            t[i] = ts;
            bits[i] = b;
            n++;
        }

        /** Writes the buffer as chunks, one per block range touched, so none straddles a cut. */
        void flush(long seriesRef, HeadChunks files, long chunkRange) throws IOException {
            int from = 0;
            while (from < n) {
                long bucket = Math.floorDiv(t[from], chunkRange);
                int to = from;
                VxorAppender a = new VxorAppender(256);
                while (to < n && Math.floorDiv(t[to], chunkRange) == bucket) {
                    a.append(t[to], Double.longBitsToDouble(bits[to]));
                    to++;
                }
                long ref = files.write(seriesRef, t[from], t[to - 1], Encoding.VXOR, a.buffer(), a.byteLength());
                if (3 * (nChunks + 1) > chunks.length) {
                    chunks = Arrays.copyOf(chunks, Math.max(6, chunks.length * 2));
                }
                chunks[3 * nChunks] = ref;
                chunks[3 * nChunks + 1] = t[from];
                chunks[3 * nChunks + 2] = t[to - 1];
                nChunks++;
                from = to;
            }
            n = 0;
            t = new long[8];
            bits = new long[8];
        }

        void snapshot(long mint, long maxt, HeadSnapshot out) {
            for (int i = 0; i < nChunks; i++) {
                if (chunks[3 * i + 2] >= mint && chunks[3 * i + 1] <= maxt) {
                    out.addChunk(chunks[3 * i], chunks[3 * i + 1], chunks[3 * i + 2]);
                    out.overlapping = true;
                }
            }
            for (int i = 0; i < n; i++) {
                if (t[i] >= mint && t[i] <= maxt) {
                    out.addLoose(t[i], bits[i]);
                    out.overlapping = true;
                }
            }
        }

        int truncateBefore(long mint) {
            int removed = 0;
            int w = 0;
            for (int i = 0; i < nChunks; i++) {
                if (chunks[3 * i + 2] < mint) {
                    removed++;
                } else {
                    chunks[3 * w] = chunks[3 * i];
                    chunks[3 * w + 1] = chunks[3 * i + 1];
                    chunks[3 * w + 2] = chunks[3 * i + 2];
                    w++;
                }
            }
            nChunks = w;
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (t[i] >= mint) {
                    t[k] = t[i];
                    bits[k++] = bits[i];
                }
            }
            n = k;
            return removed;
        }

        long minT() {
            long lo = n > 0 ? t[0] : Long.MAX_VALUE;
            for (int i = 0; i < nChunks; i++) {
                lo = Math.min(lo, chunks[3 * i + 1]);
            }
            return lo;
        }

        long maxT() {
            long hi = n > 0 ? t[n - 1] : Long.MIN_VALUE;
            for (int i = 0; i < nChunks; i++) {
                hi = Math.max(hi, chunks[3 * i + 2]);
            }
            return hi;
        }

        long heapBytes() {
            return 64 + 32 + 16L * t.length + 8L * chunks.length;
        }
    }

    /** Per-thread scratch space for duplicate checks. */
    static final class Scratch {
        final HeadSnapshot snap = new HeadSnapshot();
        final HeadIterator it = new HeadIterator();
        boolean found;
        private final byte[] chunkStart = new byte[HeadChunks.PREFIX];
        private final int[] chunkStartLength = new int[1];
        private final VxorIterator chunkStartIt = new VxorIterator();

        /** An iterator over the first bytes of the chunk at {@code ref}: its count and first sample. */
        VxorIterator chunkStart(HeadChunks files, long ref) {
            files.readPrefix(ref, chunkStart, chunkStartLength);
            return chunkStartIt.reset(chunkStart, chunkStartLength[0]);
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }

    static VxorIterator newChunkIterator() {
        return new VxorIterator();
    }
}
