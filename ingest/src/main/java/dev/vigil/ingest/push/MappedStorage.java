package dev.vigil.ingest.push;

import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.Values;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * A store whose appenders write each series under other labels (a push label mode): the push
 * side keeps its own view of the groups as pushed, the store gets the mapped labels. A mapping to
 * null drops the series. {@link #remap} replaces the mapping (a configuration reload) for the
 * appenders opened after it.
 */
public final class MappedStorage implements Storage {
    /** Past this many distinct series the cache starts over, so churn (job ids, attempts) cannot grow it without end. */
    private static final int CACHE_LIMIT = 1 << 20;

    private final Storage inner;
    private volatile Generation current;

    public MappedStorage(Storage inner, UnaryOperator<Labels> mapping) {
        this.inner = inner;
        this.current = new Generation(mapping);
    }

    /** One mapping and what it gave: a reload starts a new generation, so no result of the old mapping is used again. */
    private static final class Generation {
        final UnaryOperator<Labels> mapping;
        final ConcurrentHashMap<Labels, Entry> cache = new ConcurrentHashMap<>();

        Generation(UnaryOperator<Labels> mapping) {
            this.mapping = mapping;
        }

        Entry entry(Labels pushed) {
            Entry e = cache.get(pushed);
            if (e == null) {
                e = new Entry(mapping.apply(pushed));
                if (cache.size() >= CACHE_LIMIT) {
                    cache.clear();
                }
                cache.put(pushed, e);
            }
            return e;
        }
    }

    /**
     * A pushed series under one mapping: its stored labels (null: dropped), the store's reference
     * for them (the caller's reference may come from an earlier mapping, so it is not used), and
     * whether its last sample was a value rather than a staleness marker.
     */
    private static final class Entry {
        final Labels mapped;
        long ref;
        boolean live;

        Entry(Labels mapped) {
            this.mapped = mapped;
        }
    }

    @Override
    public Appender appender() {
        Appender a = inner.appender();
        Generation g = current; // one mapping for the whole transaction, even across a reload
        return new Appender() {
            @Override
            public long append(long ref, Labels labels, long t, double v) {
                Entry e = g.entry(labels);
                if (e.mapped == null) {
                    return 0;
                }
                long r = a.append(e.ref, e.mapped, t, v);
                e.ref = r;
                boolean live = !Values.isStaleNaN(v);
                if (e.live != live) {
                    e.live = live;
                }
                return r;
            }

            @Override
            public void metadata(String metricFamily, Metadata metadata) {
                a.metadata(metricFamily, metadata);
            }

            @Override
            public void commit() throws IOException {
                a.commit();
            }

            @Override
            public void rollback() {
                a.rollback();
            }
        };
    }

    /**
     * Maps later pushes with {@code mapping}. A live series whose stored labels change ends at
     * {@code nowMs} with a staleness marker under its old labels, as Prometheus ends the series of
     * a target a reload replaced, so a sum over them does not count both for the lookback window.
     * A push in flight during the call finishes under the old mapping.
     */
    public synchronized void remap(UnaryOperator<Labels> mapping, long nowMs) throws IOException {
        Generation old = current;
        Generation next = new Generation(mapping);
        current = next;
        Appender a = inner.appender();
        boolean committed = false;
        try {
            for (Map.Entry<Labels, Entry> e : old.cache.entrySet()) {
                Entry was = e.getValue();
                Labels now = mapping.apply(e.getKey());
                if (now != null && now.equals(was.mapped)) {
                    next.cache.putIfAbsent(e.getKey(), was);
                } else if (was.mapped != null && was.live) {
                    try {
                        a.append(was.ref, was.mapped, nowMs, Values.STALE_NAN);
                        was.live = false;
                    } catch (AppendRejectedException ex) {
                        // A newer sample is already there (a push in flight): that series ends when it goes stale.
                    }
                }
            }
            a.commit();
            committed = true;
        } finally {
            if (!committed) {
                a.rollback();
            }
        }
    }

    @Override
    public Querier querier(long mint, long maxt) {
        return inner.querier(mint, maxt);
    }

    @Override
    public Map<String, Metadata> metadata() {
        return inner.metadata();
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
