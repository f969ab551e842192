package dev.vigil.ingest.scrape;

import dev.vigil.tsdb.Storage;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Runs one scrape loop per static target of the configuration. {@link #apply} takes a new
 * configuration: unchanged targets keep their loop (and their staleness state), removed ones get
 * staleness markers for all their series, new ones start at an offset derived from their
 * identity so that scrapes of many targets spread over the interval.
 */
public final class Scraper implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Scraper.class.getName());

    private final Storage storage;
    private final LongSupplier clock;
    private final String userAgent;
    /**
     * Made with the first target: a client loads the TLS stack and its trust store and starts a
     * selector thread (≈ 400 classes), which a server that only receives pushes never needs.
     */
    private HttpClient http;
    private final ScheduledThreadPoolExecutor pool;
    private final LinkedHashMap<String, Running> running = new LinkedHashMap<>();
    private List<DroppedTarget> dropped = List.of();
    private List<ScrapeJob> jobs = List.of();
    private final FileTargets files = new FileTargets();
    private final HttpTargets web;
    private final Map<ScrapeJob.TlsConfig, HttpClient> tlsClients = new java.util.HashMap<>();
    private String fileSignature = "";
    private ScheduledFuture<?> discovery;
    private boolean closed;
    /** This process's id ({@link SelfScrape}); null: no self-scrape is recognised. */
    private volatile String selfId;

    private record Running(ScrapeLoop loop, ScheduledFuture<?> future) {
    }

    public Scraper(Storage storage, LongSupplier clock, String userAgent) {
        this.storage = storage;
        this.clock = clock;
        this.userAgent = userAgent;
        this.web = new HttpTargets(userAgent);
        AtomicInteger n = new AtomicInteger();
        this.pool = new ScheduledThreadPoolExecutor(2, r -> {
            Thread t = new Thread(r, "scrape-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
    }

    private HttpClient http() {
        if (http == null) {
            http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .followRedirects(HttpClient.Redirect.NORMAL)
                    .version(HttpClient.Version.HTTP_1_1)
                    .build();
        }
        return http;
    }

    /**
     * Makes loops started from now on recognise a target answering with this process's id
     * ({@link SelfScrape#HEADER}) and store nothing of it.
     */
    public void recogniseSelf(String id) {
        this.selfId = id;
    }

    /** Replaces the scrape configuration. */
    public synchronized void apply(List<ScrapeJob> jobs) {
        if (closed) {
            return;
        }
        this.jobs = List.copyOf(jobs);
        tlsClients.clear(); // a reload reads the certificate files again for the loops it starts
        sync();
        if (discovery == null && jobs.stream().anyMatch(j -> !j.fileSdConfigs().isEmpty() || !j.httpSdConfigs().isEmpty())) {
            // Files are checked every second (a stat each), so an edit applies about as fast as
            // Prometheus's file watch applies it; URLs are fetched when their interval is up.
            discovery = pool.scheduleWithFixedDelay(this::checkDiscovery, 0, 1, TimeUnit.SECONDS);
        }
    }

    /** Not synchronized while fetching: a slow discovery URL must not hold up apply or the targets API. */
    private void checkDiscovery() {
        List<ScrapeJob> current;
        synchronized (this) {
            current = jobs;
        }
        boolean urls = web.refresh(current, clock.getAsLong());
        synchronized (this) {
            if (closed || (!urls && files.signature(jobs).equals(fileSignature))) {
                return;
            }
            try {
                sync();
            } catch (RuntimeException e) {
                LOG.log(java.util.logging.Level.WARNING, "applying changed discovered targets failed", e);
            }
        }
    }

    /** Starts and stops loops so they are those of {@link #jobs}, with the file targets as they are now. */
    private void sync() {
        fileSignature = files.signature(jobs);
        LinkedHashMap<String, ScrapeTarget> wanted = new LinkedHashMap<>();
        List<DroppedTarget> droppedNow = new ArrayList<>();
        for (ScrapeJob job : jobs) {
            dev.vigil.ingest.relabel.Relabeler relabeler = job.relabelConfigs().relabeler();
            List<ScrapeJob.StaticGroup> groups = new ArrayList<>(job.groups());
            for (ScrapeJob.FileSdConfig f : job.fileSdConfigs()) {
                groups.addAll(files.groups(f));
            }
            for (ScrapeJob.HttpSdConfig h : job.httpSdConfigs()) {
                groups.addAll(web.groups(h));
            }
            for (ScrapeJob.StaticGroup g : groups) {
                for (String address : g.targets()) {
                    TargetLabels.Result r = TargetLabels.populate(job, relabeler, address, g.labels());
                    if (r.dropped()) {
                        droppedNow.add(new DroppedTarget(job.name(), r.discovered()));
                    } else if (r.error() != null) {
                        // Prometheus logs such a target and neither scrapes nor lists it.
                        LOG.warning("job " + job.name() + ": target " + address + " refused after relabelling: " + r.error());
                    } else {
                        ScrapeTarget t = new ScrapeTarget(job, r);
                        wanted.putIfAbsent(t.identity(), t);
                    }
                }
            }
        }
        dropped = List.copyOf(droppedNow);
        LinkedHashMap<String, Running> next = new LinkedHashMap<>();
        for (Map.Entry<String, Running> e : running.entrySet()) {
            if (wanted.containsKey(e.getKey())) {
                next.put(e.getKey(), e.getValue());
            } else {
                e.getValue().future().cancel(false);
                e.getValue().loop().stop(true);
            }
        }
        for (Map.Entry<String, ScrapeTarget> e : wanted.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                next.put(e.getKey(), start(e.getValue()));
            }
        }
        running.clear();
        running.putAll(next);
        pool.setCorePoolSize(Math.max(2, Math.min(16, running.size())));
        LOG.info("scraping " + running.size() + " target(s) in " + jobs.size() + " job(s)"
                + (dropped.isEmpty() ? "" : ", " + dropped.size() + " dropped by relabelling"));
    }

    /** The shared client, or one per distinct {@code tls_config} (its certificates are read when the job starts). */
    private HttpClient client(ScrapeJob job) {
        ScrapeJob.TlsConfig tls = job.tlsConfig();
        if (tls.equals(ScrapeJob.TlsConfig.DEFAULT)) {
            return http();
        }
        return tlsClients.computeIfAbsent(tls, c -> HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .version(HttpClient.Version.HTTP_1_1)
                .sslContext(TlsContexts.of(c))
                .build());
    }

    private Running start(ScrapeTarget t) {
        ScrapeLoop loop = new ScrapeLoop(t, storage, client(t.job()), clock, userAgent, selfId);
        long interval = t.intervalMs();
        long offset = Math.floorMod(t.identity().hashCode() * 0x9E3779B97F4A7C15L, interval);
        long delay = Math.floorMod(offset - clock.getAsLong(), interval);
        return new Running(loop, pool.scheduleAtFixedRate(loop, delay, interval, TimeUnit.MILLISECONDS));
    }

    /** Scrapes every target once, now, on the calling thread (start-up checks and tests). */
    synchronized void scrapeNow() throws java.io.IOException {
        for (Running r : running.values()) {
            r.loop().scrapeOnce();
        }
    }

    /** Every target in configuration order, as {@code /api/v1/targets} lists them. */
    public synchronized List<ScrapeTarget> targets() {
        List<ScrapeTarget> out = new ArrayList<>(running.size());
        for (Running r : running.values()) {
            out.add(r.loop().target());
        }
        return out;
    }

    /** The active targets and those relabelling dropped, as of the last {@link #apply}. */
    public synchronized TargetsView view() {
        return new TargetsView(targets(), dropped);
    }

    /** Stops every loop without staleness markers: the series are not gone, the process is. */
    @Override
    public synchronized void close() {
        closed = true;
        if (discovery != null) {
            discovery.cancel(false);
        }
        for (Running r : running.values()) {
            r.future().cancel(false);
            r.loop().stop(false);
        }
        running.clear();
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
