package dev.vigil.tsdb.testing;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import java.io.IOException;

/** An appender that passes every call to another; see {@link ForwardingStorage}. */
public class ForwardingAppender implements Appender {
    protected final Appender inner;

    public ForwardingAppender(Appender inner) {
        this.inner = inner;
    }

    @Override
    public long append(long ref, Labels labels, long t, double v) {
        return inner.append(ref, labels, t, v);
    }

    @Override
    public void metadata(String metricFamily, Metadata metadata) {
        inner.metadata(metricFamily, metadata);
    }

    @Override
    public void commit() throws IOException {
        inner.commit();
    }

    @Override
    public void rollback() {
        inner.rollback();
    }
}
