package dev.vigil.ingest.push;

import dev.vigil.ingest.text.SeriesCache;
import dev.vigil.tsdb.Labels;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Per push group, the series cache its text pushes are parsed with. A reporter writes its series
 * in the same order every push, so the group's own cache answers every line positionally and
 * hands back the label instances the group already holds. One parse per group at a time: a
 * second push to the same group waits for the first one's parse (about a millisecond) rather
 * than parsing cold with an empty cache. The key bytes of all caches are bounded by a budget;
 * a group over it parses with a fresh cache each time.
 */
final class ParseCaches {
    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock();
        SeriesCache cache;
        long bytes;
    }

    private final ConcurrentHashMap<Labels, Entry> byKey = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long budget;

    ParseCaches(long budget) {
        this.budget = budget;
    }

    /** The group's cache, held until {@link PushGroups.ParseLease#close()}. */
    PushGroups.ParseLease take(Labels key) {
        while (true) {
            Entry e = byKey.computeIfAbsent(key, k -> new Entry());
            e.lock.lock();
            if (byKey.get(key) != e) {
                e.lock.unlock(); // dropped while we waited
                continue;
            }
            if (e.cache == null) {
                e.cache = new SeriesCache();
            }
            return new PushGroups.ParseLease(e.cache, () -> give(e));
        }
    }

    private void give(Entry e) {
        try {
            long now = e.cache.keyBytes();
            long total = bytes.addAndGet(now - e.bytes);
            e.bytes = now;
            if (total > budget) {
                e.cache = null;
                bytes.addAndGet(-now);
                e.bytes = 0;
            }
        } finally {
            e.lock.unlock();
        }
    }

    /** Forgets the group's cache unless a parse holds it. */
    void drop(Labels key) {
        Entry e = byKey.get(key);
        if (e != null && e.lock.tryLock()) {
            try {
                if (byKey.remove(key, e)) {
                    bytes.addAndGet(-e.bytes);
                }
            } finally {
                e.lock.unlock();
            }
        }
    }

    long bytes() {
        return bytes.get();
    }
}
