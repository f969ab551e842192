package dev.vigil.server;

import dev.vigil.ingest.scrape.ScrapeJob;
import dev.vigil.ingest.scrape.Scraper;
import dev.vigil.ingest.scrape.SelfScrape;
import dev.vigil.ingest.scrape.TargetsView;
import dev.vigil.query.eval.EngineOptions;
import dev.vigil.query.eval.PromEngine;
import dev.vigil.query.rules.GroupSpec;
import dev.vigil.query.rules.OutgoingAlert;
import dev.vigil.query.rules.RuleFileException;
import dev.vigil.query.rules.RuleFiles;
import dev.vigil.query.rules.RuleManager;
import dev.vigil.query.rules.RuleOptions;
import dev.vigil.query.text.GoText;
import dev.vigil.server.alerting.AlertRelabeling;
import dev.vigil.server.alerting.Notifier;
import dev.vigil.server.alerting.NotifyConfig;
import dev.vigil.server.alerting.WebhookNotifier;
import dev.vigil.server.api.ApiTime;
import dev.vigil.server.api.ApiWarmup;
import dev.vigil.server.api.Backend;
import dev.vigil.server.api.FederateApi;
import dev.vigil.server.api.PrometheusApi;
import dev.vigil.server.api.RemoteReadApi;
import dev.vigil.server.api.ServerInfo;
import dev.vigil.server.cli.ConfigFile;
import dev.vigil.server.cli.ConfigRedaction;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ListenAddress;
import dev.vigil.server.cli.DownsampleFlags;
import dev.vigil.server.cli.RemoteReadFlags;
import dev.vigil.server.cli.RemoteWriteSection;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.cli.Sizes;
import dev.vigil.server.http.HttpMetrics;
import dev.vigil.server.http.HttpServer;
import dev.vigil.server.http.PlainText;
import dev.vigil.server.http.Role;
import dev.vigil.server.http.RoutePrefix;
import dev.vigil.server.http.Routes;
import dev.vigil.server.http.WebSecurity;
import dev.vigil.server.http.WorkerPool;
import dev.vigil.server.http.tls.TlsWarmup;
import dev.vigil.server.ops.Lifecycle;
import dev.vigil.server.ops.SelfMetrics;
import dev.vigil.server.remotewrite.RemoteWriteConfig;
import dev.vigil.server.remotewrite.RemoteWrites;
import dev.vigil.server.web.WebUi;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import dev.vigil.tsdb.db.DbStats;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RoutingHandler;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.UnaryOperator;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The running server: the main port (API, UI, operations, push) and the push port, over a store
 * opened after the ports are bound so probes answer during recovery.
 */
