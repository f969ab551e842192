package dev.vigil.tsdb.testing;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.Storage;
import java.io.IOException;
import java.util.Map;

/** A store that passes every call to another, for tests that step into one call (a stall, a cut before a commit). */
public class ForwardingStorage implements Storage {
    protected final Storage inner;

    public ForwardingStorage(Storage inner) {
        this.inner = inner;
    }

    @Override
    public Appender appender() {
        return inner.appender();
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
    public long[] rollupResolutions(long mint, long maxt) {
        return inner.rollupResolutions(mint, maxt);
    }

    @Override
    public void close() throws IOException {
        inner.close();
    }
}
