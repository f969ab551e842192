package dev.vigil.ingest.scrape;

import dev.vigil.ingest.relabel.Relabeler;
import dev.vigil.tsdb.Labels;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The labels Prometheus stored for a pushed series when it scraped a Pushgateway as one target
 * of a job: the Pushgateway adds {@code instance=""} to a series pushed without one, then the
 * target's labels are merged in ({@code honor_labels}, {@code exported_*}) and the job's metric
 * relabelling runs. Returns null for a series metric relabelling drops.
 */
public final class GatewayScrapeLabels implements UnaryOperator<Labels> {
    private final ScrapeTarget target;
    private final Relabeler metricRelabeler;

    private GatewayScrapeLabels(ScrapeTarget target) {
        this.target = target;
        this.metricRelabeler = target.job().metricRelabelConfigs().relabeler();
    }

    /** The job name and target labels the mapping uses (for the start-up log). */
    public String describe() {
        return "job " + target.job().name() + ", target " + target.url() + " " + target.labels()
                + ", honor_labels " + target.job().honorLabels();
    }

    @Override
    public Labels apply(Labels pushed) {
        boolean noInstance = !pushed.has("instance");
        Labels merged = TargetLabelMerge.merge(pushed, target.labels(), target.job().honorLabels(),
                name -> noInstance && name.equals("instance"));
        return metricRelabeler.process(merged);
    }

    /**
     * The first static target (after relabelling) that is this machine's {@code pushPort}: its
     * host resolves to a loopback, wildcard or local interface address. Static rather than by the
     * {@link SelfScrape} header because the labels must be known before the first push is stored.
     */
    public static Optional<GatewayScrapeLabels> find(List<ScrapeJob> jobs, int pushPort) {
        for (ScrapeJob job : jobs) {
            Relabeler relabeler = job.relabelConfigs().relabeler();
            for (ScrapeJob.StaticGroup g : job.groups()) {
                for (String address : g.targets()) {
                    TargetLabels.Result r = TargetLabels.populate(job, relabeler, address, g.labels());
                    if (r.labels() == null || r.error() != null) {
                        continue;
                    }
                    ScrapeTarget t = new ScrapeTarget(job, r);
                    if (t.uri().getPort() == pushPort && isThisMachine(t.uri().getHost())) {
                        return Optional.of(new GatewayScrapeLabels(t));
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static boolean isThisMachine(String host) {
        if (host == null) {
            return false;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(host.replace("[", "").replace("]", ""))) {
                if (a.isLoopbackAddress() || a.isAnyLocalAddress() || NetworkInterface.getByInetAddress(a) != null) {
                    return true;
                }
            }
        } catch (UnknownHostException | SocketException e) {
            return false;
        }
        return false;
    }

    /** For tests: a mapping for one target address of a job. */
    static GatewayScrapeLabels of(ScrapeJob job, String address, Map<String, String> groupLabels) {
        return new GatewayScrapeLabels(new ScrapeTarget(job, TargetLabels.populate(job, job.relabelConfigs().relabeler(), address,
                groupLabels)));
    }
}
