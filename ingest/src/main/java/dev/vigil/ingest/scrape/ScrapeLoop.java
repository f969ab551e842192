package dev.vigil.ingest.scrape;

import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.ParseSink;
import dev.vigil.ingest.text.LineParser;
import dev.vigil.ingest.text.OpenMetricsParser;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.Values;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;

/**
 * Scrapes one target: fetches its exposition, stores every sample with the target's labels in
 * one transaction, writes staleness markers for series that disappeared (or for all of them when
 * the scrape fails) and the report series {@code up}, {@code scrape_duration_seconds},
 * {@code scrape_samples_scraped}, {@code scrape_samples_post_metric_relabeling} and
 * {@code scrape_series_added}, as Prometheus's scrape loop does. Runs on one thread at a time.
 */
final class ScrapeLoop implements Runnable {
    private static final Logger LOG = Logger.getLogger(ScrapeLoop.class.getName());
    /** What Prometheus 2.42 asks for: OpenMetrics first, then the classic text format. */
    static final String ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
            + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private static final String[] REPORT = {"up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added"};

    private final ScrapeTarget target;
    private final Storage storage;
    private final HttpClient http;
    private final LongSupplier clock;
    private final String userAgent;
    private final TextParser text = new TextParser(false);
    private final OpenMetricsParser openMetrics = new OpenMetricsParser();
    /**
     * Scraped label set → what it is stored as (or that metric relabelling drops it), for every
     * series of the last scrape: relabelling runs once per new series, not per sample.
     */
    private final HashMap<Labels, Entry> series = new HashMap<>();
    private final dev.vigil.ingest.relabel.Relabeler metricRelabeler;
    /** Per sample of the scrape in hand: its series, or null for a repeat within the scrape. */
    private Entry[] resolved = new Entry[256];
    private final Map<String, Metadata> metadata = new HashMap<>();
    private final Labels[] reportLabels = new Labels[REPORT.length];
    private final long[] reportRefs = new long[REPORT.length];
    private long generation;
    private boolean reported;
    private volatile boolean stopped;
    /** This process's id ({@link SelfScrape}), or null when none is known. */
    private final String selfId;
    /** Set once a response showed the target is this process's own push port: it is never fetched again. */
    private volatile boolean self;

    /** One scraped series: what it is stored as ({@code null}: dropped by metric relabelling). */
    private static final class Entry {
        final Labels stored;
        long ref;
        /** The last scrape that listed it. */
        long seen = -1;
        /** Whether a sample of it was stored, so a staleness marker has something to end. */
        boolean written;
        /** Series with their own timestamps take no part in staleness, as in Prometheus. */
        boolean explicit;

        Entry(Labels stored) {
            this.stored = stored;
        }
    }

    ScrapeLoop(ScrapeTarget target, Storage storage, HttpClient http, LongSupplier clock, String userAgent) {
        this(target, storage, http, clock, userAgent, null);
    }

    ScrapeLoop(ScrapeTarget target, Storage storage, HttpClient http, LongSupplier clock, String userAgent, String selfId) {
        this.selfId = selfId;
        this.target = target;
        this.storage = storage;
        this.http = http;
        this.clock = clock;
        this.userAgent = userAgent;
        this.metricRelabeler = target.job().metricRelabelConfigs().relabeler();
        for (int i = 0; i < REPORT.length; i++) {
            reportLabels[i] = target.labels().toBuilder().set(Labels.METRIC_NAME, REPORT[i]).build();
        }
    }

    ScrapeTarget target() {
        return target;
    }

    @Override
    public void run() {
        if (stopped) {
            return;
        }
        try {
            scrapeOnce();
        } catch (RuntimeException | IOException e) {
            // A store failure must not end the schedule: the next interval tries again.
            LOG.log(Level.WARNING, "scrape of " + target.url() + " could not be stored", e);
        }
    }

