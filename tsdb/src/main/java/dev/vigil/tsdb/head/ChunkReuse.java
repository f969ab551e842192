package dev.vigil.tsdb.head;

import dev.vigil.tsdb.chunkenc.VxorIterator;
import java.io.IOException;
import java.util.concurrent.atomic.LongAdder;

/**
 * Lets a WAL replay without a head snapshot take over the full chunks still in the head chunk
 * files instead of encoding their samples again (encoding is most of a replay's work). A chunk
 * (intact: its record passed its CRC32C when the files were read) is taken when the series' next
 * in-order samples in the WAL, starting where the series has no open chunk, are as many as the
 * chunk holds, the first at its mint with the chunk's first value, the last at its maxt, and no
 * other sample of the series lies between (docs/format/head-chunks.md says why that is enough
 * without decoding the chunk). Anything else (a damaged file, a stale chunk of a range cut into
 * a block, a chunk cut differently because a WAL checkpoint merged out-of-order samples in) stops
 * the reuse for that chunk; the samples counted so far are then appended from the chunk once a
 * hash of them equals the same hash of the WAL's samples. When it does not (the chunk held other
 * samples), or when a sample of the series comes out of order inside the range of a chunk taken
 * (whether the chunk holds it is not known), the series is set aside ({@link #setAside}): the
 * replay drops its samples and applies them again from the start of the WAL in a second pass. So the head holds the same samples as
 * after a replay that encodes everything. Each series is offered samples by one thread at a time.
 */
final class ChunkReuse {
    private final HeadChunks files;
    private final long chunkRange;
    /**
     * Chunks starting before this (the end of the newest block) are not taken: their range may
     * have been cut into a block and left the head, and samples imported there since are other
     * samples with the same times.
     */
    private final long floor;
    /** Per series id: the next candidate and the end of its candidates in {@link #refs}. */
    private final int[] next;
    private final int[] end;
    private final long[] refs;
    private final long[] mints;
    /*
     * Per series id, the chunk being followed, in flat arrays (a million series take six million
     * chunks: an object per chunk, then per series, was a fifth of a replay's CPU in garbage
     * collection): its ref, mint and maxt, the last sample counted, the hash of the samples
     * counted, the samples it holds and those still to come (0: none followed).
     */
    private final long[] fRef;
    private final long[] fMint;
    private final long[] fMaxT;
    private final long[] fLastT;
    private final long[] fHash;
    private final int[] fCount;
    private final int[] fLeft;
    /** Per series id: set aside for a second pass (its counted samples were not the chunk's). */
    private final boolean[] setAside;
    /** Per series id: chunks and samples taken, and the time range they span. */
    private final int[] takenChunks;
    private final int[] takenSamples;
    private final long[] takenFrom;
    private final long[] takenTo;
    /** Files a chunk was taken from (benign races: only ever set to true, read after the replay). */
    private final boolean[] fileUsed;
    private final LongAdder chunksTaken = new LongAdder();
    private final LongAdder samplesTaken = new LongAdder();
    private final LongAdder givenUp = new LongAdder();
    private final LongAdder setAsideCount = new LongAdder();

    ChunkReuse(HeadChunks files, HeadChunks.Found found, long chunkRange, long floor) {
        this.files = files;
        this.chunkRange = chunkRange;
        this.floor = floor;
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
        fRef = new long[limit];
        fMint = new long[limit];
        fMaxT = new long[limit];
        fLastT = new long[limit];
        fHash = new long[limit];
        fCount = new int[limit];
        fLeft = new int[limit];
        setAside = new boolean[limit];
        takenChunks = new int[limit];
        takenSamples = new int[limit];
        takenFrom = new long[limit];
        takenTo = new long[limit];
        fileUsed = new boolean[maxFile + 1];
    }

    /**
     * Loads series {@code id}'s matching state into the cache ahead of {@link #offer}: called
     * for a bucket's series one after the other, the loads overlap instead of waiting in turn.
     */
    long touch(int id) {
        return id < fLeft.length ? fLeft[id] + fLastT[id] : 0;
    }

    /** One more than the highest series id the files name (0 when they hold no chunk). */
    int seriesIdLimit() {
        return refs.length == 0 ? 0 : end.length;
    }

    /** Gives series {@code s} room for the chunks the files hold for it. */
    void reserveFor(MemSeries s) {
        int id = s.id;
        if (id < end.length && end[id] > next[id]) {
            synchronized (s) {
                s.reserveChunks(end[id] - next[id] + 1);
            }
        }
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
        int left = fLeft[id];
        if (left > 0) {
            if (t <= fLastT[id]) {
                return outOfOrder(s, t, bits, sc);
            }
            long maxt = fMaxT[id];
            // One sample too many before maxt, or maxt reached too early or passed: not this chunk.
            if (t > maxt || (t == maxt) != (left == 1)) {
                return !giveUp(s, sc);
            }
            fLastT[id] = t;
            fHash[id] = mix(fHash[id], t, bits);
            fLeft[id] = left - 1;
            if (left == 1) {
                take(s, fRef[id], fMint[id], t, bits, fCount[id]);
            }
            return true;
        }
        if (setAside[id]) {
            return true; // dropped: the second pass applies all of the series' samples
        }
        if (t <= s.lastT() && insideTaken(id, t)) {
            setAside(id);
            return true;
        }
        int k = next[id];
        int e = end[id];
        // Out of order samples are appended as usual; a chunk can only start where the series'
        // open chunk is empty or would be cut by this sample.
        if (k >= e || t < floor || t <= s.lastT() || !s.cutBefore(t, chunkRange, files)) {
            return false;
        }
        while (k < e && mints[k] != t) {
            k++;
        }
        if (k == e) {
            return false;
        }
        next[id] = k + 1;
        long ref = refs[k];
        long maxt = files.chunkMaxT(ref);
        VxorIterator it = sc.chunkStart(files, ref);
        if (maxt < t || !it.next() || it.t() != t || it.bits() != bits) {
            return false;
        }
        int n = it.count();
        if (n == 1) {
            if (maxt != t) {
                return false;
            }
            take(s, ref, t, t, bits, 1);
            return true;
        }
        s.reserveChunks(e - k + 1);
        fRef[id] = ref;
        fMint[id] = t;
        fMaxT[id] = maxt;
        fLastT[id] = t;
        fHash[id] = mix(0, t, bits);
        fCount[id] = n;
        fLeft[id] = n - 1;
        return true;
    }

