package dev.vigil.server.alerting;

import dev.vigil.query.rules.AlertSink;
import dev.vigil.query.rules.OutgoingAlert;
import dev.vigil.tsdb.Labels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The built-in notifier for people who run no Alertmanager: each alert goes to the routes of the
 * tree it matches (as Alertmanager routes it), grouped by that route's {@code group_by}, each
 * group flushed after {@code group_wait} and then every {@code group_interval}, sent only when
 * something changed or {@code repeat_interval} passed (as Alertmanager decides), to every webhook
 * of the route's receiver in Alertmanager's webhook payload. A receiver that is down is retried with backoff until the next flush, which tries
 * again: a notification is never dropped while its alerts last, and every failure is logged and
 * counted.
 */
public final class WebhookNotifier implements AlertSink, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebhookNotifier.class.getName());
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 10_000;

    private final String userAgent;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "webhook-timer"));
    private final ExecutorService senders = Executors.newCachedThreadPool(r -> daemon(r, "webhook-sender"));
    private final Map<GroupId, Group> groups = new HashMap<>();
    /** Per receiver: notifications sent, notifications failed after retries, requests failed. */
    private final Map<String, AtomicLong[]> counts = new ConcurrentHashMap<>();
    private volatile NotifyConfig config = NotifyConfig.NONE;
    private volatile Map<String, String> externalLabels = Map.of();
    private volatile String externalURL = "";
    private volatile boolean closed;

    public WebhookNotifier(String userAgent) {
        this.userAgent = userAgent;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Applies the {@code vigil.notify} section, the external labels and URL of a (re)loaded configuration. */
    public void apply(NotifyConfig c, Map<String, String> external, String url) {
        for (String r : c.receivers().keySet()) {
            counts.computeIfAbsent(r, k -> new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong()});
        }
        externalLabels = Map.copyOf(external);
        externalURL = url;
        config = c;
    }

    @Override
    public void send(List<OutgoingAlert> alerts) {
        NotifyConfig c = config;
        if (c.route() == null || closed) {
            return;
        }
        long now = System.currentTimeMillis();
        synchronized (groups) {
            for (OutgoingAlert a : alerts) {
                Labels.Builder b = a.labels().toBuilder();
                externalLabels.forEach((k, v) -> {
                    if (!a.labels().has(k)) {
                        b.set(k, v);
                    }
                });
                Labels labels = b.build();
                OutgoingAlert alert = new OutgoingAlert(labels, a.annotations(), a.startsAtMs(), a.endsAtMs(), a.generatorURL());
                for (NotifyConfig.Route route : c.route().match(labels)) {
                    GroupId id = new GroupId(route.id(), groupLabels(labels, route));
                    Group g = groups.get(id);
                    if (g == null) {
                        g = new Group(id, route);
                        groups.put(id, g);
                        // As Alertmanager: an alert that started more than group_wait ago is sent at once.
                        long wait = a.startsAtMs() + route.groupWaitMs() < now ? 0 : route.groupWaitMs();
                        g.schedule(wait);
                    }
                    g.put(labels, alert);
                }
            }
        }
    }

    private static Labels groupLabels(Labels l, NotifyConfig.Route r) {
        if (r.groupByAll()) {
            return l;
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String n : r.groupBy()) {
            if (l.has(n)) {
                m.put(n, l.get(n));
            }
        }
        return Labels.of(m);
    }

    /** Which route (by its id: equal child routes stay apart) and which group labels. */
    private record GroupId(String route, Labels labels) {
    }

    /**
     * One group of alerts of one route, with its timer and, per webhook, what was last delivered.
     * It keeps the route it was made for until it ends, as Alertmanager's groups do until a reload.
     */
    private final class Group {
        final GroupId id;
        final Labels labels;
        final NotifyConfig.Route route;
        final Map<Labels, OutgoingAlert> alerts = new LinkedHashMap<>();
        final Map<NotifyConfig.Webhook, Sent> sent = new HashMap<>();
        ScheduledFuture<?> timer;
        int inFlight;

        Group(GroupId id, NotifyConfig.Route route) {
            this.id = id;
            this.labels = id.labels();
            this.route = route;
        }

        void put(Labels l, OutgoingAlert a) {
            alerts.put(l, a);
        }

        void schedule(long delayMs) {
            timer = timers.schedule(this::flush, delayMs, TimeUnit.MILLISECONDS);
        }

        void flush() {
            NotifyConfig c = config;
            if (closed || c.route() == null) {
                return;
            }
            long now = System.currentTimeMillis();
            synchronized (groups) {
                schedule(route.groupIntervalMs());
                if (inFlight > 0) {
                    return; // the last flush is still retrying; it ends before this one would
                }
                List<WebhookMessage.Item> items = new ArrayList<>();
                Set<Labels> firing = new HashSet<>();
                Set<Labels> resolved = new HashSet<>();
                for (OutgoingAlert a : alerts.values()) {
                    boolean r = a.endsAtMs() <= now;
                    (r ? resolved : firing).add(a.labels());
                    items.add(new WebhookMessage.Item(a.labels(), a.annotations(), a.startsAtMs(), a.endsAtMs(), a.generatorURL(), r));
                }
                String receiver = route.receiver();
                List<NotifyConfig.Webhook> hooks = c.receivers().getOrDefault(receiver, List.of());
                Map<Labels, OutgoingAlert> snapshot = new HashMap<>(alerts);
                List<Runnable> deliveries = new ArrayList<>();
                for (NotifyConfig.Webhook w : hooks) {
                    Sent last = sent.getOrDefault(w, Sent.NOTHING);
                    if (!needsUpdate(last, firing, resolved, w.sendResolved(), now, route.repeatIntervalMs())) {
                        continue;
                    }
                    List<WebhookMessage.Item> body = w.sendResolved() ? items : items.stream().filter(i -> !i.resolved()).toList();
                    Sent next = new Sent(Set.copyOf(firing), Set.copyOf(resolved), now);
                    if (body.isEmpty()) {
                        // As Alertmanager: without send_resolved, only resolved alerts is no message, and counts as sent.
                        sent.put(w, next);
                        continue;
                    }
                    int truncated = 0;
                    if (w.maxAlerts() > 0 && body.size() > w.maxAlerts()) {
                        truncated = body.size() - w.maxAlerts();
                        body = body.subList(0, w.maxAlerts());
                    }
                    byte[] payload = WebhookMessage.encode(receiver, WebhookMessage.groupKey(route.key(), labels), labels, body, truncated, externalURL);
                    long deadline = now + route.groupIntervalMs();
                    deliveries.add(() -> {
                        boolean ok = deliver(receiver, w, payload, deadline);
                        synchronized (groups) {
                            if (ok) {
                                sent.put(w, next);
                            }
                            inFlight--;
                            if (ok && inFlight == 0) {
                                dropResolved(snapshot, resolved);
                            }
                        }
                    });
                }
                if (deliveries.isEmpty()) {
                    dropResolved(snapshot, resolved);
                    return;
                }
                inFlight = deliveries.size();
                deliveries.forEach(senders::execute);
            }
        }

        /** Resolved alerts that were delivered (and not updated since) leave the group; an empty group ends. */
        private void dropResolved(Map<Labels, OutgoingAlert> snapshot, Set<Labels> resolved) {
            for (Labels l : resolved) {
                if (alerts.get(l) == snapshot.get(l)) {
                    alerts.remove(l);
                }
            }
            if (alerts.isEmpty() && groups.get(id) == this) {
                groups.remove(id);
                timer.cancel(false);
            }
        }
    }

    /** What a webhook last got: firing and resolved alerts, and when. */
    private record Sent(Set<Labels> firing, Set<Labels> resolved, long atMs) {
        static final Sent NOTHING = new Sent(Set.of(), Set.of(), 0);
    }

    /** Alertmanager's dedup decision. */
    private static boolean needsUpdate(Sent last, Set<Labels> firing, Set<Labels> resolved, boolean sendResolved, long now,
            long repeatMs) {
        if (firing.isEmpty() && (resolved.isEmpty() || last == Sent.NOTHING)) {
            return false; // nothing ever announced: a resolution alone is not news
        }
        if (!last.firing().containsAll(firing)) {
            return true;
        }
        if (!last.firing().isEmpty() && firing.isEmpty()) {
            return true;
        }
        if (sendResolved && !last.resolved().containsAll(resolved)) {
            return true;
        }
        return !firing.isEmpty() && last.atMs() < now - repeatMs;
    }

    /** Posts until it is taken, a 4xx refuses it, or the deadline passes; returns whether it was taken. */
    private boolean deliver(String receiver, NotifyConfig.Webhook w, byte[] payload, long deadlineMs) {
        AtomicLong[] c = counts.computeIfAbsent(receiver, k -> new AtomicLong[] {new AtomicLong(), new AtomicLong(), new AtomicLong()});
        c[0].incrementAndGet();
        long backoff = FIRST_BACKOFF_MS;
        String why;
        while (true) {
            boolean retry;
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(w.url())).timeout(Duration.ofMillis(w.timeoutMs()))
                        .header("Content-Type", "application/json").header("User-Agent", userAgent)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload));
                w.headers().forEach(b::header);
                HttpResponse<Void> r = http.send(b.build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() / 100 == 2) {
                    return true;
                }
                why = "unexpected status code " + r.statusCode();
                retry = r.statusCode() / 100 == 5;
            } catch (java.io.IOException e) {
                why = e.toString();
                retry = true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                why = "interrupted";
                retry = false;
            }
            c[2].incrementAndGet();
            long now = System.currentTimeMillis();
            if (!retry || closed || now + backoff >= deadlineMs) {
                c[1].incrementAndGet();
                LOG.warning("notify receiver " + receiver + " webhook " + w.url() + " failed: " + why
                        + (retry ? "; the next flush sends it again" : ""));
                return false;
            }
            LOG.log(Level.FINE, "webhook " + w.url() + " failed (" + why + "), retrying in " + backoff + " ms");
            try {
                Thread.sleep(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
    }

    /** The notifier's counters in the text exposition format. */
    public String metricsText() {
        StringBuilder sb = new StringBuilder();
        String[][] names = {
            {"vigil_notifications_total", "Notifications the built-in notifier tried to deliver, by receiver."},
            {"vigil_notifications_failed_total", "Notifications not delivered after all retries, by receiver."},
            {"vigil_notification_requests_failed_total", "Webhook requests that failed, retries included, by receiver."}};
        for (int i = 0; i < names.length; i++) {
            sb.append("# HELP ").append(names[i][0]).append(' ').append(names[i][1]).append('\n');
            sb.append("# TYPE ").append(names[i][0]).append(" counter\n");
            for (Map.Entry<String, AtomicLong[]> e : new java.util.TreeMap<>(counts).entrySet()) {
                sb.append(names[i][0]).append("{integration=\"webhook\",receiver=\"")
                        .append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append("\"} ")
                        .append(e.getValue()[i].get()).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        timers.shutdownNow();
        senders.shutdownNow();
    }
}
