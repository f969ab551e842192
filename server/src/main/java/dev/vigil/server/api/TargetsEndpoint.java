package dev.vigil.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.ingest.scrape.DroppedTarget;
import dev.vigil.ingest.scrape.ScrapeTarget;
import dev.vigil.ingest.scrape.TargetsView;
import dev.vigil.tsdb.Labels;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;

/** {@code /api/v1/targets}: the scrape targets with Prometheus 2.42's fields and {@code state}/{@code scrapePool} filters. */
final class TargetsEndpoint {
    private static final String ZERO_TIME = "0001-01-01T00:00:00Z";
    private final String hostname;

    TargetsEndpoint() {
        String h;
        try {
            h = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            h = "localhost";
        }
        this.hostname = h;
    }

    ApiResult answer(TargetsView view, ApiRequest q) {
        List<ScrapeTarget> targets = view.active();
        String state = q.params().get("state");
        String s = state == null ? "" : state.toLowerCase(java.util.Locale.ROOT);
        boolean active = s.isEmpty() || s.equals("active") || s.equals("any");
        boolean dropped = s.isEmpty() || s.equals("dropped") || s.equals("any");
        String pool = q.params().get("scrapePool");
        return ApiResult.of(g -> {
            g.writeStartObject();
            if (active) {
                g.writeArrayFieldStart("activeTargets");
                for (ScrapeTarget t : targets) {
                    if (pool == null || pool.isEmpty() || pool.equals(t.job().name())) {
                        write(g, t);
                    }
                }
                g.writeEndArray();
            }
            if (dropped) {
                // Prometheus 2.42 lists every dropped target whatever the scrapePool filter says.
                g.writeArrayFieldStart("droppedTargets");
                for (DroppedTarget t : view.dropped()) {
                    g.writeStartObject();
                    g.writeObjectFieldStart("discoveredLabels");
                    labels(g, t.discoveredLabels());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        });
    }

    private void write(JsonGenerator g, ScrapeTarget t) throws IOException {
        ScrapeTarget.State st = t.state();
        g.writeStartObject();
        g.writeObjectFieldStart("discoveredLabels");
        labels(g, t.discoveredLabels());
        g.writeEndObject();
        g.writeObjectFieldStart("labels");
        labels(g, t.labels());
        g.writeEndObject();
        g.writeStringField("scrapePool", t.job().name());
        g.writeStringField("scrapeUrl", t.url());
        g.writeStringField("globalUrl", globalUrl(t.url()));
        g.writeStringField("lastError", st.lastError());
        g.writeStringField("lastScrape", st.lastScrapeMs() == 0 ? ZERO_TIME : Instant.ofEpochMilli(st.lastScrapeMs()).toString());
        g.writeNumberField("lastScrapeDuration", st.lastDurationSeconds());
        g.writeStringField("health", st.health().text);
        g.writeStringField("scrapeInterval", t.allLabels().get("__scrape_interval__"));
        g.writeStringField("scrapeTimeout", t.allLabels().get("__scrape_timeout__"));
        g.writeEndObject();
    }

    private static void labels(JsonGenerator g, Labels l) throws IOException {
        for (int i = 0; i < l.size(); i++) {
            g.writeStringField(l.name(i), l.value(i));
        }
    }

    /** The URL as seen from elsewhere: a loopback host is replaced by this machine's name, as Prometheus does. */
    private String globalUrl(String url) {
        int hostStart = url.indexOf("://") + 3;
        int colon = url.indexOf(':', hostStart);
        int slash = url.indexOf('/', hostStart);
        int hostEnd = colon > 0 && (slash < 0 || colon < slash) ? colon : slash < 0 ? url.length() : slash;
        String host = url.substring(hostStart, hostEnd);
        if (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")) {
            return url.substring(0, hostStart) + hostname + url.substring(hostEnd);
        }
        return url;
    }
}
