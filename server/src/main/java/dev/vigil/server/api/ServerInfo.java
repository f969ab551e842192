package dev.vigil.server.api;

import dev.vigil.ingest.scrape.TargetsView;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The server facts the status endpoints report.
 *
 * @param version Vigil's own version (the buildinfo {@code revision})
 * @param startTimeMs when the process started
 * @param flags every flag with its effective value, by name without dashes
 * @param retention the retention as Prometheus prints it ({@code 180d}, {@code 180d or 10GiB})
 * @param configYaml the loaded configuration text
 * @param lastConfigTimeMs when the configuration was last loaded
 * @param reloadOk whether the last reload succeeded
 * @param targets the scrape targets of the configuration, active (in its order) and dropped
 */
public record ServerInfo(String version, long startTimeMs, Map<String, String> flags, String retention,
        Supplier<String> configYaml, Supplier<Long> lastConfigTimeMs, Supplier<Boolean> reloadOk,
        Supplier<TargetsView> targets) {
    /** The Prometheus version we answer to: the 2.x API contract this server implements. */
    public static final String API_VERSION = "2.42.0";
}