    /** A hash of samples in order, to tell whether a chunk's first samples are those the WAL had. */
    static long mix(long h, long t, long bits) {
        h = (h ^ t) * 0x9E3779B97F4A7C15L;
        h = (h ^ (h >>> 31) ^ bits) * 0xBF58476D1CE4E5B9L;
        return h ^ (h >>> 29);
    }

    /**
     * Whether {@code t} (out of order for its series) lies in the range of a chunk taken: the
     * chunk was not compared with the WAL, so whether the sample is in it, as it would be when
     * the live head applied concurrent commits in another order than the WAL has them, is not
     * known. The series is then set aside: a sample the WAL counted for a chunk could otherwise
     * be missing from it.
     */
    private boolean insideTaken(int id, long t) {
        return takenChunks[id] > 0 && t >= takenFrom[id] && t <= takenTo[id];
    }

    /** Drops what series {@code id} was given so far; the second pass applies its samples again. */
    private void setAside(int id) {
        fLeft[id] = 0;
        setAside[id] = true;
        setAsideCount.increment();
        chunksTaken.add(-takenChunks[id]);
        samplesTaken.add(-takenSamples[id]);
        takenChunks[id] = 0;
        takenSamples[id] = 0;
    }

    private void take(MemSeries s, long ref, long mint, long maxt, long lastBits, int samples) {
        int id = s.id;
        if (takenChunks[id] == 0) {
            takenFrom[id] = mint;
        }
        takenTo[id] = maxt;
        takenChunks[id]++;
        takenSamples[id] += samples;
        s.takeReplayedChunk(ref, mint, maxt, lastBits);
        samplesTaken.add(samples);
        int file = Refs.chunkFile(ref);
        if (!fileUsed[file]) {
            fileUsed[file] = true; // written once: a write per chunk moved the line between the apply threads
        }
        chunksTaken.increment();
    }

    /**
     * The chunk followed by {@code s}, positioned before its first sample, when its samples up to
     * those counted so far are the WAL's; else null, and the series is set aside.
     */
    private VxorIterator counted(MemSeries s) {
        int id = s.id;
        int counted = fCount[id] - fLeft[id];
        int[] len = new int[1];
        byte[] data = files.read(fRef[id], null, len);
        VxorIterator it = new VxorIterator(data, len[0]);
        long h = 0;
        for (int j = 0; j < counted; j++) {
            if (!it.next()) {
                h = ~fHash[id];
                break;
            }
            h = mix(h, it.t(), it.bits());
        }
        if (h != fHash[id]) {
            setAside(id);
            return null;
        }
        return new VxorIterator(data, len[0]);
    }

    /**
     * An out-of-order sample while a chunk is being followed: what the series would do with it
     * had the counted samples been appended, without appending them.
     */
    private boolean outOfOrder(MemSeries s, long t, long bits, MemSeries.Scratch sc) throws IOException {
        int id = s.id;
        if (t <= s.lastT()) {
            if (insideTaken(id, t)) {
                setAside(id);
                return true;
            }
            return false; // older than every counted sample: the series decides as usual
        }
        if (t >= fMint[id]) {
            int counted = fCount[id] - fLeft[id];
            VxorIterator it = counted(s);
            if (it == null) {
                return true; // set aside
            }
            for (int j = 0; j < counted && it.next(); j++) {
                if (it.t() == t) {
                    return true; // repeated (stored once) or a duplicate (refused): nothing changes
                }
            }
        }
        s.appendOutOfOrder(t, bits, chunkRange, files, sc);
        return true;
    }

    /**
     * Appends the samples counted so far as if they had come from the WAL, and stops following
     * the chunk; false when the series was set aside instead.
     */
    private boolean giveUp(MemSeries s, MemSeries.Scratch sc) throws IOException {
        int id = s.id;
        int counted = fCount[id] - fLeft[id];
        givenUp.increment();
        VxorIterator it = counted(s);
        if (it == null) {
            return false;
        }
        fLeft[id] = 0;
        for (int j = 0; j < counted && it.next(); j++) {
            s.append(it.t(), it.bits(), Long.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, chunkRange, files, sc, true);
        }
        return true;
    }

    /** Series set aside for a second pass (indexed by id), or null when none was. */
    boolean[] setAside() {
        return setAsideCount.sum() == 0 ? null : setAside;
    }

    /** After the last sample: series still inside a chunk get the samples counted so far. */
    void finish(Head head, MemSeries.Scratch sc) throws IOException {
        for (int id = 0; id < fLeft.length; id++) {
            if (fLeft[id] > 0) {
                MemSeries s = head.seriesById(id);
                synchronized (s) {
                    giveUp(s, sc);
                }
            }
        }
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
                + "%d given up part-way, %d series set aside to be applied again", chunksTaken.sum(), refs.length,
                samplesTaken.sum(), givenUp.sum(), setAsideCount.sum());
    }
}