public final class VigilServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(VigilServer.class.getName());
    private static final long DRAIN_MS = 30_000;
    /** How often the web config, roles and certificate files are checked for changes. */
    static final long WEB_CONFIG_POLL_MS = 3_000;

    private final ServerConfig cfg;
    private final Wiring wiring;
    private final Runnable quit;
    private final HttpMetrics httpMetrics = new HttpMetrics();
    private final long startMs = System.currentTimeMillis();
    /** Sent with the push port's exposition so this process's scraper knows itself ({@link SelfScrape}). */
    private final String selfId = SelfScrape.newId();
    /** {@code --push.labels}: how pushed series are labelled in the store; null as pushed. Read again by each reload. */
    private UnaryOperator<Labels> pushMapping;
    /** The store the push side writes to: the store itself, or a {@code MappedStorage} that a reload remaps. */
    private Storage pushStore;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Off with -Dvigil.queryWarmup=false (for measuring what it saves). */
    private static final boolean WARMUP = !"false".equals(System.getProperty("vigil.queryWarmup"));
    /** Wall time and rounds the start-up query warm-up may take at most. */
    private static final long WARMUP_BUDGET_MS = Long.getLong("vigil.queryWarmupMs", 10_000);
    private static final int WARMUP_ROUNDS = 40;
    /** CPU the warm-up thread may use: a third of a core over its wall budget, ingestion keeps the rest. */
    private static final long WARMUP_CPU_MS = Long.getLong("vigil.queryWarmupCpuMs", 3_000);
    /** {@code -Dvigil.tlsWarmup=false} turns the TLS warm-up off (for A/B measurements). */
    private static final boolean TLS_WARMUP = !"false".equals(System.getProperty("vigil.tlsWarmup"));
    private static final int TLS_WARMUP_RECORDS = Integer.getInteger("vigil.tlsWarmupRecords", 6000);
    private static final long TLS_WARMUP_CPU_NS = 4_000_000_000L;
    private volatile Backend backend;
    /** The query API; the start-up warm-up runs its endpoints. */
    private PrometheusApi api;
    private volatile Storage storage;
    private volatile Wiring.Push pushParts;
    private volatile HttpHandler mainLate;
    private volatile HttpHandler pushLate;
    private volatile String configText = "";
    private volatile Labels externalLabels = Labels.EMPTY;
    private volatile long configTime = startMs;
    private volatile boolean reloadOk = true;
    /** The scrape jobs of the last good configuration; applied once the store is open. */
    private volatile List<ScrapeJob> scrapeJobs = List.of();
    private volatile Scraper scraper;
    /** The rule groups of the last good configuration; applied once the store is open. */
    private volatile List<GroupSpec> ruleGroups = List.of();
    private volatile RuleOptions ruleOptions = RuleOptions.DEFAULT;
    private volatile RuleManager rules;
    /** The remote_write entries of the last good configuration; applied once the store is open. */
    private volatile List<RemoteWriteConfig> remoteWriteConfigs = List.of();
    private volatile RemoteWrites remoteWrites;
    private final Notifier notifier = new Notifier("Vigil/" + Main.version());
    private volatile AlertRelabeling alertRelabeling = AlertRelabeling.NONE;
    private final WebhookNotifier webhooks =
            new WebhookNotifier("Vigil/" + Main.version());
    private HttpServer web;
    private HttpServer push;
    private WebSecurity security = WebSecurity.open();
    /**
     * The query API's and /metrics' threads, apart from the listeners' workers that push bodies
     * are read on: as many as queries may run, plus room for metadata calls and scrapes.
     */
    private final WorkerPool apiPool;
    /** Every route registered on each port ("web", "push"), for the route-by-role table and its test. */
    private final Map<String, List<Routes>> routeTables = new ConcurrentHashMap<>();

    private VigilServer(ServerConfig cfg, Wiring wiring, Runnable quit) {
        this.apiPool = new WorkerPool("api", cfg.queryMaxConcurrency() + 8);
        this.cfg = cfg;
        this.wiring = wiring;
        this.quit = quit;
    }

    /** The production parts: the on-disk store and the PromQL engine with the flags' limits. */
    public static Wiring defaultWiring(ServerConfig cfg) {
        return new Wiring(
                () -> Db.open(StorageChurn.apply(DbOptions.builder(Path.of(cfg.dataDir()))
                        .retentionMs(cfg.retentionMs())
                        .retentionBytes(cfg.retentionBytes())
                        .outOfOrderWindowMs(cfg.outOfOrderWindowMs())
                        .maxSeries(cfg.maxSeries())
                        .downsampleAfterMs(DownsampleFlags.of(cfg).afterMs())
                        .rawRetentionMs(DownsampleFlags.of(cfg).rawRetentionMs()))
                        .build()),
                s -> new PromEngine(s, new EngineOptions(cfg.lookbackDeltaMs(),
                        cfg.queryTimeoutMs(), cfg.queryMaxSamples(), cfg.queryMaxConcurrency())),
                PushWiring.push(cfg, System.currentTimeMillis()));
    }

    /**
     * Binds both ports, then opens the store (blocking until recovered).
     *
     * @param quit what {@code /-/quit} does after answering
     * @throws IOException when the store cannot be opened (the ports are released again)
     */
    public static VigilServer start(ServerConfig cfg, Wiring wiring, Runnable quit) throws Exception {
        VigilServer s = new VigilServer(cfg, wiring, quit);
        try {
            s.loadConfig();
            s.loadWebSecurity();
            if (cfg.configFile().isEmpty()) {
                s.pushMapping = PushLabelMode.mapping(cfg, List.of()); // else loadConfig read it
            }
            s.bind();
            s.openStore();
        } catch (Exception | Error e) {
            s.close();
            throw e;
        }
        return s;
    }

    private void loadConfig() throws IOException {
        if (cfg.configFile().isEmpty()) {
            return;
        }
        ConfigFile.Loaded c = ConfigFile.load(Path.of(cfg.configFile()));
        // Checked before anything applies: a reload without the push port's job is refused whole.
        UnaryOperator<Labels> mapping = PushLabelMode.mapping(cfg, c.scrapeJobs());
        List<GroupSpec> groups;
        try {
            Path dir = Path.of(cfg.configFile()).toAbsolutePath().getParent();
            groups = RuleFiles.load(c.ruleFiles(), dir, c.evaluationIntervalMs());
        } catch (RuleFileException e) {
            throw new IllegalArgumentException("loading rule files: " + e.getMessage());
        }
        externalLabels = Labels.of(c.externalLabels());
        NotifyConfig notify = NotifyConfig.parse(c.text(), cfg.configFile());
        List<RemoteWriteConfig> rw = RemoteWriteSection.parse(c.text(), cfg.configFile());
        configText = ConfigRedaction.redact(c.text());
        configTime = System.currentTimeMillis();
        for (String s : c.ignored()) {
            LOG.warning("config " + cfg.configFile() + ": section '" + s + "' is accepted but not acted on yet");
        }
        scrapeJobs = c.scrapeJobs();
        ruleGroups = groups;
        ruleOptions = ruleOptions(c.externalLabels());
        // External labels are added by alertRelabeling, before alert_relabel_configs as in
        // Prometheus, so a rule can read or drop them; the notifiers add none of their own.
        alertRelabeling = new AlertRelabeling(c.externalLabels(), c.alertRelabeling());
        notifier.apply(c.alertmanagers(), Map.of());
        webhooks.apply(notify, Map.of(), ruleOptions.externalURL());
        RuleManager rm = rules;
        if (rm != null) {
            rm.update(groups, ruleOptions);
        }
        remoteWriteConfigs = rw;
        RemoteWrites rws = remoteWrites;
        if (rws != null) {
            rws.apply(rw, externalLabels);
        }
        Scraper sc = scraper;
        if (sc != null) {
            sc.apply(c.scrapeJobs());
        }
        pushMapping = mapping;
        PushLabelMode.remap(pushStore, mapping);
        LOG.info("loaded configuration file " + cfg.configFile());
    }

    private RuleOptions ruleOptions(Map<String, String> externalLabels) {
        Map<String, String> f = cfg.flags();
        String url = f.getOrDefault("web.external-url", "");
        if (url.isEmpty()) {
            String host;
            try {
                host = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            url = "http://" + host + ":" + ListenAddress.parse(cfg.webListen()).port();
        }
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return new RuleOptions(externalLabels, url,
                ApiTime.parsePromDuration(f.getOrDefault("rules.alert.for-outage-tolerance", "1h")),
                ApiTime.parsePromDuration(f.getOrDefault("rules.alert.for-grace-period", "10m")),
                ApiTime.parsePromDuration(f.getOrDefault("rules.alert.resend-delay", "1m")));
    }

    /**
     * Reads the configuration file again and applies its scrape jobs; returns null on success or
     * what is wrong (the previous configuration then stays in force). Synchronized so two
     * reloads cannot interleave their scrape changes.
     */
    public synchronized String reloadConfig() {
        try {
            loadConfig();
            reloadOk = true;
            return null;
        } catch (IOException | IllegalArgumentException e) {
            reloadOk = false;
            LOG.warning("reload failed: " + e.getMessage());
            return e.getMessage();
        }
    }

    private void loadWebSecurity() throws IOException {
        String wf = cfg.web().configFile();
        String rf = cfg.web().rolesFile();
        if (wf.isEmpty() && rf.isEmpty()) {
            return;
        }
        security = WebSecurity.load(wf.isEmpty() ? null : Path.of(wf), rf.isEmpty() ? null : Path.of(rf));
        security.watch(WEB_CONFIG_POLL_MS);
        LOG.info("loaded " + security + (security.sslContext() != null ? "; TLS on both ports" : ""));
        if (security.sslContext() != null && TLS_WARMUP) {
            // C2-compiles the JDK's AES-GCM record path before the first pushes (docs/PERFORMANCE-push.md).
            new TlsWarmup(security.sslContext(), TLS_WARMUP_RECORDS, TLS_WARMUP_CPU_NS).start(closed::get);
        }
    }

    /** A port's router behind the web config's guard; what it registers is listed by {@link #registeredRoutes}. */
    private Routes routes(String port, RoutingHandler handler) {
        Routes r = new Routes(handler, security.guard());
        routeTables.computeIfAbsent(port, k -> new CopyOnWriteArrayList<>()).add(r);
        return r;
    }

    /** Every route registered so far, by port ("web", "push"); the push routes appear once the store is open. */
    public Map<String, List<Routes.Route>> registeredRoutes() {
        Map<String, List<Routes.Route>> out = new TreeMap<>();
        routeTables.forEach((port, tables) -> {
            List<Routes.Route> all = new ArrayList<>();
            tables.forEach(t -> all.addAll(t.registered()));
            out.put(port, all);
        });
        return out;
    }

    private HttpServer.Options listenerOptions() {
        return new HttpServer.Options(security.sslContext(), cfg.web().readTimeoutMs(), cfg.web().maxConnections(),
                security.http2());
    }

    private void bind() {
        // Until the store is open, what is not the query API or a probe is a push: 503.
        mainLate = PlainText.UNAVAILABLE;
        pushLate = PlainText.UNAVAILABLE;
        Lifecycle lifecycle = new Lifecycle(this::ready, cfg.enableLifecycle(), new Lifecycle.Actions() {
            @Override
            public String reload() {
                return VigilServer.this.reloadConfig();
            }

            @Override
            public void quit() {
                quit.run();
            }
        });

        RoutingHandler main = new RoutingHandler(false);
        main.setInvalidMethodHandler(PlainText.METHOD_NOT_ALLOWED);
        Routes mainRoutes = routes("web", main);
        lifecycle.register(mainRoutes, httpMetrics::instrument);
        api = new PrometheusApi(() -> backend, serverInfo(), System::currentTimeMillis, () -> rules, apiPool);
        api.register(mainRoutes, httpMetrics::instrument);
        new FederateApi(() -> backend, () -> externalLabels, cfg.lookbackDeltaMs(), System::currentTimeMillis)
                .register(mainRoutes, httpMetrics::instrument);
        new RemoteReadApi(() -> backend, () -> externalLabels, RemoteReadFlags.of(cfg)).register(mainRoutes, httpMetrics::instrument);
        SelfMetrics self = new SelfMetrics(this::dbStats, httpMetrics, Main.version(), startMs);
        HttpHandler metrics = new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange ex) {
                if (ex.isInIoThread() || !apiPool.isCurrent()) {
                    ex.dispatch(apiPool.executor(), this); // the store's statistics read the data folder
                    return;
                }
                ex.getResponseHeaders().put(Headers.CONTENT_TYPE, SelfMetrics.CONTENT_TYPE);
                RuleManager rm = rules;
                ex.getResponseSender().send(self.render() + (rm == null ? "" : rm.metricsText()) + notifier.metricsText()
                        + webhooks.metricsText() + (remoteWrites == null ? "" : remoteWrites.metricsText()));
            }
        };
        mainRoutes.get(Role.READ, "/metrics", httpMetrics.instrument("/metrics", metrics));
        mainRoutes.get(Role.READ, "/api/v1/status/remote_write", httpMetrics.instrument("/api/v1/status/remote_write",
                new dev.vigil.server.remotewrite.RemoteWriteStatus(() -> remoteWrites)));
        new WebUi(Flags.linkPrefix(cfg)).register(mainRoutes);
        main.setFallbackHandler(httpMetrics.instrument("other", ex -> mainLate.handleRequest(ex)));
        ListenAddress wa = ListenAddress.parse(cfg.webListen());
        String prefix = Flags.routePrefix(cfg);
        web = HttpServer.start("web", wa.host(), wa.port(), security.headers(RoutePrefix.wrap(prefix, main)), listenerOptions());
        LOG.info("listening on " + hostPort(web.address()) + (prefix.equals("/") ? "" : " under " + prefix)
                + " (API, UI, push, /metrics)");

        if (!cfg.pushListen().isEmpty()) {
            RoutingHandler pr = new RoutingHandler(false);
            pr.setInvalidMethodHandler(PlainText.METHOD_NOT_ALLOWED);
            lifecycle.registerProbes(routes("push", pr), httpMetrics::instrument);
            pr.setFallbackHandler(httpMetrics.instrument("other-push-port", ex -> pushLate.handleRequest(ex)));
            ListenAddress pa = ListenAddress.parse(cfg.pushListen());
            push = HttpServer.start("push", pa.host(), pa.port(), security.headers(pr), listenerOptions());
            LOG.info("listening on " + hostPort(push.address()) + " (push only)");
        }
    }

    private void openStore() throws Exception {
        LOG.info("opening data folder " + Path.of(cfg.dataDir()).toAbsolutePath());
        long t0 = System.nanoTime();
        Storage s = wiring.openStorage().call();
        storage = s;
        Backend b = new Backend(s, wiring.engine().apply(s), s instanceof Db db ? db::stats : null,
                new Backend.Limits(cfg.retentionMs(), cfg.retentionBytes()));
        RoutingHandler mainPush = new RoutingHandler(false);
        mainPush.setInvalidMethodHandler(PlainText.METHOD_NOT_ALLOWED);
        RoutingHandler portPush = new RoutingHandler(false);
        portPush.setInvalidMethodHandler(PlainText.METHOD_NOT_ALLOWED);
        Storage ps;
        synchronized (this) { // a reload in between would otherwise be lost
            ps = PushLabelMode.storage(pushMapping, s);
            pushStore = ps;
        }
        Wiring.Push p = wiring.push().apply(ps);
        pushParts = p;
        p.routes().register(routes("web", mainPush));
        Routes portRoutes = routes("push", portPush);
        p.routes().register(portRoutes);
        if (p.pushPortMetrics() != null) {
            HttpHandler groups = p.pushPortMetrics();
            HttpString header = new HttpString(SelfScrape.HEADER);
            // The instance id lets Vigil's own scraper recognise this port when a config scrapes it.
            portRoutes.get(Role.READ, "/metrics", httpMetrics.instrument("/metrics (push port)", ex -> {
                ex.getResponseHeaders().put(header, selfId);
                groups.handleRequest(ex);
            }));
        }
        mainPush.setFallbackHandler(PlainText.NOT_FOUND);
        portPush.setFallbackHandler(PlainText.NOT_FOUND);
        // Say what was recovered before the probes turn ready, so a log that shows ready shows this.
        DbStats st = s instanceof Db db ? db.stats() : null;
        LOG.info(String.format("store ready in %d ms%s", (System.nanoTime() - t0) / 1_000_000,
                st == null ? "" : String.format(": %d series, %d chunks recovered; WAL replay %d ms, %d torn tails",
                        st.headSeries(), st.headChunks(), st.walReplayMillis(), st.walTornTails())));
        synchronized (this) {
            Scraper sc = new Scraper(s, System::currentTimeMillis,
                    "Vigil/" + Main.version());
            sc.recogniseSelf(selfId);
            sc.apply(scrapeJobs);
            scraper = sc;
            RuleManager rm = new RuleManager(b.engine(), s,
                    alerts -> {
                        List<OutgoingAlert> out = alertRelabeling.apply(alerts);
                        notifier.send(out);
                        webhooks.send(out);
                    }, 2);
            rm.update(ruleGroups, ruleOptions);
            rules = rm;
            if (s instanceof Db db) {
                RemoteWrites rws = new RemoteWrites(db, "Vigil/" + Main.version());
                rws.apply(remoteWriteConfigs, externalLabels);
                remoteWrites = rws;
            } else if (!remoteWriteConfigs.isEmpty()) {
                LOG.warning("remote_write needs the on-disk store; not started");
            }
        }
        mainLate = mainPush;
        pushLate = portPush;
        backend = b;
        LOG.info("server is ready to receive requests");
        warmUpQueries(b);
    }

    /**
     * Runs dashboard-shaped queries over the store once in the background, so the first panels
     * after a start are not answered by cold code (docs/PERFORMANCE-query.md has the figures).
     */
    private void warmUpQueries(Backend b) {
        if (api == null || !WARMUP) {
            return;
        }
        ApiWarmup w = new ApiWarmup(api, b, System::currentTimeMillis,
                () -> b.stats() == null ? Long.MIN_VALUE : ApiWarmup.newestSample(b.stats().get()));
        if (security.sslContext() == null) {
            InetSocketAddress a = web.address();
            String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
            w.overHttp(URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort()
                    + Flags.routePrefix(cfg)), HttpMetrics.WARMUP_HEADER + ": " + httpMetrics.warmupToken());
        }
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            int n = w.run(WARMUP_BUDGET_MS, WARMUP_CPU_MS, WARMUP_ROUNDS, closed::get);
            // At info when it ran (it explains CPU use in the first seconds); an empty store has nothing to warm.
            LOG.log(n > 0 ? Level.INFO : Level.FINE, () -> String.format("query warm-up: %d queries (%d through the listener) in %d ms",
                    n, w.httpAnswered(), (System.nanoTime() - t0) / 1_000_000));
        }, "query-warmup");
        t.setDaemon(true);
        t.start();
    }

    private DbStats dbStats() {
        return backend != null && storage instanceof Db db ? db.stats() : null;
    }

    private ServerInfo serverInfo() {
        String retention = GoText.formatDuration(cfg.retentionMs());
        if (cfg.retentionBytes() > 0) {
            retention += " or " + Sizes.format(cfg.retentionBytes());
        }
        return new ServerInfo(Main.version(), startMs, cfg.flags(), retention, () -> configText, () -> configTime,
                () -> reloadOk, () -> {
                    Scraper sc = scraper;
                    return sc == null ? TargetsView.EMPTY : sc.view();
                });
    }

    public boolean ready() {
        return backend != null && !closed.get() && (!(storage instanceof Db db) || db.ready());
    }

    public InetSocketAddress webAddress() {
        return web.address();
    }

    public InetSocketAddress pushAddress() {
        return push == null ? null : push.address();
    }

    /** Stops accepting, lets in-flight requests finish, then closes the store. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("shutting down");
        if (web != null) {
            web.beginShutdown();
        }
        if (push != null) {
            push.beginShutdown();
        }
        if (web != null) {
            web.awaitAndStop(DRAIN_MS);
        }
        if (push != null) {
            push.awaitAndStop(DRAIN_MS);
        }
        Scraper sc = scraper;
        if (sc != null) {
            sc.close();
        }
        RuleManager rm = rules;
        if (rm != null) {
            rm.close();
        }
        RemoteWrites rws = remoteWrites;
        if (rws != null) {
            rws.close(); // before the store: the queues read its WAL
        }
        notifier.close();
        webhooks.close();
        security.close();
        apiPool.close();
        Wiring.Push p = pushParts;
        if (p != null) {
            try {
                p.close().close();
            } catch (Exception e) {
                LOG.log(Level.SEVERE, "closing the push groups failed", e);
            }
        }
        Storage s = storage;
        if (s != null) {
            try {
                s.close();
                LOG.info("store closed");
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.SEVERE, "closing the store failed", e);
            }
        }
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
