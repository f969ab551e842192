package dev.vigil.ingest.importer;

import dev.vigil.ingest.IngestException;
import dev.vigil.ingest.text.Bodies;
import dev.vigil.ingest.text.ExpositionFormat;
import dev.vigil.ingest.text.MalformedBodyException;
import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** Imports text with timestamps into the store as it streams in, one transaction per batch. */
public final class ImportAppender {
    private final Storage storage;
    private final LongSupplier clock;

    public ImportAppender(Storage storage, LongSupplier clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /**
     * Imports a body; returns the samples stored.
     *
     * @throws IngestException.Refused when the store refuses a sample: the batches before it stay stored
     */
    public long importBody(InputStream raw, String contentType, String contentEncoding, List<String> extraLabels)
            throws IngestException, IOException {
        Map<String, String> extra;
        try {
            extra = PrometheusImporter.extraLabels(extraLabels);
        } catch (IllegalArgumentException e) {
            throw new IngestException.BadInput("extra_label", e.getMessage());
        }
        long[] stored = {0};
        try {
            InputStream in = Bodies.decode(raw, contentEncoding);
            ExpositionFormat format = ExpositionFormat.forImport(contentType);
            new PrometheusImporter().importBody(in, format, extra, clock.getAsLong(), (Batch b) -> {
                Appender a = storage.appender();
                boolean ok = false;
                try {
                    for (int i = 0; i < b.size(); i++) {
                        a.append(0, b.labels(i), b.timestamp(i), b.value(i));
                    }
                    a.commit();
                    ok = true;
                    stored[0] += b.size();
                } finally {
                    if (!ok) {
                        a.rollback();
                    }
                }
            });
        } catch (ImportException | MalformedBodyException e) {
            throw new IngestException.BadInput("body", e.getMessage());
        } catch (AppendRejectedException e) {
            throw new IngestException.Refused(e.getMessage() + " (" + stored[0] + " samples imported before it)");
        }
        return stored[0];
    }
}
