package dev.vigil.server.remotewrite;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.wal.WalTail;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The configured remotes: one {@link QueueManager} each. {@link #apply} on a reload keeps the
 * queues whose entry and external labels are unchanged and restarts the others (each resumes
 * from its saved WAL position, so a reload loses nothing either).
 */
public final class RemoteWrites implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RemoteWrites.class.getName());

    private final Db db;
    private final String userAgent;
    private final Map<String, QueueManager> queues = new LinkedHashMap<>();
    private Labels external = Labels.EMPTY;

    public RemoteWrites(Db db, String userAgent) {
        this.db = db;
        this.userAgent = userAgent;
    }

    /** Applies the {@code remote_write} entries and external labels of a (re)loaded configuration. */
    public synchronized void apply(List<RemoteWriteConfig> configs, Labels externalLabels) {
        boolean labelsChanged = !externalLabels.equals(external);
        external = externalLabels;
        Map<String, RemoteWriteConfig> wanted = new LinkedHashMap<>();
        for (RemoteWriteConfig c : configs) {
            wanted.put(c.name(), c);
        }
        for (var it = queues.entrySet().iterator(); it.hasNext();) {
            var e = it.next();
            RemoteWriteConfig w = wanted.get(e.getKey());
            if (w == null || labelsChanged || !w.equals(e.getValue().cfg)) {
                LOG.info("stopping " + e.getValue().cfg);
                e.getValue().close();
                it.remove();
            }
        }
        for (RemoteWriteConfig c : configs) {
            if (!queues.containsKey(c.name())) {
                LOG.info("starting " + c);
                queues.put(c.name(), new QueueManager(c, db, external, userAgent));
            }
        }
        forgetRemoved(configs);
    }

    /**
     * Deletes the saved positions of remotes no longer configured, so they stop holding WAL
     * segments; a remote configured again later starts from the WAL's end, as in Prometheus.
     */
    private void forgetRemoved(List<RemoteWriteConfig> configs) {
        java.util.Set<String> keep = new java.util.HashSet<>();
        for (RemoteWriteConfig c : configs) {
            keep.add(c.positionName());
        }
        try {
            for (String n : db.savedTails()) {
                if (n.startsWith(RemoteWriteConfig.POSITION_PREFIX) && !keep.contains(n)) {
                    LOG.info("remote write position " + n + " belongs to no configured remote; deleted");
                    db.dropTailPosition(n);
                }
            }
        } catch (java.io.IOException e) {
            LOG.warning("could not list the saved remote write positions: " + e.getMessage());
        }
    }

    /** One line per remote for the status page. */
    public record QueueView(String name, String url, int shards, int shardsDesired, int minShards, int maxShards,
            int pending, int capacityPerShard, long samplesSent, long samplesFailed, long samplesRetried, long samplesDropped,
            double highestSentSeconds, double lagSeconds, String position, String lastError) {
    }

    public synchronized List<QueueView> view() {
        List<QueueView> out = new ArrayList<>();
        double hi = db.headMaxT() / 1000.0;
        for (QueueManager q : queues.values()) {
            QueueMetrics m = q.m;
            long sent = m.highestSentMs.get();
            WalTail.Position p = q.savedPosition();
            out.add(new QueueView(q.cfg.name(), q.cfg.displayUrl(), m.shards, m.shardsDesired, q.cfg.queue().minShards(),
                    q.cfg.queue().maxShards(), q.pending(), q.cfg.queue().capacity(), m.samplesTotal.sum(),
                    m.samplesFailed.sum(), m.samplesRetried.sum(), m.samplesDropped.sum(),
                    sent == Long.MIN_VALUE ? 0 : sent / 1000.0, sent == Long.MIN_VALUE ? 0 : Math.max(0, hi - sent / 1000.0),
                    p == null ? "" : "segment " + p.segment() + " offset " + p.offset(), m.lastError));
        }
        return out;
    }

    /** The {@code prometheus_remote_storage_*} series in the text format. */
    public synchronized String metricsText() {
        if (queues.isEmpty()) {
            return "";
        }
        return RemoteWriteMetricsText.render(new ArrayList<>(queues.values()), db.headMaxT());
    }

    @Override
    public synchronized void close() {
        for (QueueManager q : queues.values()) {
            q.close();
        }
        queues.clear();
    }
}
