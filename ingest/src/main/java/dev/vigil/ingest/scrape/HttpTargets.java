package dev.vigil.ingest.scrape;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * {@code http_sd_configs}: target groups fetched from a URL every refresh interval, as
 * Prometheus's HTTP discovery: a 200 answer of type {@code application/json} holding a list of
 * groups, each labelled {@code __meta_url}; a failed fetch keeps the previous groups.
 */
final class HttpTargets {
    private static final Logger LOG = Logger.getLogger(HttpTargets.class.getName());
    private static final Pattern JSON_TYPE = Pattern.compile("^application/json(;.*)?$");

    private record State(long fetchedAt, List<ScrapeJob.StaticGroup> groups) {
    }

    private final Map<String, State> byUrl = new ConcurrentHashMap<>();
    private final String userAgent;
    private HttpClient http;

    HttpTargets(String userAgent) {
        this.userAgent = userAgent;
    }

    /** The groups of the last good fetch (none before the first). */
    List<ScrapeJob.StaticGroup> groups(ScrapeJob.HttpSdConfig c) {
        State s = byUrl.get(c.url());
        return s == null ? List.of() : s.groups();
    }

    /** Fetches every URL whose interval has passed; true when any answer changed the groups. Runs outside the scraper's lock. */
    boolean refresh(List<ScrapeJob> jobs, long now) {
        boolean changed = false;
        for (ScrapeJob j : jobs) {
            for (ScrapeJob.HttpSdConfig c : j.httpSdConfigs()) {
                State s = byUrl.get(c.url());
                if (s != null && now - s.fetchedAt() < c.refreshIntervalMs()) {
                    continue;
                }
                List<ScrapeJob.StaticGroup> groups = fetch(c.url());
                List<ScrapeJob.StaticGroup> keep = groups != null ? groups : s == null ? List.of() : s.groups();
                byUrl.put(c.url(), new State(now, keep));
                changed |= s == null ? !keep.isEmpty() : !keep.equals(s.groups());
            }
        }
        return changed;
    }

    private List<ScrapeJob.StaticGroup> fetch(String url) {
        try {
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                        .followRedirects(HttpClient.Redirect.NORMAL).build();
            }
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("User-Agent", userAgent).header("Accept", "application/json").GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalArgumentException("server returned HTTP status " + r.statusCode());
            }
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (!JSON_TYPE.matcher(type).matches()) {
                throw new IllegalArgumentException("unsupported content type \"" + type + "\"");
            }
            return FileTargets.parse(r.body(), "__meta_url", url);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            LOG.warning("http_sd: " + url + ": " + e.getMessage() + "; keeping the previous targets");
            return null;
        }
    }
}
