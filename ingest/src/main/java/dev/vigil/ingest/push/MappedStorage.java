package dev.vigil.ingest.push;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.Storage;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * A store whose appenders write each series under other labels (a push label mode): the push
 * side keeps its own view of the groups as pushed, the store gets the mapped labels. A mapping to
 * null drops the series.
 */
public final class MappedStorage implements Storage {
    /** Past this many distinct series the cache starts over, so churn (job ids, attempts) cannot grow it without end. */
    private static final int CACHE_LIMIT = 1 << 20;
    private static final Labels DROPPED = Labels.builder().build();

    private final Storage inner;
    private final UnaryOperator<Labels> mapping;
    private final ConcurrentHashMap<Labels, Labels> cache = new ConcurrentHashMap<>();

    public MappedStorage(Storage inner, UnaryOperator<Labels> mapping) {
        this.inner = inner;
        this.mapping = mapping;
    }

    private Labels map(Labels l) {
        Labels m = cache.get(l);
        if (m == null) {
            Labels out = mapping.apply(l);
            m = out == null ? DROPPED : out;
            if (cache.size() >= CACHE_LIMIT) {
                cache.clear();
            }
            cache.put(l, m);
        }
        return m == DROPPED ? null : m;
    }

    @Override
    public Appender appender() {
        Appender a = inner.appender();
        return new Appender() {
            @Override
            public long append(long ref, Labels labels, long t, double v) {
                Labels m = map(labels);
                return m == null ? 0 : a.append(ref, m, t, v);
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