    /** One scrape at the current time; synchronized so a stop waits for a scrape in flight. */
    synchronized void scrapeOnce() throws IOException {
        if (stopped) {
            return;
        }
        long start = clock.getAsLong();
        long t0 = System.nanoTime();
        if (self) {
            target.state(new ScrapeTarget.State(ScrapeTarget.Health.DOWN, SelfScrape.MESSAGE, start, 0));
            return;
        }
        Collected c = new Collected();
        String error = null;
        try {
            fetchAndParse(c);
        } catch (ScrapeException e) {
            error = e.getMessage();
        }
        if (self) {
            // Storing it would keep every pushed series twice (once as pushed, once as scraped).
            LOG.warning("job " + target.job().name() + ": target " + target.url() + " is this Vigil's own push port;"
                    + " its series are not stored again (pushed series are already stored as pushed)");
            if (reported) {
                // Earlier scrapes failed before the header could be seen (a timeout while starting under
                // load) and stored up=0: end those series now, or rules on up == 0 see a target down.
                markAllStale();
                reported = false;
            }
            target.state(new ScrapeTarget.State(ScrapeTarget.Health.DOWN, SelfScrape.MESSAGE, start,
                    (System.nanoTime() - t0) / 1e9));
            return;
        }
        double duration = (System.nanoTime() - t0) / 1e9;
        generation++;
        int kept = 0;
        if (error == null) {
            kept = resolve(c);
            long limit = target.job().sampleLimit();
            if (kept < 0) {
                error = "missing metric name (__name__ label)";
            } else if (limit > 0 && kept > limit) {
                error = "sample limit exceeded";
            }
            if (error != null) {
                generation++; // nothing of this scrape counts as seen: every series goes stale, as in Prometheus
            }
        }
        Appender a = storage.appender();
        boolean done = false;
        try {
            int added = 0;
            int stored = 0;
            if (error == null) {
                for (Map.Entry<String, Metadata> m : c.metadata.entrySet()) {
                    if (!Objects.equals(metadata.put(m.getKey(), m.getValue()), m.getValue())) {
                        a.metadata(m.getKey(), m.getValue());
                    }
                }
                for (int i = 0; i < c.n; i++) {
                    int r = store(a, c, i, start);
                    if (r > 0) {
                        stored++;
                    }
                    if (r == 2) {
                        added++;
                    }
                }
            }
            staleAllNotSeen(a, start);
            boolean up = error == null;
            double[] report = {up ? 1 : 0, duration, up ? c.n : 0, up ? kept : 0, added};
            for (int i = 0; i < REPORT.length; i++) {
                reportRefs[i] = appendQuietly(a, reportRefs[i], reportLabels[i], start, report[i]);
            }
            a.commit();
            done = true;
            reported = true;
            if (up && stored < kept) {
                int refused = kept - stored;
                int all = kept;
                LOG.fine(() -> target.url() + ": " + refused + " of " + all + " samples refused by the store");
            }
        } finally {
            if (!done) {
                a.rollback();
            }
        }
        target.state(new ScrapeTarget.State(error == null ? ScrapeTarget.Health.UP : ScrapeTarget.Health.DOWN,
                error == null ? "" : error, start, duration));
    }

    /**
     * Finds each sample's series, attaching the target's labels and applying metric relabelling
     * once per new series (the result is kept with it, dropped ones included). Returns how many
     * samples are kept, or -1 when relabelling left one without a metric name (Prometheus fails
     * the scrape then).
     */
    private int resolve(Collected c) {
        if (resolved.length < c.n) {
            resolved = new Entry[Math.max(c.n, resolved.length * 2)];
        }
        int kept = 0;
        boolean nameless = false;
        for (int i = 0; i < c.n; i++) {
            Labels scraped = c.labels[i];
            Entry e = series.get(scraped);
            if (e == null) {
                int line = i;
                Labels stored = metricRelabeler.process(withTargetLabels(scraped, name -> hasEmptyLabel(c, line, name)));
                e = new Entry(stored);
                series.put(scraped, e);
            } else if (e.seen == generation) {
                resolved[i] = null; // the same series twice in one scrape: Prometheus keeps the first
                continue;
            }
            e.seen = generation;
            resolved[i] = e;
            if (e.stored != null) {
                kept++;
                nameless |= !e.stored.has(Labels.METRIC_NAME);
            }
        }
        return nameless ? -1 : kept;
    }

    /** Stores sample i: 0 not stored, 1 stored, 2 stored as a series new to this target. */
    private int store(Appender a, Collected c, int i, long start) {
        Entry e = resolved[i];
        if (e == null || e.stored == null) {
            return 0;
        }
        boolean explicit = c.hasTs[i] && target.job().honorTimestamps();
        long t = explicit ? c.ts[i] : start;
        e.explicit = explicit;
        try {
            e.ref = a.append(e.ref, e.stored, t, c.values[i]);
        } catch (AppendRejectedException ex) {
            return 0;
        }
        boolean isNew = !e.written;
        e.written = true;
        return isNew ? 2 : 1;
    }

