package dev.vigil.ingest.scrape;

import dev.vigil.ingest.relabel.Relabeling;
import java.util.List;
import java.util.Map;

/**
 * One {@code scrape_configs} entry: how and what to scrape, with the global defaults applied.
 *
 * @param name the {@code job_name}, also the {@code job} label and the scrape pool
 * @param params URL query arguments added to every scrape
 * @param honorLabels scraped labels win over target labels instead of being kept as {@code exported_<name>}
 * @param honorTimestamps timestamps in the exposition are used instead of the scrape time
 * @param sampleLimit a scrape with more samples fails (0: no limit)
 * @param bodySizeLimit a larger (uncompressed) body fails the scrape (0: no limit)
 * @param headers sent with every scrape (Authorization from basic_auth or authorization)
 * @param groups the {@code static_configs}
 * @param relabelConfigs applied to each target's discovered labels
 * @param metricRelabelConfigs applied to each scraped series, after the target's labels are attached
 * @param fileSdConfigs files of target groups, read again when they change
 * @param httpSdConfigs URLs answering target groups, fetched every refresh interval
 * @param tlsConfig how scrapes over https check the target and present a client certificate
 */
public record ScrapeJob(String name, long intervalMs, long timeoutMs, String scheme, String metricsPath,
        Map<String, List<String>> params, boolean honorLabels, boolean honorTimestamps, long sampleLimit,
        long bodySizeLimit, Map<String, String> headers, List<StaticGroup> groups, Relabeling relabelConfigs,
        Relabeling metricRelabelConfigs, List<FileSdConfig> fileSdConfigs, List<HttpSdConfig> httpSdConfigs,
        TlsConfig tlsConfig) {

    /**
     * {@code tls_config}: file paths (empty: not set), the name to verify instead of the target's
     * host, and whether to check the target's certificate at all.
     */
    public record TlsConfig(String caFile, String certFile, String keyFile, String serverName, boolean insecureSkipVerify) {
        public static final TlsConfig DEFAULT = new TlsConfig("", "", "", "", false);
    }

    /** A job with the default TLS settings. */
    public ScrapeJob(String name, long intervalMs, long timeoutMs, String scheme, String metricsPath,
            Map<String, List<String>> params, boolean honorLabels, boolean honorTimestamps, long sampleLimit,
            long bodySizeLimit, Map<String, String> headers, List<StaticGroup> groups, Relabeling relabelConfigs,
            Relabeling metricRelabelConfigs, List<FileSdConfig> fileSdConfigs, List<HttpSdConfig> httpSdConfigs) {
        this(name, intervalMs, timeoutMs, scheme, metricsPath, params, honorLabels, honorTimestamps, sampleLimit,
                bodySizeLimit, headers, groups, relabelConfigs, metricRelabelConfigs, fileSdConfigs, httpSdConfigs,
                TlsConfig.DEFAULT);
    }

    /** One {@code http_sd_configs} entry: the URL and how often to fetch it. */
    public record HttpSdConfig(String url, long refreshIntervalMs) {
    }

    /** A job without HTTP discovery. */
    public ScrapeJob(String name, long intervalMs, long timeoutMs, String scheme, String metricsPath,
            Map<String, List<String>> params, boolean honorLabels, boolean honorTimestamps, long sampleLimit,
            long bodySizeLimit, Map<String, String> headers, List<StaticGroup> groups, Relabeling relabelConfigs,
            Relabeling metricRelabelConfigs, List<FileSdConfig> fileSdConfigs) {
        this(name, intervalMs, timeoutMs, scheme, metricsPath, params, honorLabels, honorTimestamps, sampleLimit,
                bodySizeLimit, headers, groups, relabelConfigs, metricRelabelConfigs, fileSdConfigs, List.of());
    }

    /** One {@code file_sd_configs} entry: file patterns (a {@code *} in the last element) and the re-read interval. */
    public record FileSdConfig(List<String> files, long refreshIntervalMs) {
        public FileSdConfig {
            files = List.copyOf(files);
        }
    }

    /** A job with relabelling and without file discovery. */
    public ScrapeJob(String name, long intervalMs, long timeoutMs, String scheme, String metricsPath,
            Map<String, List<String>> params, boolean honorLabels, boolean honorTimestamps, long sampleLimit,
            long bodySizeLimit, Map<String, String> headers, List<StaticGroup> groups, Relabeling relabelConfigs,
            Relabeling metricRelabelConfigs) {
        this(name, intervalMs, timeoutMs, scheme, metricsPath, params, honorLabels, honorTimestamps, sampleLimit,
                bodySizeLimit, headers, groups, relabelConfigs, metricRelabelConfigs, List.of());
    }

    /** A job without relabelling. */
    public ScrapeJob(String name, long intervalMs, long timeoutMs, String scheme, String metricsPath,
            Map<String, List<String>> params, boolean honorLabels, boolean honorTimestamps, long sampleLimit,
            long bodySizeLimit, Map<String, String> headers, List<StaticGroup> groups) {
        this(name, intervalMs, timeoutMs, scheme, metricsPath, params, honorLabels, honorTimestamps, sampleLimit,
                bodySizeLimit, headers, groups, Relabeling.NONE, Relabeling.NONE);
    }

    /** One {@code static_configs} entry: addresses and the labels they all get. */
    public record StaticGroup(List<String> targets, Map<String, String> labels) {
    }

    public ScrapeJob {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        headers = Map.copyOf(headers);
        groups = List.copyOf(groups);
        relabelConfigs = relabelConfigs == null ? Relabeling.NONE : relabelConfigs;
        metricRelabelConfigs = metricRelabelConfigs == null ? Relabeling.NONE : metricRelabelConfigs;
        fileSdConfigs = fileSdConfigs == null ? List.of() : List.copyOf(fileSdConfigs);
        httpSdConfigs = httpSdConfigs == null ? List.of() : List.copyOf(httpSdConfigs);
        tlsConfig = tlsConfig == null ? TlsConfig.DEFAULT : tlsConfig;
    }
}
