package dev.vigil.ingest.scrape;

import dev.vigil.tsdb.Labels;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One address of a job: the labels its series get, the URL it is scraped at, and how its last
 * scrape went (what {@code /api/v1/targets} shows).
 */
public final class ScrapeTarget {
    /** Health as Prometheus names it. */
    public enum Health {
        UNKNOWN("unknown"), UP("up"), DOWN("down");

        public final String text;

        Health(String text) {
            this.text = text;
        }
    }

    private final ScrapeJob job;
    private final Labels discovered;
    /** Every label after relabelling, {@code __address__} and the other internal ones included. */
    private final Labels all;
    private final Labels labels;
    private final String url;
    private final long intervalMs;
    private final long timeoutMs;
    private volatile State state = new State(Health.UNKNOWN, "", 0, 0);

    /** How the last scrape went: health, error text (empty when up), start time, duration. */
    public record State(Health health, String lastError, long lastScrapeMs, double lastDurationSeconds) {
    }

    /** An active target from the outcome of {@link TargetLabels#populate}. */
    ScrapeTarget(ScrapeJob job, TargetLabels.Result r) {
        this.job = job;
        this.discovered = r.discovered();
        this.all = r.labels();
        this.intervalMs = r.intervalMs();
        this.timeoutMs = r.timeoutMs();
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < all.size(); i++) {
            // Labels starting with "__" are internal: they choose how to scrape, they are not stored.
            if (!all.name(i).startsWith("__")) {
                b.set(all.name(i), all.value(i));
            }
        }
        this.labels = b.build();
        this.url = url(job, all);
    }

    /** A target of a job without relabelling rules that drop it (tests). */
    ScrapeTarget(ScrapeJob job, String address, Map<String, String> groupLabels) {
        this(job, active(job, address, groupLabels));
    }

    private static TargetLabels.Result active(ScrapeJob job, String address, Map<String, String> groupLabels) {
        TargetLabels.Result r = TargetLabels.populate(job, job.relabelConfigs().relabeler(), address, groupLabels);
        if (r.labels() == null) {
            throw new IllegalArgumentException(address + ": " + (r.error() == null ? "dropped by relabelling" : r.error()));
        }
        return r;
    }

    /** Prometheus's target URL: scheme, address and path from the labels, the job's params overridden by {@code __param_*}, sorted. */
    private static String url(ScrapeJob job, Labels all) {
        TreeMap<String, List<String>> params = new TreeMap<>();
        for (Map.Entry<String, List<String>> p : job.params().entrySet()) {
            params.put(p.getKey(), new java.util.ArrayList<>(p.getValue()));
        }
        for (int i = 0; i < all.size(); i++) {
            if (all.name(i).startsWith("__param_")) {
                List<String> vs = params.computeIfAbsent(all.name(i).substring("__param_".length()), k -> new java.util.ArrayList<>());
                if (vs.isEmpty()) {
                    vs.add(all.value(i));
                } else {
                    vs.set(0, all.value(i));
                }
            }
        }
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, List<String>> p : params.entrySet()) {
            for (String v : p.getValue()) {
                q.append(q.length() == 0 ? '?' : '&').append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
                        .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
        String path = all.get("__metrics_path__");
        if (!path.startsWith("/")) {
            path = "/" + path;
        }
        return all.get("__scheme__") + "://" + all.get("__address__") + path + q;
    }

    /** The scrape interval of this target: the job's unless relabelling changed {@code __scrape_interval__}. */
    public long intervalMs() {
        return intervalMs;
    }

    /** The scrape timeout of this target, like {@link #intervalMs()}. */
    public long timeoutMs() {
        return timeoutMs;
    }

    public ScrapeJob job() {
        return job;
    }

    /** The labels before relabelling, {@code __address__} and friends included. */
    public Labels discoveredLabels() {
        return discovered;
    }

    /** Every label after relabelling, the internal {@code __} ones included. */
    public Labels allLabels() {
        return all;
    }

    /** The labels every series of this target gets: those after relabelling that do not start with {@code __}. */
    public Labels labels() {
        return labels;
    }

    public String url() {
        return url;
    }

    URI uri() {
        return URI.create(url);
    }

    public State state() {
        return state;
    }

    void state(State s) {
        state = s;
    }

    /** Same job settings and labels after relabelling: a reload keeps such a target's loop running. */
    String identity() {
        return job + "|" + all;
    }
}
