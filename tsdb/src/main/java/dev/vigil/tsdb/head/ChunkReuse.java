package dev.vigil.tsdb.head;

import dev.vigil.tsdb.chunkenc.VxorIterator;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lets a WAL replay without a head snapshot take over the full chunks still in the head chunk
 * files instead of encoding their samples again (encoding is most of a replay's work). A chunk
 * is taken only when its samples, decoded, equal one by one the series' next in-order samples in
 * the WAL, starting where the series has no open chunk. Anything else (a damaged file, a stale
 * chunk of a truncated range, an out-of-order chunk, a chunk cut differently because a WAL
 * checkpoint merged out-of-order samples in) stops the reuse for that series, and its samples
 * are appended from the WAL as before. So the head holds the same samples as after a replay that
 * encodes everything. Each series is offered samples by one thread at a time.
 */
final class ChunkReuse {
    private final HeadChunks files;
    private final long chunkRange;
    /** Per series id: the next candidate and the end of its candidates in {@link #refs}. */
    private final int[] next;
    private final int[] end;
    private final long[] refs;
    private final long[] mints;
    /**
     * Per series id: its matching state, kept from chunk to chunk (a million series take six
     * million chunks: one object each was a fifth of a replay's CPU in garbage collection).
     */
    private final Partial[] partial;
    /** Files a chunk was taken from (benign races: only ever set to true, read after the replay). */
    private final boolean[] fileUsed;
    private final LongAdder chunksTaken = new LongAdder();
    private final LongAdder samplesTaken = new LongAdder();
    private final LongAdder givenUp = new LongAdder();

    /** A series' chunk being matched (when {@code active}) and the buffers reused for the next one. */
    private static final class Partial {
        long ref;
        long mint;
        byte[] data;
        final int[] len = new int[1];
        final VxorIterator it = new VxorIterator();
        int matched;
        boolean active;
    }

    ChunkReuse(HeadChunks files, HeadChunks.Found found, long chunkRange) {
        this.files = files;
        this.chunkRange = chunkRange;
        int maxId = 0;
        int maxFile = 0;
        for (int i = 0; i < found.n; i++) {
            maxId = Math.max(maxId, Refs.seriesId(found.series[i]));
            maxFile = Math.max(maxFile, Refs.chunkFile(found.refs[i]));
        }
        int limit = maxId + 1;
        next = new int[limit + 1];
        end = new int[limit];
        for (int i = 0; i < found.n; i++) {
            int id = Refs.seriesId(found.series[i]);
            if (id > 0) {
                next[id + 1]++;
            }
        }
        for (int id = 1; id <= limit; id++) {
            next[id] += next[id - 1];
        }
        refs = new long[next[limit]];
        mints = new long[next[limit]];
        int[] at = java.util.Arrays.copyOf(next, limit);
        for (int i = 0; i < found.n; i++) {
            int id = Refs.seriesId(found.series[i]);
            if (id > 0) {
                int k = at[id]++;
                refs[k] = found.refs[i];
                mints[k] = found.mints[i];
            }
        }
        System.arraycopy(at, 0, end, 0, limit);
        partial = new Partial[limit];
        fileUsed = new boolean[maxFile + 1];
    }

    /**
     * Loads series {@code id}'s matching state into the cache ahead of {@link #offer}: called
     * for a bucket's series one after the other, the loads overlap instead of waiting in turn.
     */
    long touch(int id) {
        if (id >= partial.length) {
            return 0;
        }
        Partial p = partial[id];
        return p == null ? 0 : p.it.t() + p.data.length;
    }

    /** Chunks found in the files. */
    int candidates() {
        return refs.length;
    }

    /**
     * Offers series {@code s} its next sample from the WAL; true when the sample is held by a
     * chunk being taken over (the caller then does not append it). Caller holds the monitor.
     */
    boolean offer(MemSeries s, long t, long bits, MemSeries.Scratch sc) throws IOException {
        int id = s.id;
        if (id >= end.length) {
            return false;
        }
        Partial p = partial[id];
        if (p != null && p.active) {
            VxorIterator it = p.it;
            if (t <= it.t()) {
                return outOfOrder(s, p, t, bits, sc);
            }
            if (it.next() && it.t() == t && it.bits() == bits) {
                if (++p.matched == it.count()) {
                    take(s, p.ref, p.mint, t, bits, p.matched);
                    p.active = false;
                }
                return true;
            }
            giveUp(s, p, sc);
            return false;
        }
        int k = next[id];
        int e = end[id];
        // Out of order samples are appended as usual; a chunk can only start where the series'
        // open chunk is empty or would be cut by this sample.
        if (k >= e || t <= s.lastT() || !s.cutBefore(t, chunkRange, files)) {
            return false;
        }
        while (k < e && mints[k] != t) {
            k++;
        }
        if (k == e) {
            return false;
        }
        next[id] = k + 1;
        if (p == null) {
            p = new Partial();
            partial[id] = p;
        }
        p.data = files.read(refs[k], p.data, p.len);
        VxorIterator it = p.it.reset(p.data, p.len[0]);
        if (!it.next() || it.t() != t || it.bits() != bits) {
            return false;
        }
        if (it.count() == 1) {
            take(s, refs[k], t, t, bits, 1);
            return true;
        }
        p.ref = refs[k];
        p.mint = t;
        p.matched = 1;
        p.active = true;
        return true;
    }

    private void take(MemSeries s, long ref, long mint, long maxt, long lastBits, int samples) {
        s.takeReplayedChunk(ref, mint, maxt, lastBits);
        samplesTaken.add(samples);
        fileUsed[Refs.chunkFile(ref)] = true;
        chunksTaken.increment();
    }

    /**
     * An out-of-order sample while a chunk is being matched: what the series would do with it
     * had the matched samples been appended, without appending them.
     */
    private boolean outOfOrder(MemSeries s, Partial p, long t, long bits, MemSeries.Scratch sc) throws IOException {
        if (t <= s.lastT()) {
            return false; // older than every matched sample: the series decides as usual
        }
        if (t >= p.mint) {
            VxorIterator it = new VxorIterator(p.data, p.len[0]);
            for (int j = 0; j < p.matched && it.next(); j++) {
                if (it.t() == t) {
                    return true; // repeated (stored once) or a duplicate (refused): nothing changes
                }
            }
        }
        s.appendOutOfOrder(t, bits, chunkRange, files, sc);
        return true;
    }

    /** Appends the samples matched so far as if they had come from the WAL, and stops reuse for the series. */
    private void giveUp(MemSeries s, Partial p, MemSeries.Scratch sc) throws IOException {
        p.active = false;
        givenUp.increment();
        VxorIterator it = new VxorIterator(p.data, p.len[0]);
        for (int j = 0; j < p.matched && it.next(); j++) {
            s.append(it.t(), it.bits(), Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, chunkRange, files, sc, true);
        }
    }

    /** After the last sample: series still inside a chunk get the samples matched so far. */
    void finish(Head head, MemSeries.Scratch sc) throws IOException {
        for (int id = 0; id < partial.length; id++) {
            Partial p = partial[id];
            if (p != null && p.active) {
                MemSeries s = head.seriesById(id);
                synchronized (s) {
                    giveUp(s, p, sc);
                }
            }
        }
        java.util.Arrays.fill(partial, null);
    }

    /** Numbers of the files a chunk was taken from. */
    java.util.BitSet usedFiles() {
        java.util.BitSet b = new java.util.BitSet();
        for (int i = 0; i < fileUsed.length; i++) {
            if (fileUsed[i]) {
                b.set(i);
            }
        }
        return b;
    }

    long chunksTaken() {
        return chunksTaken.sum();
    }

    String summary() {
        return String.format("%d of %d chunks in the head chunk files taken over (%d samples not encoded again), "
                + "%d given up part-way", chunksTaken.sum(), refs.length, samplesTaken.sum(), givenUp.sum());
    }
}
