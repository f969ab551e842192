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
    private final Labels labels;
    private final String url;
    private volatile State state = new State(Health.UNKNOWN, "", 0, 0);

    /** How the last scrape went: health, error text (empty when up), start time, duration. */
    public record State(Health health, String lastError, long lastScrapeMs, double lastDurationSeconds) {
    }

    ScrapeTarget(ScrapeJob job, String address, Map<String, String> groupLabels) {
        this.job = job;
        TreeMap<String, String> d = new TreeMap<>(groupLabels);
        d.put("__address__", address);
        d.put("__metrics_path__", job.metricsPath());
        d.put("__scheme__", job.scheme());
        d.put("__scrape_interval__", dev.vigil.tsdb.text.GoDuration.format(job.intervalMs()));
        d.put("__scrape_timeout__", dev.vigil.tsdb.text.GoDuration.format(job.timeoutMs()));
        d.put("job", job.name());
        for (Map.Entry<String, List<String>> p : job.params().entrySet()) {
            if (!p.getValue().isEmpty()) {
                d.put("__param_" + p.getKey(), p.getValue().get(0));
            }
        }
        this.discovered = Labels.of(d);
        Labels.Builder b = Labels.builder();
        for (Map.Entry<String, String> e : d.entrySet()) {
            // Labels starting with "__" are internal; an empty value means "no such label".
            if (!e.getKey().startsWith("__") && !e.getValue().isEmpty()) {
                b.set(e.getKey(), e.getValue());
            }
        }
        if (b.get("instance").isEmpty()) {
            b.set("instance", address);
        }
        this.labels = b.build();
        this.url = url(job, address);
    }

    private static String url(ScrapeJob job, String address) {
        StringBuilder q = new StringBuilder();
        for (Map.Entry<String, List<String>> p : job.params().entrySet()) {
            for (String v : p.getValue()) {
                q.append(q.length() == 0 ? '?' : '&').append(URLEncoder.encode(p.getKey(), StandardCharsets.UTF_8))
                        .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
            }
        }
        String path = job.metricsPath().startsWith("/") ? job.metricsPath() : "/" + job.metricsPath();
        return job.scheme() + "://" + address + path + q;
    }

    public ScrapeJob job() {
        return job;
    }

    /** The labels before relabelling, {@code __address__} and friends included. */
    public Labels discoveredLabels() {
        return discovered;
    }

    /** The labels every series of this target gets: job, instance and the static labels. */
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

    /** Same job settings, address and labels: a reload keeps such a target's loop running. */
    String identity() {
        return job + "|" + discovered;
    }
}
