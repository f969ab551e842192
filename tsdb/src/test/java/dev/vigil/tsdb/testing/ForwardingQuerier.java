package dev.vigil.tsdb.testing;

import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.SeriesSet;
import java.util.List;

/** A querier that passes every call to another; see {@link ForwardingStorage}. */
public class ForwardingQuerier implements Querier {
    protected final Querier inner;

    public ForwardingQuerier(Querier inner) {
        this.inner = inner;
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        return inner.select(sorted, hints, matchers);
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        return inner.labelNames(matchers);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        return inner.labelValues(name, matchers);
    }

    @Override
    public void close() {
        inner.close();
    }
}
