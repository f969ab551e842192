package dev.vigil.server.cli;

import java.util.Map;

/**
 * The validated command line. Durations are in ms.
 *
 * @param outOfOrderWindowMs −1 when not set (the store's default: the retention)
 * @param flags every flag by name with its effective text value, for /api/v1/status/flags
 * @param push the push API's limits and consistency check
 * @param web the HTTP edge: web config, roles
 */
public record ServerConfig(String webListen, String pushListen, String dataDir, long retentionMs, long retentionBytes,
        int maxSeries, long outOfOrderWindowMs, long pushGroupTtlMs, String configFile, boolean enableLifecycle,
        boolean enableAdminApi, long lookbackDeltaMs, long queryTimeoutMs, long queryMaxSamples,
        int queryMaxConcurrency, String logLevel, boolean help, boolean version, Map<String, String> flags,
        PushFlags push, WebFlags web) {
}
