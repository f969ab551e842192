package dev.vigil.tsdb.head;

import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.chunkenc.VxorIterator;
import java.util.Arrays;

/**
 * Iterates a {@link HeadSnapshot} within [mint, maxt]. In-order data is decoded lazily chunk
 * by chunk; once out-of-order data is involved the series' samples in range are decoded,
 * merged by time (first source wins on equal timestamps) and served from arrays.
 */
final class HeadIterator implements SampleIterator {
    private final HeadSnapshot own = new HeadSnapshot();
    private final VxorIterator chunk = new VxorIterator();
    private final int[] lenHolder = new int[1];
    private HeadSnapshot snap;
    private HeadChunks files;
    private long mint;
    private long maxt;
    private byte[] buf;
    private int ci; // next chunk index to load; nChunks = the open chunk
    private boolean inChunk;
    private boolean done;
    private boolean positioned;
    // merged mode
    private boolean merged;
    private long[] mt = new long[0];
    private long[] mb = new long[0];
    private int mn;
    private int mi;

    HeadSnapshot ownSnapshot() {
        return own;
    }

    HeadIterator reset(HeadSnapshot s, HeadChunks f, long mint, long maxt) {
        this.snap = s;
        this.files = f;
        this.mint = mint;
        this.maxt = maxt;
        this.ci = 0;
        this.inChunk = false;
        this.done = false;
        this.positioned = false;
        this.merged = s.overlapping;
        if (merged) {
            materialise();
        }
        return this;
    }

    private boolean loadNext() {
        while (true) {
            if (ci < snap.nChunks) {
                int i = ci++;
                if (snap.maxts[i] < mint) {
                    continue;
                }
                buf = files.read(snap.refs[i], buf, lenHolder);
                chunk.reset(buf, lenHolder[0]);
                return true;
            }
            if (ci == snap.nChunks && snap.hasOpen) {
                ci++;
                chunk.reset(snap.openBytes, snap.openLen);
                return true;
            }
            return false;
        }
    }

    @Override
    public boolean next() {
        if (done) {
            return false;
        }
        if (merged) {
            mi++;
            if (mi >= mn) {
                done = true;
                return false;
            }
            return true;
        }
        while (true) {
            if (!inChunk) {
                if (!loadNext()) {
                    done = true;
                    return false;
                }
                inChunk = true;
            }
            if (chunk.next()) {
                long t = chunk.t();
                if (t < mint) {
                    continue;
                }
                if (t > maxt) {
                    done = true;
                    return false;
                }
                positioned = true;
                return true;
            }
            inChunk = false;
        }
    }

    @Override
    public boolean seek(long t) {
        if (done) {
            return false;
        }
        if (merged) {
            if (mi >= 0 && mi < mn && mt[mi] >= t) {
                return true;
            }
            int lo = Math.max(mi, 0);
            int i = Arrays.binarySearch(mt, lo, mn, t);
            mi = i >= 0 ? i : -i - 1;
            if (mi >= mn) {
                done = true;
                return false;
            }
            return true;
        }
        if (positioned && chunk.t() >= t) {
            return true;
        }
        if (t < mint) {
            t = mint;
        }
        if (inChunk && ci - 1 < snap.nChunks && snap.maxts[ci - 1] < t) {
            inChunk = false;
        }
        if (!inChunk) {
            while (ci < snap.nChunks && snap.maxts[ci] < t) {
                ci++;
            }
        }
        while (true) {
            if (!inChunk) {
                if (!loadNext()) {
                    done = true;
                    return false;
                }
                inChunk = true;
            }
            if (chunk.seek(t)) {
                if (chunk.t() > maxt) {
                    done = true;
                    return false;
                }
                positioned = true;
                return true;
            }
            inChunk = false;
        }
    }

    @Override
    public int nextBatch(long[] ts, double[] vs, int off, int max) {
        int got = 0;
        if (merged) {
            while (got < max && next()) {
                ts[off + got] = mt[mi];
                vs[off + got++] = Double.longBitsToDouble(mb[mi]);
            }
            return got;
        }
        while (got < max && next()) {
            ts[off + got] = chunk.t();
            vs[off + got++] = chunk.v();
        }
        return got;
    }

    @Override
    public long t() {
        return merged ? mt[mi] : chunk.t();
    }

    @Override
    public double v() {
        return merged ? Double.longBitsToDouble(mb[mi]) : chunk.v();
    }

    private void materialise() {
        mn = 0;
        mi = -1;
        for (int i = 0; i < snap.nChunks; i++) {
            buf = files.read(snap.refs[i], buf, lenHolder);
            chunk.reset(buf, lenHolder[0]);
            drain();
        }
        if (snap.hasOpen) {
            chunk.reset(snap.openBytes, snap.openLen);
            drain();
        }
        for (int i = 0; i < snap.nLoose; i++) {
            add(snap.looseT[i], snap.looseBits[i]);
        }
        sort(0, mn - 1);
        // Drop repeated timestamps, keeping the earliest source (stable after the sort below).
        int w = 0;
        for (int i = 0; i < mn; i++) {
            if (w > 0 && mt[w - 1] == mt[i]) {
                continue;
            }
            mt[w] = mt[i];
            mb[w++] = mb[i];
        }
        mn = w;
    }

    private void drain() {
        while (chunk.next()) {
            long t = chunk.t();
            if (t > maxt) {
                break;
            }
            if (t >= mint) {
                add(t, chunk.bits());
            }
        }
    }

    private void add(long t, long bits) {
        if (mn == mt.length) {
            mt = Arrays.copyOf(mt, Math.max(64, mn * 2));
            mb = Arrays.copyOf(mb, Math.max(64, mn * 2));
        }
        mt[mn] = t;
        mb[mn++] = bits;
    }

    /** Insertion-stable merge sort of (mt, mb) by time. */
    private void sort(int lo, int hi) {
        if (hi <= lo) {
            return;
        }
        long[] tt = new long[hi - lo + 1];
        long[] bb = new long[hi - lo + 1];
        mergeSort(lo, hi + 1, tt, bb);
    }

    private void mergeSort(int from, int to, long[] tt, long[] bb) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(from, mid, tt, bb);
        mergeSort(mid, to, tt, bb);
        if (mt[mid - 1] <= mt[mid]) {
            return;
        }
        int i = from;
        int j = mid;
        int k = 0;
        while (i < mid && j < to) {
            if (mt[j] < mt[i]) {
                tt[k] = mt[j];
                bb[k++] = mb[j++];
            } else {
                tt[k] = mt[i];
                bb[k++] = mb[i++];
            }
        }
        while (i < mid) {
            tt[k] = mt[i];
            bb[k++] = mb[i++];
        }
        while (j < to) {
            tt[k] = mt[j];
            bb[k++] = mb[j++];
        }
        System.arraycopy(tt, 0, mt, from, k);
        System.arraycopy(bb, 0, mb, from, k);
    }
}
