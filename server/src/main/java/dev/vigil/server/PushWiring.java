package dev.vigil.server;

import dev.vigil.ingest.Ingest;
import dev.vigil.ingest.push.PushOptions;
import dev.vigil.server.cli.PushFlags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.push.PushApi;
import dev.vigil.tsdb.Storage;
import java.nio.file.Path;
import java.util.function.Function;

/** Maps the flags onto the ingest facade and its HTTP API. */
final class PushWiring {
    /** Push group state (which series each group holds) survives restarts in the data folder. */
    static final String STATE_FILE = "push-groups.state";

    private PushWiring() {
    }

    static Function<Storage, Wiring.Push> push(ServerConfig cfg, long startMs) {
        return storage -> {
            PushOptions o = options(cfg);
            Ingest ingest = Ingest.open(storage, o, System::currentTimeMillis);
            if (ingest.stateWarning() != null) {
                java.util.logging.Logger.getLogger(PushWiring.class.getName()).warning(ingest.stateWarning());
            }
            PushApi api = new PushApi(ingest, cfg.flags(), Main.version(), startMs);
            return new Wiring.Push(api::register, api.exposition(), ingest);
        };
    }

    /** The push options the flags ask for. */
    static PushOptions options(ServerConfig cfg) {
        PushFlags f = cfg.push();
        return PushOptions.defaults()
                .withStateFile(Path.of(cfg.dataDir()).resolve(STATE_FILE))
                .withGroupTtlMs(cfg.pushGroupTtlMs())
                .withAdminApi(cfg.enableAdminApi())
                .withLimits(f.maxBodyBytes(), f.maxSeriesPerPush(), f.maxLabelNameLength(), f.maxLabelValueLength(), f.maxLabelsPerSeries())
                .withConsistencyCheck(f.consistencyCheck());
    }
}
