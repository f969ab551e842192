package dev.vigil.tsdb.head;

import java.util.Arrays;

/** What a reader copied out of a series under its lock: chunk refs, the open chunk, loose samples. */
final class HeadSnapshot {
    long[] refs = new long[4];
    long[] mints = new long[4];
    long[] maxts = new long[4];
    int nChunks;
    byte[] openBytes;
    int openLen;
    long openMinT;
    long openMaxT;
    boolean hasOpen;
    long[] looseT = new long[0];
    long[] looseBits = new long[0];
    int nLoose;
    /** True if out-of-order data is included, so sources may interleave in time. */
    boolean overlapping;

    void clear() {
        nChunks = 0;
        hasOpen = false;
        openLen = 0;
        nLoose = 0;
        overlapping = false;
    }

    void addChunk(long ref, long mint, long maxt) {
        if (nChunks == refs.length) {
            refs = Arrays.copyOf(refs, nChunks * 2);
            mints = Arrays.copyOf(mints, nChunks * 2);
            maxts = Arrays.copyOf(maxts, nChunks * 2);
        }
        refs[nChunks] = ref;
        mints[nChunks] = mint;
        maxts[nChunks] = maxt;
        nChunks++;
    }

    void addLoose(long t, long bits) {
        if (nLoose == looseT.length) {
            looseT = Arrays.copyOf(looseT, Math.max(8, nLoose * 2));
            looseBits = Arrays.copyOf(looseBits, Math.max(8, nLoose * 2));
        }
        looseT[nLoose] = t;
        looseBits[nLoose++] = bits;
    }

    /**
     * True when a chunk or loose sample is known, from its bounds alone, to hold a sample in
     * [mint, maxt]: one of its ends lies inside. False means "decode to know".
     */
    boolean surelyHasSampleIn(long mint, long maxt) {
        for (int i = 0; i < nChunks; i++) {
            if ((mints[i] >= mint && mints[i] <= maxt) || (maxts[i] >= mint && maxts[i] <= maxt)) {
                return true;
            }
        }
        if (hasOpen && ((openMinT >= mint && openMinT <= maxt) || (openMaxT >= mint && openMaxT <= maxt))) {
            return true;
        }
        for (int i = 0; i < nLoose; i++) {
            if (looseT[i] >= mint && looseT[i] <= maxt) {
                return true;
            }
        }
        return false;
    }

    boolean isEmpty() {
        return nChunks == 0 && !hasOpen && nLoose == 0;
    }
}
