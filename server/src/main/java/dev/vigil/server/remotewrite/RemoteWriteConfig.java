package dev.vigil.server.remotewrite;

import dev.vigil.ingest.relabel.Relabeling;
import dev.vigil.ingest.scrape.ScrapeJob;
import java.util.Map;

/**
 * One {@code remote_write} entry of the configuration file, Prometheus 2.42's fields and defaults.
 *
 * @param name {@code name}, or the first 6 hex digits of a hash of the entry, as Prometheus names an unnamed queue
 * @param headers {@code headers} plus the Authorization header of basic_auth or authorization (secrets: never shown)
 */
public record RemoteWriteConfig(String name, String url, long remoteTimeoutMs, Map<String, String> headers,
        ScrapeJob.TlsConfig tls, Relabeling writeRelabel, Queue queue, Metadata metadata) {

    /** {@code queue_config}. */
    public record Queue(int capacity, int minShards, int maxShards, int maxSamplesPerSend, long batchSendDeadlineMs,
            long minBackoffMs, long maxBackoffMs, boolean retryOnHttp429) {
        /** Prometheus 2.42's DefaultQueueConfig. */
        public static final Queue DEFAULT = new Queue(2500, 1, 200, 500, 5_000, 30, 5_000, false);
    }

    /** {@code metadata_config}. */
    public record Metadata(boolean send, long sendIntervalMs, int maxSamplesPerSend) {
        public static final Metadata DEFAULT = new Metadata(true, 60_000, 500);
    }

    public static final long DEFAULT_REMOTE_TIMEOUT_MS = 30_000;
    /** Position files of remotes start with this; others in the folder belong to other followers. */
    public static final String POSITION_PREFIX = "remote_write-";

    /** The name of the position file this remote keeps in the data folder: stable across restarts and reloads. */
    public String positionName() {
        return POSITION_PREFIX + name.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    /** The URL without any user:password part, for labels, logs and pages. */
    public String displayUrl() {
        return url.replaceFirst("^(https?://)[^/@]*@", "$1");
    }

    /** Secrets (header values) left out, for logs. */
    @Override
    public String toString() {
        return "remote_write " + name + " (" + displayUrl() + ")";
    }
}
