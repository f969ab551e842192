package dev.vigil.server.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * The Prometheus 2.42 flags that have no effect in Vigil (shown by {@code prometheus --help}, plus
 * its hidden ones): accepted so an existing systemd unit starts, listed once in the log as ignored.
 * The flags that do act in Vigil are in {@link Flags#DEFS}.
 */
final class PrometheusFlags {
    private PrometheusFlags() {
    }

    /** Accepted and ignored; the help text says why they need nothing in Vigil. */
    static final List<Flags.Def> IGNORED = List.of(
            ignored("web.local-assets", false, "The UI is inside the jar."),
            ignored("web.user-assets", false, "No /user assets."),
            ignored("web.console.templates", false, "No console templates."),
            ignored("web.console.libraries", false, "No console templates."),
            ignored("web.page-title", false, "Fixed page title."),
            ignored("storage.tsdb.use-lockfile", true, "The store takes its own lock."),
            ignored("storage.tsdb.head-chunks-write-queue-size", false, "Not a part of Vigil's head."),
            ignored("storage.tsdb.min-block-duration", false, "Block ranges are Vigil's own."),
            ignored("storage.tsdb.max-block-duration", false, "Block ranges are Vigil's own."),
            ignored("storage.tsdb.max-block-chunk-segment-size", false, "Chunk files are Vigil's own."),
            ignored("storage.tsdb.wal-segment-size", false, "WAL segments are Vigil's own."),
            ignored("storage.tsdb.wal-compression", true, "Vigil's WAL format is its own."),
            ignored("storage.tsdb.allow-overlapping-blocks", true, "Always allowed (deprecated in Prometheus)."),
            ignored("storage.agent.path", false, "No agent mode."),
            ignored("storage.agent.wal-compression", true, "No agent mode."),
            ignored("storage.agent.retention.min-time", false, "No agent mode."),
            ignored("storage.agent.retention.max-time", false, "No agent mode."),
            ignored("storage.agent.use-lockfile", true, "No agent mode."),
            ignored("storage.agent.wal-segment-size", false, "No agent mode."),
            ignored("storage.agent.wal-truncate-frequency", false, "No agent mode."),
            ignored("storage.remote.flush-deadline", false, "No remote write out."),
            ignored("alertmanager.notification-queue-capacity", false, "The alert queue holds 10,000 alerts."),
            ignored("alertmanager.timeout", false, "Each Alertmanager's timeout in the configuration file applies."),
            ignored("scrape.adjust-timestamps", true, "Scrape timestamps are the scrape's start."),
            ignored("scrape.timestamp-tolerance", false, "Scrape timestamps are the scrape's start."),
            ignored("scrape.discovery-reload-interval", false, "Targets are applied at once."),
            ignored("enable-feature", false, "Features are not switched by flags; at-modifier and negative offsets are always on."),
            ignored("log.format", false, "Vigil writes one log format."));

    private static Flags.Def ignored(String name, boolean bool, String why) {
        return new Flags.Def(name, "", bool, "Accepted for Prometheus compatibility and ignored: " + why);
    }

    /**
     * The path every main-port route is served under, as Prometheus derives it: the route prefix,
     * or else the path of the external URL; {@code "/"} for none.
     */
    static String routePrefix(String routePrefixFlag, String externalUrl) throws UsageException {
        String p = routePrefixFlag;
        if (p.isEmpty() && !externalUrl.isEmpty()) {
            p = externalUrlPath(externalUrl);
        }
        String trimmed = p;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return "/" + trimmed;
    }

    private static String externalUrlPath(String url) throws UsageException {
        if (url.startsWith("\"") || url.startsWith("'") || url.endsWith("\"") || url.endsWith("'")) {
            throw new UsageException("parse external URL \"" + url + "\": URL must not begin or end with quotes");
        }
        try {
            String path = new URI(url).getRawPath();
            return path == null ? "" : path;
        } catch (URISyntaxException e) {
            throw new UsageException("parse external URL \"" + url + "\": " + e.getMessage());
        }
    }
}
