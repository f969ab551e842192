package dev.vigil.server;

import dev.vigil.ingest.push.MappedStorage;
import dev.vigil.ingest.scrape.GatewayScrapeLabels;
import dev.vigil.ingest.scrape.ScrapeJob;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.cli.ListenAddress;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Storage;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/** {@code --push.labels}: the store the push side writes to, as pushed or under a Pushgateway scrape's labels. */
final class PushLabelMode {
    private static final Logger LOG = Logger.getLogger(PushLabelMode.class.getName());
    static final String AS_PUSHED = "as-pushed";
    static final String PUSHGATEWAY_SCRAPE = "pushgateway-scrape";

    private PushLabelMode() {
    }

    /**
     * The label mapping {@code --push.labels} asks for, or null for as-pushed. In the
     * pushgateway-scrape mode the labels come from the job of the configuration file that targets
     * the push port; without one the server does not start (checked before the store opens).
     */
    static UnaryOperator<Labels> mapping(ServerConfig cfg, List<ScrapeJob> jobs) {
        String mode = cfg.flags().getOrDefault("push.labels", AS_PUSHED);
        if (mode.equals(AS_PUSHED)) {
            return null;
        }
        if (!mode.equals(PUSHGATEWAY_SCRAPE)) {
            throw new IllegalArgumentException("--push.labels=" + mode + ": expected " + AS_PUSHED + " or " + PUSHGATEWAY_SCRAPE);
        }
        int port = cfg.pushListen().isEmpty() ? -1 : ListenAddress.parse(cfg.pushListen()).port();
        Optional<GatewayScrapeLabels> m = port <= 0 ? Optional.empty() : GatewayScrapeLabels.find(jobs, port);
        if (m.isEmpty()) {
            throw new IllegalArgumentException("--push.labels=" + PUSHGATEWAY_SCRAPE + " needs a --config.file with a scrape job"
                    + " whose static target is this machine's push port (" + (port <= 0 ? "--push.listen-address names no fixed port"
                    : "port " + port) + "), such as the old prometheus.yml's pushgateway job; "
                    + (cfg.configFile().isEmpty() ? "no --config.file was given" : "none found in " + cfg.configFile()));
        }
        LOG.info("pushed series are stored as Prometheus stored them scraping a Pushgateway: " + m.get().describe());
        return m.get();
    }

    /** After a reload: pushes from now on are stored under {@code mapping}'s labels (no-op as-pushed or before the store is open). */
    static void remap(Storage pushStore, UnaryOperator<Labels> mapping) throws IOException {
        if (pushStore instanceof MappedStorage m && mapping != null) {
            m.remap(mapping, System.currentTimeMillis());
        }
    }

    /** The store pushes go to: {@code store} itself, or one writing under {@code mapping}'s labels. */
    static Storage storage(UnaryOperator<Labels> mapping, Storage store) {
        return mapping == null ? store : new MappedStorage(store, mapping);
    }
}
