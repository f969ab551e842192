package dev.vigil.tsdb.head;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.roaringbitmap.RoaringBitmap;

/**
 * The head's inverted index: label name → value → Roaring bitmap of series ids, plus the set of
 * all ids. {@link #select} evaluates matchers the way Prometheus's PostingsForMatchers does:
 * matchers that do not match the empty string are intersected first, the others subtract the
 * series whose value they reject, so {@code {foo=""}} keeps the series without {@code foo}.
 */
public final class Postings {
    private final Map<String, Map<String, RoaringBitmap>> index = new ConcurrentHashMap<>();
    private final RoaringBitmap all = new RoaringBitmap();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();

    public void add(int id, Labels labels) {
        lock.writeLock().lock();
        try {
            all.add(id);
            for (int i = 0; i < labels.size(); i++) {
                index.computeIfAbsent(labels.name(i), k -> new ConcurrentHashMap<>())
                        .computeIfAbsent(labels.value(i), k -> new RoaringBitmap()).add(id);
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Adds many series under one lock (ids ascending is fastest). */
    void addAll(MemSeries[] ss) {
        lock.writeLock().lock();
        try {
            for (MemSeries s : ss) {
                all.add(s.id);
                Labels labels = s.labels;
                for (int i = 0; i < labels.size(); i++) {
                    index.computeIfAbsent(labels.name(i), k -> new ConcurrentHashMap<>())
                            .computeIfAbsent(labels.value(i), k -> new RoaringBitmap()).add(s.id);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    public void remove(int id, Labels labels) {
        lock.writeLock().lock();
        try {
            all.remove(id);
            for (int i = 0; i < labels.size(); i++) {
                Map<String, RoaringBitmap> values = index.get(labels.name(i));
                if (values == null) {
                    continue;
                }
                RoaringBitmap b = values.get(labels.value(i));
                if (b != null) {
                    b.remove(id);
                    if (b.isEmpty()) {
                        values.remove(labels.value(i));
                    }
                }
                if (values.isEmpty()) {
                    index.remove(labels.name(i));
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Ids of the series matching every matcher (all series when there are none). A fresh bitmap. */
    public RoaringBitmap select(Matcher... matchers) {
        lock.readLock().lock();
        try {
            RoaringBitmap result = null;
            List<Matcher> subtract = new ArrayList<>();
            for (Matcher m : matchers) {
                if (m.matchesEmpty()) {
                    subtract.add(m);
                    continue;
                }
                RoaringBitmap b = union(m.name(), m, true);
                if (result == null) {
                    result = b;
                } else {
                    result.and(b);
                }
                if (result.isEmpty()) {
                    return result;
                }
            }
            if (result == null) {
                result = all.clone();
            }
            for (Matcher m : subtract) {
                // Series whose value for m.name is present and rejected by m.
                result.andNot(union(m.name(), m, false));
                if (result.isEmpty()) {
                    break;
                }
            }
            return result;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Union of postings of values of {@code name} for which m.matches(value) == want. */
    private RoaringBitmap union(String name, Matcher m, boolean want) {
        Map<String, RoaringBitmap> values = index.get(name);
        if (values == null) {
            return new RoaringBitmap();
        }
        if (m.type() == Matcher.Type.EQ && want) {
            RoaringBitmap b = values.get(m.value());
            return b == null ? new RoaringBitmap() : b.clone();
        }
        if (m.type() == Matcher.Type.NEQ && !want) {
            RoaringBitmap b = values.get(m.value());
            return b == null ? new RoaringBitmap() : b.clone();
        }
        List<RoaringBitmap> parts = new ArrayList<>();
        for (Map.Entry<String, RoaringBitmap> e : values.entrySet()) {
            if (m.matches(e.getKey()) == want) {
                parts.add(e.getValue());
            }
        }
        return RoaringBitmap.or(parts.iterator());
    }

    /** Label names present in the head, sorted. */
    public Collection<String> names() {
        return new TreeSet<>(index.keySet());
    }

    /** Values of a label present in the head, sorted. */
    public Collection<String> values(String name) {
        Map<String, RoaringBitmap> values = index.get(name);
        return values == null ? List.of() : new TreeSet<>(values.keySet());
    }

    /** Bitmap of series having name=value (a copy). */
    public RoaringBitmap get(String name, String value) {
        lock.readLock().lock();
        try {
            Map<String, RoaringBitmap> values = index.get(name);
            RoaringBitmap b = values == null ? null : values.get(value);
            return b == null ? new RoaringBitmap() : b.clone();
        } finally {
            lock.readLock().unlock();
        }
    }

    public long heapBytes() {
        lock.readLock().lock();
        try {
            long n = all.getLongSizeInBytes();
            for (Map<String, RoaringBitmap> v : index.values()) {
                for (RoaringBitmap b : v.values()) {
                    n += b.getLongSizeInBytes() + 64;
                }
            }
            return n;
        } finally {
            lock.readLock().unlock();
        }
    }
}