    private void staleAllNotSeen(Appender a, long t) {
        for (Iterator<Entry> it = series.values().iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.seen != generation) {
                if (e.written && !e.explicit) {
                    appendQuietly(a, e.ref, e.stored, t, Values.STALE_NAN);
                }
                it.remove();
            }
        }
    }

    /** Ends the loop; with {@code markStale} every series it wrote, report series included, goes stale now. */
    void stop(boolean markStale) {
        stopped = true;
        if (markStale) {
            markAllStale();
        }
    }

    /** Waits for a scrape in flight, so the markers come after its samples. */
    private synchronized void markAllStale() {
        long t = clock.getAsLong();
        Appender a = storage.appender();
        try {
            for (Entry e : series.values()) {
                if (e.written && !e.explicit) {
                    appendQuietly(a, e.ref, e.stored, t, Values.STALE_NAN);
                }
            }
            for (int i = 0; reported && i < REPORT.length; i++) {
                appendQuietly(a, reportRefs[i], reportLabels[i], t, Values.STALE_NAN);
            }
            a.commit();
        } catch (IOException | RuntimeException e) {
            a.rollback();
            LOG.log(Level.WARNING, "staleness markers for " + target.url() + " could not be stored", e);
        }
        series.clear();
    }

    /** The target's labels on a scraped series ({@link TargetLabelMerge}). */
    Labels withTargetLabels(Labels scraped, java.util.function.Predicate<String> emptyInScrape) {
        return TargetLabelMerge.merge(scraped, target.labels(), target.job().honorLabels(), emptyInScrape);
    }

    private static long appendQuietly(Appender a, long ref, Labels l, long t, double v) {
        try {
            return a.append(ref, l, t, v);
        } catch (AppendRejectedException e) {
            return ref;
        }
    }

    // ---------------------------------------------------------------- fetching

    private void fetchAndParse(Collected c) throws ScrapeException {
        ScrapeJob job = target.job();
        HttpRequest.Builder rb = HttpRequest.newBuilder(target.uri())
                .timeout(Duration.ofMillis(target.timeoutMs()))
                .header("Accept", ACCEPT)
                .header("Accept-Encoding", "gzip")
                .header("User-Agent", userAgent)
                .header("X-Prometheus-Scrape-Timeout-Seconds", seconds(target.timeoutMs()))
                .GET();
        job.headers().forEach(rb::header);
        HttpResponse<InputStream> resp;
        try {
            resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new ScrapeException("Get \"" + target.url() + "\": context deadline exceeded");
        } catch (IOException e) {
            throw new ScrapeException("Get \"" + target.url() + "\": " + describe(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ScrapeException("scrape interrupted");
        }
        if (selfId != null && resp.headers().allValues(SelfScrape.HEADER).contains(selfId)) {
            self = true;
            try {
                resp.body().close();
            } catch (IOException ignored) {
                // the answer is known already
            }
            throw new ScrapeException(SelfScrape.MESSAGE);
        }
        byte[] body;
        try (InputStream raw = resp.body()) {
            if (resp.statusCode() != 200) {
                throw new ScrapeException("server returned HTTP status " + resp.statusCode() + " " + reason(resp.statusCode()));
            }
            boolean gzip = resp.headers().firstValue("Content-Encoding").map(v -> v.equalsIgnoreCase("gzip")).orElse(false);
            body = readLimited(gzip ? new GZIPInputStream(raw) : raw, job.bodySizeLimit());
        } catch (IOException e) {
            throw new ScrapeException(e instanceof HttpTimeoutException ? "context deadline exceeded" : describe(e));
        }
        String type = resp.headers().firstValue("Content-Type").orElse("");
        boolean om = type.toLowerCase(java.util.Locale.ROOT).startsWith("application/openmetrics-text");
        try {
            if (om) {
                parse(openMetrics, body, c);
            } else {
                parse(text, body, c);
                TextMetadata.scan(body, c.metadata);
            }
            if (job.honorLabels()) {
                c.body = body;
            }
        } catch (ExpositionException e) {
            throw new ScrapeException(e.getMessage());
        }
    }

    private static void parse(LineParser p, byte[] body, Collected c) throws ExpositionException {
        p.begin();
        int end = body.length;
        int stop = p.parseLines(body, 0, end, c);
        if (p instanceof TextParser && stop < end) {
            // A last line without its newline is fine for a scrape (Prometheus accepts it).
            byte[] b = java.util.Arrays.copyOfRange(body, stop, end + 1);
            b[b.length - 1] = '\n';
            int s2 = p.parseLines(b, 0, b.length, c);
            p.finish(b, s2, b.length, c);
            return;
        }
        p.finish(body, stop, end, c);
    }

    private static byte[] readLimited(InputStream in, long limit) throws IOException, ScrapeException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 << 10);
        byte[] buf = new byte[64 << 10];
        long total = 0;
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
            if (limit > 0 && total > limit) {
                throw new ScrapeException("body size limit exceeded");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }

    private static String seconds(long ms) {
        return ms % 1000 == 0 ? Long.toString(ms / 1000) : Double.toString(ms / 1000.0);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.net.ConnectException) {
            return "dial tcp: connection refused";
        }
        return m == null || m.isEmpty() ? e.getClass().getSimpleName() : m;
    }

    private static String reason(int code) {
        return switch (code) {
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            default -> "";
        };
    }

    /** Why a scrape failed; the text is what {@code lastError} shows. */
    static final class ScrapeException extends Exception {
        private static final long serialVersionUID = 1L;

        ScrapeException(String message) {
            super(message, null, false, false);
        }
    }

    /** The samples of one scrape, in exposition order. */
    private static final class Collected implements ParseSink {
        Labels[] labels = new Labels[256];
        double[] values = new double[256];
        long[] ts = new long[256];
        boolean[] hasTs = new boolean[256];
        int[] lines = new int[256];
        int n;
        /** The body as scraped, for labels the parser reports without their empty values. */
        byte[] body;
        private int[] lineStarts;
        final Map<String, Metadata> metadata = new HashMap<>();
        private final Map<String, String[]> om = new HashMap<>();

        @Override
        public void help(String family, String help) {
            om.computeIfAbsent(family, k -> new String[3])[1] = help;
            put(family);
        }

        @Override
        public void type(String family, String type) {
            om.computeIfAbsent(family, k -> new String[3])[0] = type;
            put(family);
        }

        @Override
        public void unit(String family, String unit) {
            om.computeIfAbsent(family, k -> new String[3])[2] = unit;
            put(family);
        }

        private void put(String family) {
            String[] m = om.get(family);
            metadata.put(family, new Metadata(m[0] == null ? "unknown" : m[0], m[1] == null ? "" : m[1], m[2] == null ? "" : m[2]));
        }

        @Override
        public void sample(Labels l, double value, boolean hasTimestamp, long timestampMs, int line) {
            if (n == labels.length) {
                int cap = n * 2;
                labels = java.util.Arrays.copyOf(labels, cap);
                values = java.util.Arrays.copyOf(values, cap);
                ts = java.util.Arrays.copyOf(ts, cap);
                hasTs = java.util.Arrays.copyOf(hasTs, cap);
                lines = java.util.Arrays.copyOf(lines, cap);
            }
            lines[n] = line;
            labels[n] = l;
            values[n] = value;
            ts[n] = timestampMs;
            hasTs[n] = hasTimestamp;
            n++;
        }
    }

    /**
     * Whether sample i's line carries {@code name=""}. Parsers drop empty values, but for
     * honor_labels an empty label still counts as set: it keeps the target's label away, as it
     * does in Prometheus (a Pushgateway exposes {@code instance=""} for exactly that).
     */
    private static boolean hasEmptyLabel(Collected c, int i, String name) {
        if (c.body == null) {
            return false;
        }
        if (c.lineStarts == null) {
            int count = 1;
            for (byte x : c.body) {
                if (x == '\n') {
                    count++;
                }
            }
            int[] starts = new int[count + 1];
            int k = 1;
            for (int p = 0; p < c.body.length; p++) {
                if (c.body[p] == '\n') {
                    starts[k++] = p + 1;
                }
            }
            starts[k] = c.body.length + 1;
            c.lineStarts = starts;
        }
        int ln = c.lines[i];
        if (ln < 1 || ln >= c.lineStarts.length - 1) {
            return false;
        }
        return EmptyLabel.in(c.body, c.lineStarts[ln - 1], Math.min(c.body.length, c.lineStarts[ln] - 1), name);
    }

    /** For tests: the series this loop tracks for staleness. */
    List<Labels> trackedSeries() {
        List<Labels> out = new ArrayList<>();
        for (Entry e : series.values()) {
            if (e.written && !e.explicit) {
                out.add(e.stored);
            }
        }
        return out;
    }
}
