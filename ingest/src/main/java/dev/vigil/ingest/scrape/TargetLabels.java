package dev.vigil.ingest.scrape;

import dev.vigil.ingest.relabel.Relabeler;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.text.GoDuration;
import java.util.List;
import java.util.Map;

/**
 * A target's labels as Prometheus 2.42's {@code PopulateLabels} makes them: the discovered labels
 * with the job's defaults, then {@code relabel_configs}, then a default port, checks of the
 * address, interval and timeout, {@code __meta_*} removed and {@code instance} defaulted.
 */
final class TargetLabels {

    private TargetLabels() {
    }

    /**
     * What became of one address of a static group: an active target ({@code labels} set), a dropped
     * one ({@code labels} null, no error), or one Prometheus refuses ({@code error} set).
     *
     * @param discovered the labels before relabelling, as {@code discoveredLabels} shows them
     * @param labels every label after relabelling, {@code __address__} and friends included
     */
    record Result(Labels discovered, Labels labels, String error, long intervalMs, long timeoutMs) {
        boolean dropped() {
            return labels == null && error == null;
        }
    }

    static Result populate(ScrapeJob job, Relabeler relabeler, String address, Map<String, String> groupLabels) {
        Labels.Builder b = Labels.builder();
        groupLabels.forEach(b::set);
        b.set("__address__", address);
        setIfAbsent(b, "job", job.name());
        setIfAbsent(b, "__scrape_interval__", GoDuration.format(job.intervalMs()));
        setIfAbsent(b, "__scrape_timeout__", GoDuration.format(job.timeoutMs()));
        setIfAbsent(b, "__metrics_path__", job.metricsPath());
        setIfAbsent(b, "__scheme__", job.scheme());
        for (Map.Entry<String, List<String>> p : job.params().entrySet()) {
            if (!p.getValue().isEmpty()) {
                b.set("__param_" + p.getKey(), p.getValue().get(0));
            }
        }
        Labels discovered = b.build();
        Labels l = relabeler.process(discovered);
        if (l == null) {
            return new Result(discovered, null, null, 0, 0);
        }
        String addr = l.get("__address__");
        if (addr.isEmpty()) {
            return refused(discovered, "no address");
        }
        Labels.Builder out = l.toBuilder();
        if (needsPort(addr)) {
            String scheme = l.get("__scheme__");
            if (scheme.equals("http") || scheme.isEmpty()) {
                addr += ":80";
            } else if (scheme.equals("https")) {
                addr += ":443";
            } else {
                return refused(discovered, "invalid scheme: \"" + job.scheme() + "\"");
            }
            out.set("__address__", addr);
        }
        if (addr.contains("/")) {
            return refused(discovered, "\"" + addr + "\" is not a valid hostname");
        }
        String interval = l.get("__scrape_interval__");
        long intervalMs = GoDuration.parse(interval);
        if (intervalMs < 0) {
            return refused(discovered, "error parsing scrape interval: not a valid duration string: \"" + interval + "\"");
        }
        if (intervalMs == 0) {
            return refused(discovered, "scrape interval cannot be 0");
        }
        String timeout = l.get("__scrape_timeout__");
        long timeoutMs = GoDuration.parse(timeout);
        if (timeoutMs < 0) {
            return refused(discovered, "error parsing scrape timeout: not a valid duration string: \"" + timeout + "\"");
        }
        if (timeoutMs == 0) {
            return refused(discovered, "scrape timeout cannot be 0");
        }
        if (timeoutMs > intervalMs) {
            return refused(discovered, "scrape timeout cannot be greater than scrape interval (\"" + timeout + "\" > \""
                    + interval + "\")");
        }
        for (int i = 0; i < l.size(); i++) {
            if (l.name(i).startsWith("__meta_")) {
                out.remove(l.name(i));
            }
        }
        if (l.get("instance").isEmpty()) {
            out.set("instance", addr);
        }
        return new Result(discovered, out.build(), null, intervalMs, timeoutMs);
    }

    private static Result refused(Labels discovered, String why) {
        return new Result(discovered, null, why, 0, 0);
    }

    private static void setIfAbsent(Labels.Builder b, String name, String value) {
        if (b.get(name).isEmpty()) {
            b.set(name, value);
        }
    }

    /** Go's test: {@code net.SplitHostPort} fails on the address but succeeds once a port is added. */
    static boolean needsPort(String addr) {
        if (addr.startsWith("[")) {
            int close = addr.indexOf(']');
            return close == addr.length() - 1;
        }
        int colons = 0;
        for (int i = 0; i < addr.length(); i++) {
            if (addr.charAt(i) == ':') {
                colons++;
            }
        }
        return colons == 0 && addr.indexOf('[') < 0 && addr.indexOf(']') < 0;
    }
}
