package dev.vigil.ingest.importer;

import dev.vigil.ingest.IngestException;
import dev.vigil.ingest.text.Bodies;
import dev.vigil.ingest.text.ExpositionFormat;
import dev.vigil.ingest.text.MalformedBodyException;
import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.StorageWriteException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/** Imports text with timestamps into the store as it streams in, one transaction per batch. */
public final class ImportAppender {
    private final Storage storage;
    private final LongSupplier clock;
    /**
     * Parsers (with their series caches) and reference caches of finished imports: a backfill
     * sent as many requests of the same series would otherwise parse every label set afresh and
     * look every series up in the store again in each request. One per concurrent import, at
     * most {@link #KEEP} kept (each cache is bounded).
     */
    private final ArrayDeque<Reusable> idle = new ArrayDeque<>();
    private static final int KEEP = 4;

    private record Reusable(PrometheusImporter importer, RefCache refs) {
    }

    public ImportAppender(Storage storage, LongSupplier clock) {
        this.storage = storage;
        this.clock = clock;
    }

    /**
     * Imports a body; returns the samples stored. Every error after the first batch leaves the
     * batches before it stored, and its message says how many samples that was.
     *
     * @param maxBodyBytes most bytes of the body, as sent and once decoded; 0 for no limit
     * @throws IngestException.BadInput a malformed line (named by line and column) or damaged gzip data
     * @throws IngestException.TooLarge over {@code maxBodyBytes}
     * @throws IngestException.Refused when the store refuses a sample
     */
    public long importBody(InputStream raw, String contentType, String contentEncoding, List<String> extraLabels, long maxBodyBytes)
            throws IngestException, IOException {
        Map<String, String> extra;
        try {
            extra = PrometheusImporter.extraLabels(extraLabels);
        } catch (IllegalArgumentException e) {
            throw new IngestException.BadInput("extra_label", e.getMessage());
        }
        Reusable r;
        synchronized (idle) {
            r = idle.pollFirst();
        }
        if (r == null) {
            r = new Reusable(new PrometheusImporter(), new RefCache());
        }
        AppendPipeline pipeline = new AppendPipeline(storage, PrometheusImporter.BATCH_SAMPLES, r.refs());
        boolean reusable = false;
        try {
            try {
                InputStream in = SizeCap.of(Bodies.decode(SizeCap.of(raw, maxBodyBytes, "request body"), contentEncoding),
                        maxBodyBytes, "decoded request body");
                ExpositionFormat format = ExpositionFormat.forImport(contentType);
                r.importer().importBody(in, format, extra, clock.getAsLong(), pipeline);
            } finally {
                // Whatever stopped the read, what was parsed before it is committed before the answer.
                pipeline.finish();
            }
            reusable = true;
        } catch (ImportException e) {
            throw new IngestException.BadInput("body", e.getMessage());
        } catch (MalformedBodyException e) {
            throw new IngestException.BadInput("body", e.getMessage() + imported(pipeline.stored()));
        } catch (SizeCap.Exceeded e) {
            throw new IngestException.TooLarge(e.limit, e.getMessage() + imported(pipeline.stored()));
        } catch (AppendRejectedException e) {
            throw new IngestException.Refused(e.getMessage() + " (" + pipeline.stored() + " samples imported before it)");
        } catch (IOException e) {
            StorageWriteException full = StorageWriteException.find(e);
            if (full != null) {
                throw new StorageWriteException(full, imported(pipeline.stored()));
            }
            throw e;
        } finally {
            if (reusable) { // after a failure the appending thread may have stopped mid-batch: start clean
                synchronized (idle) {
                    if (idle.size() < KEEP) {
                        idle.addFirst(r);
                    }
                }
            }
        }
        return pipeline.stored();
    }

    private static String imported(long samples) {
        return " (" + samples + " samples before it were imported)";
    }
}
