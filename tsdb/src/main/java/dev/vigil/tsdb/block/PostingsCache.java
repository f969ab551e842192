package dev.vigil.tsdb.block;

import dev.vigil.tsdb.Matcher;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

/**
 * The series a matcher set selects in one block, for the last few matcher sets asked. A block
 * never changes, and a dashboard asks the same selectors of every block on each refresh: a small
 * query spent a tenth of its time resolving regexes and unions of postings again in each block.
 * Bounded in entries and in each answer's size; answers are shared, so callers only read them.
 */
final class PostingsCache {
    /** Matcher sets remembered per block. */
    static final int ENTRIES = 32;
    /** Answers larger than this (serialized) are not kept: they are a big query's, not a fixed cost. */
    static final int MAX_BYTES = 16 * 1024;

    private final Map<List<Matcher>, ImmutableRoaringBitmap> map = new LinkedHashMap<>(ENTRIES * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<List<Matcher>, ImmutableRoaringBitmap> eldest) {
            return size() > ENTRIES;
        }
    };

    /** The cached answer for {@code matchers}, or {@code resolve}'s, kept when small. */
    ImmutableRoaringBitmap get(Matcher[] matchers, Supplier<ImmutableRoaringBitmap> resolve) {
        List<Matcher> key = Arrays.asList(matchers.clone());
        synchronized (map) {
            ImmutableRoaringBitmap hit = map.get(key);
            if (hit != null) {
                return hit;
            }
        }
        ImmutableRoaringBitmap p = resolve.get();
        if (p.serializedSizeInBytes() <= MAX_BYTES) {
            synchronized (map) {
                map.put(key, p);
            }
        }
        return p;
    }

    int size() {
        synchronized (map) {
            return map.size();
        }
    }
}
