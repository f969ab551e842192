package dev.vigil.server.alerting;

import dev.vigil.query.rules.AlertSink;
import dev.vigil.query.rules.OutgoingAlert;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * Sends alerts to Alertmanagers' API v2 as Prometheus's notifier does: a bounded queue that
 * drops the oldest alerts when full, batches of at most 64 posted to every Alertmanager at once,
 * no retries (the rule evaluation resends), and a batch that reached no Alertmanager counted as
 * dropped.
 */
public final class Notifier implements AlertSink, AutoCloseable {
    /** Prometheus's --alertmanager.notification-queue-capacity default. */
    public static final int QUEUE_CAPACITY = 10_000;
    private static final int BATCH = 64;
    private static final Logger LOG = Logger.getLogger(Notifier.class.getName());

    private final String userAgent;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ArrayDeque<OutgoingAlert> queue = new ArrayDeque<>();
    private final Thread sender;
    private final AtomicLong dropped = new AtomicLong();
    private final Map<String, AtomicLong[]> perAm = new LinkedHashMap<>();
    private volatile List<Alertmanager> alertmanagers = List.of();
    private volatile Map<String, String> externalLabels = Map.of();
    private volatile boolean closed;

    public Notifier(String userAgent) {
        this.userAgent = userAgent;
        this.sender = new Thread(this::loop, "alert-notifier");
        sender.setDaemon(true);
        sender.start();
    }

    /** Applies {@code alerting.alertmanagers} and the external labels of a (re)loaded configuration. */
    public void apply(List<Alertmanager> ams, Map<String, String> external) {
        synchronized (perAm) {
            for (Alertmanager am : ams) {
                perAm.computeIfAbsent(am.url(), k -> new AtomicLong[] {new AtomicLong(), new AtomicLong()});
            }
        }
        externalLabels = Map.copyOf(external);
        alertmanagers = List.copyOf(ams);
    }

    @Override
    public void send(List<OutgoingAlert> alerts) {
        if (alertmanagers.isEmpty()) {
            return;
        }
        synchronized (queue) {
            queue.addAll(alerts);
            while (queue.size() > QUEUE_CAPACITY) {
                queue.pollFirst();
                dropped.incrementAndGet();
            }
            queue.notifyAll();
        }
    }

    private void loop() {
        while (!closed) {
            List<OutgoingAlert> batch = new ArrayList<>(BATCH);
            synchronized (queue) {
                while (queue.isEmpty() && !closed) {
                    try {
                        queue.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                while (batch.size() < BATCH && !queue.isEmpty()) {
                    batch.add(queue.pollFirst());
                }
            }
            if (!batch.isEmpty()) {
                post(batch);
            }
        }
    }

    private void post(List<OutgoingAlert> batch) {
        List<Alertmanager> ams = alertmanagers;
        byte[] body = AlertJson.encode(batch, externalLabels);
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (Alertmanager am : ams) {
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(am.url())).timeout(Duration.ofMillis(am.timeoutMs()))
                    .header("Content-Type", "application/json").header("User-Agent", userAgent)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            am.headers().forEach(rb::header);
            AtomicLong[] counters;
            synchronized (perAm) {
                counters = perAm.computeIfAbsent(am.url(), k -> new AtomicLong[] {new AtomicLong(), new AtomicLong()});
            }
            all.add(http.sendAsync(rb.build(), HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
                counters[0].addAndGet(batch.size());
                if (e == null && r.statusCode() / 100 == 2) {
                    return true;
                }
                counters[1].addAndGet(batch.size());
                LOG.warning("sending " + batch.size() + " alerts to " + am.url() + " failed: "
                        + (e != null ? e.toString() : "HTTP " + r.statusCode() + " " + r.body().strip()));
                return false;
            }));
        }
        boolean any = false;
        for (CompletableFuture<Boolean> f : all) {
            any |= f.join();
        }
        if (!any) {
            dropped.addAndGet(batch.size());
        }
    }

    /** Prometheus's notifier metrics in the text exposition format. */
    public String metricsText() {
        StringBuilder sb = new StringBuilder();
        int queued;
        synchronized (queue) {
            queued = queue.size();
        }
        Map<String, AtomicLong[]> snapshot;
        synchronized (perAm) {
            snapshot = new LinkedHashMap<>(perAm);
        }
        sb.append("# HELP prometheus_notifications_alertmanagers_discovered The number of alertmanagers discovered and active.\n")
                .append("# TYPE prometheus_notifications_alertmanagers_discovered gauge\n")
                .append("prometheus_notifications_alertmanagers_discovered ").append(alertmanagers.size()).append('\n');
        sb.append("# HELP prometheus_notifications_dropped_total Total number of alerts dropped due to errors when sending to Alertmanager.\n")
                .append("# TYPE prometheus_notifications_dropped_total counter\n")
                .append("prometheus_notifications_dropped_total ").append(dropped.get()).append('\n');
        sb.append("# HELP prometheus_notifications_queue_capacity The capacity of the alert notifications queue.\n")
                .append("# TYPE prometheus_notifications_queue_capacity gauge\n")
                .append("prometheus_notifications_queue_capacity ").append(QUEUE_CAPACITY).append('\n');
        sb.append("# HELP prometheus_notifications_queue_length The number of alert notifications in the queue.\n")
                .append("# TYPE prometheus_notifications_queue_length gauge\n")
                .append("prometheus_notifications_queue_length ").append(queued).append('\n');
        String[][] names = {{"prometheus_notifications_sent_total", "Total number of alerts sent."},
            {"prometheus_notifications_errors_total", "Total number of errors sending alert notifications."}};
        for (int i = 0; i < 2; i++) {
            sb.append("# HELP ").append(names[i][0]).append(' ').append(names[i][1]).append('\n')
                    .append("# TYPE ").append(names[i][0]).append(" counter\n");
            for (Map.Entry<String, AtomicLong[]> e : snapshot.entrySet()) {
                sb.append(names[i][0]).append("{alertmanager=\"").append(e.getKey().replace("\\", "\\\\").replace("\"", "\\\""))
                        .append("\"} ").append(e.getValue()[i].get()).append('\n');
            }
        }
        return sb.toString();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (queue) {
            queue.notifyAll();
        }
        sender.interrupt();
    }
}
