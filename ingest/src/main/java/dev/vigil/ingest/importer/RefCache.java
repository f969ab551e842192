package dev.vigil.ingest.importer;

import dev.vigil.tsdb.Labels;
import java.util.Arrays;

/**
 * Label set instance → the series reference the store gave it, for one import's appending thread.
 * The parser hands out the same {@link Labels} instance every time a series' bytes repeat, so a
 * time-ordered import (every series once per timestamp) finds its reference by identity instead
 * of the store hashing and comparing the label set once per sample. A reference the store no
 * longer knows (its series left the head) is resolved again by the store from the labels, so a
 * stale entry costs a lookup, never a wrong series. Bounded: cleared when half full. Not thread-safe.
 */
final class RefCache {
    private static final int MAX_CAPACITY = 1 << 18;

    private Labels[] keys = new Labels[1 << 10];
    private long[] refs = new long[1 << 10];
    private int size;

    /** The reference stored for this very instance, or 0. */
    long get(Labels l) {
        Labels[] k = keys;
        int mask = k.length - 1;
        for (int i = slot(l, mask); k[i] != null; i = (i + 1) & mask) {
            if (k[i] == l) {
                return refs[i];
            }
        }
        return 0;
    }

    void put(Labels l, long ref) {
        if (2 * (size + 1) > keys.length) {
            if (keys.length < MAX_CAPACITY) {
                grow();
            } else {
                Arrays.fill(keys, null);
                size = 0;
            }
        }
        insert(l, ref);
    }

    private void insert(Labels l, long ref) {
        int mask = keys.length - 1;
        int i = slot(l, mask);
        while (keys[i] != null && keys[i] != l) {
            i = (i + 1) & mask;
        }
        if (keys[i] == null) {
            size++;
        }
        keys[i] = l;
        refs[i] = ref;
    }

    private void grow() {
        Labels[] ok = keys;
        long[] or = refs;
        keys = new Labels[ok.length * 2];
        refs = new long[ok.length * 2];
        size = 0;
        for (int i = 0; i < ok.length; i++) {
            if (ok[i] != null) {
                insert(ok[i], or[i]);
            }
        }
    }

    private static int slot(Labels l, int mask) {
        return (System.identityHashCode(l) * 0x9E3779B9) & mask;
    }
}
