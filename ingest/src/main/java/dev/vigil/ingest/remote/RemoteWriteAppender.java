package dev.vigil.ingest.remote;

import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.IngestException;
import dev.vigil.ingest.text.SharedSeriesCache;
import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Storage;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/** Appends remote-write bodies to the store, each in one transaction, known series by the store's reference. */
public final class RemoteWriteAppender {
    private static final int MAX_REFS = 2 << 20;

    private final Storage storage;
    private final ThreadLocal<RemoteWriteDecoder> decoders = ThreadLocal.withInitial(RemoteWriteDecoder::new);
    /**
     * Remote write's series cache, one for all worker threads: a sender's series reach every
     * worker over time, and per-thread caches each had to hold all of them (and missed beyond
     * ~40,000 series). 16 stripes: up to 1 M series or 256 MB of label bytes.
     */
    private final SharedSeriesCache series = new SharedSeriesCache(16);
    /**
     * The store's reference of a series, by the cache's label instance (stable while the cache
     * holds it), so a known series is appended by reference instead of by a label lookup.
     * Cleared when it outgrows {@link #MAX_REFS} (the cache dropped what it held).
     */
    private final ConcurrentHashMap<Labels, Long> refs = new ConcurrentHashMap<>();

    public RemoteWriteAppender(Storage storage) {
        this.storage = storage;
    }

    /** Checks the headers of a remote write. */
    public static void check(String contentType, String contentEncoding, String version) throws IngestException {
        String bad = RemoteWriteDecoder.checkHeaders(contentType, contentEncoding, null);
        if (bad != null) {
            throw new IngestException.Unsupported(bad);
        }
        bad = RemoteWriteDecoder.checkHeaders(null, null, version);
        if (bad != null) {
            throw new IngestException.BadInput("X-Prometheus-Remote-Write-Version", bad);
        }
    }

    /**
     * Stores a snappy-compressed body, all or nothing; returns the samples stored.
     *
     * @throws IngestException.Refused naming the first sample the store refused (nothing is stored)
     */
    public long append(byte[] body, int length) throws IngestException, IOException {
        Appender a = storage.appender();
        boolean committed = false;
        try {
            String[] rejected = {null};
            long[] samples = {0};
            decoders.get().decode(body, 0, length, new RemoteWriteDecoder.Sink() {
                @Override
                public void series(Labels labels, long[] timestamps, double[] values, int count, int index) {
                    Long known = refs.get(labels);
                    long ref = known == null ? 0 : known;
                    long before = ref;
                    for (int i = 0; i < count; i++) {
                        try {
                            ref = a.append(ref, labels, timestamps[i], values[i]);
                        } catch (AppendRejectedException e) {
                            if (rejected[0] == null) {
                                rejected[0] = e.getMessage() + " for series " + labels + " at timestamp " + timestamps[i];
                            }
                        }
                    }
                    samples[0] += count;
                    if (ref != before && ref != 0) {
                        if (refs.size() > MAX_REFS) {
                            refs.clear();
                        }
                        refs.put(labels, ref);
                    }
                }

                @Override
                public void metadata(String family, String type, String help, String unit) {
                    a.metadata(family, new Metadata(type, help == null ? "" : help, unit == null ? "" : unit));
                }
            }, series);
            if (rejected[0] != null) {
                throw new IngestException.Refused(rejected[0]);
            }
            a.commit();
            committed = true;
            return samples[0];
        } catch (ExpositionException e) {
            throw new IngestException.BadInput("body", e.getMessage());
        } finally {
            if (!committed) {
                a.rollback();
            }
        }
    }
}
