package dev.vigil.bench.crash;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One client: pushes (PUT/POST), deletes its own groups, remote-writes and imports its own series,
 * one request at a time, and records what was acknowledged (2xx) and what is unknown (no answer,
 * or 5xx: the server may or may not have applied it). After an unknown request it parks until
 * the server was restarted and checked. Owning its groups and series alone keeps the expected
 * state exact: at most one request per client is unknown.
 */
final class Client implements Runnable {
    static final int GROUPS = 3;
    static final int SERIES = 4;
    static final String[] PUSH_FAMILIES = {"crash_push", "crash_post"};

    final int id;
    private final Random random;
    private final Gate gate;
    private final Supplier<URI> base;
    private final AtomicLong values;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();

    // The ledger: guarded by the gate (only read by the checker while this client is parked).
    /** Group index → its acknowledged state (null = absent). */
    final Map<Integer, TreeMap<String, TreeMap<String, Double>>> groups = new HashMap<>();
    /** Group index → the push request whose answer never came, if any. */
    final Map<Integer, GroupModel.Op> pendingOps = new HashMap<>();
    /** Push series id → every value acknowledged for it / sent without an answer. */
    final Map<String, java.util.Set<Double>> pushAcked = new HashMap<>();
    final Map<String, java.util.Set<Double>> pushUnknown = new HashMap<>();
    /** Raw series id (remote write, import) → t → value, acknowledged / sent without an answer. */
    final Map<String, TreeMap<Long, Double>> rawAcked = new HashMap<>();
    final Map<String, TreeMap<Long, Double>> rawUnknown = new HashMap<>();
    private final Map<String, Long> lastT = new HashMap<>();

    long acked;
    long unknown;
    long refused;
    String lastRefusal;

    Client(int id, long seed, Gate gate, Supplier<URI> base, AtomicLong values) {
        this.id = id;
        this.random = new Random(seed);
        this.gate = gate;
        this.base = base;
        this.values = values;
    }

    static String pushSeries(int client, int group, String family, int s) {
        return family + "{client=\"" + client + "\", g=\"" + group + "\", s=\"" + s + "\"}";
    }

    static String rawSeries(String family, int client, int s) {
        return family + "{client=\"" + client + "\", s=\"" + s + "\"}";
    }

    @Override
    public void run() {
        boolean failed = false;
        try {
            while (gate.await(failed)) {
                failed = false;
                while (gate.isOpen() && !failed) {
                    failed = !step();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One request; false when its outcome is unknown. */
    private boolean step() {
        int r = random.nextInt(100);
        if (r < 45) {
            return push(random.nextInt(GROUPS), random.nextInt(100) < 60 ? "PUT" : "POST");
        } else if (r < 55) {
            return push(random.nextInt(GROUPS), "DELETE");
        } else if (r < 80) {
            return raw("crash_rw");
        }
        return raw("crash_imp");
    }

    private boolean push(int g, String method) {
        TreeMap<String, TreeMap<String, Double>> body = new TreeMap<>();
        StringBuilder text = new StringBuilder();
        if (!method.equals("DELETE")) {
            for (String fam : PUSH_FAMILIES) {
                boolean carry = fam.equals("crash_push") ? method.equals("PUT") || random.nextBoolean() : random.nextInt(3) == 0 || method.equals("POST");
                if (!carry) {
                    continue;
                }
                TreeMap<String, Double> series = new TreeMap<>();
                int mask = 1 + random.nextInt((1 << SERIES) - 1);
                for (int s = 0; s < SERIES; s++) {
                    if ((mask & (1 << s)) != 0) {
                        double v = values.incrementAndGet();
                        series.put(pushSeries(id, g, fam, s), v);
                        text.append(Wire.text(fam, Map.of("s", Integer.toString(s)), v, null));
                    }
                }
                body.put(fam, series);
            }
        }
        GroupModel.Op op = new GroupModel.Op(method, body);
        URI uri = base.get().resolve("/metrics/job/crash/client/" + id + "/g/" + g);
        HttpRequest.BodyPublisher p = method.equals("DELETE") ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(text.toString());
        int status = send(HttpRequest.newBuilder(uri).method(method, p).header("Content-Type", "text/plain; version=0.0.4"));
        if (status / 100 == 2) {
            acked++;
            groups.put(g, GroupModel.apply(groups.get(g), op));
            body.forEach((fam, series) -> series.forEach((sid, v) -> pushAcked.computeIfAbsent(sid, k -> new java.util.HashSet<>()).add(v)));
            return true;
        }
        if (status >= 400 && status < 500) {
            refused(method + " " + uri, status);
            return true;
        }
        unknown++;
        pendingOps.put(g, op);
        body.forEach((fam, series) -> series.forEach((sid, v) -> pushUnknown.computeIfAbsent(sid, k -> new java.util.HashSet<>()).add(v)));
        return false;
    }

    private boolean raw(String family) {
        Map<String, Long> ts = new LinkedHashMap<>();
        Map<String, Double> vs = new LinkedHashMap<>();
        String[][] labels = new String[SERIES][];
        long[] t = new long[SERIES];
        double[] v = new double[SERIES];
        StringBuilder text = new StringBuilder();
        for (int s = 0; s < SERIES; s++) {
            String sid = rawSeries(family, id, s);
            long now = System.currentTimeMillis();
            t[s] = Math.max(now, lastT.getOrDefault(sid, 0L) + 1);
            lastT.put(sid, t[s]);
            v[s] = values.incrementAndGet();
            labels[s] = new String[] {"__name__", family, "client", Integer.toString(id), "s", Integer.toString(s)};
            ts.put(sid, t[s]);
            vs.put(sid, v[s]);
            text.append(Wire.text(family, new TreeMap<>(Map.of("client", Integer.toString(id), "s", Integer.toString(s))), v[s], t[s]));
        }
        HttpRequest.Builder b;
        if (family.equals("crash_rw")) {
            try {
                b = HttpRequest.newBuilder(base.get().resolve("/api/v1/write"))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Wire.remoteWrite(labels, t, v)))
                        .header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy")
                        .header("X-Prometheus-Remote-Write-Version", "0.1.0");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        } else {
            b = HttpRequest.newBuilder(base.get().resolve("/api/v1/import/prometheus"))
                    .POST(HttpRequest.BodyPublishers.ofString(text.toString(), StandardCharsets.UTF_8)).header("Content-Type", "text/plain");
        }
        int status = send(b);
        boolean ok = status / 100 == 2;
        if (status >= 400 && status < 500) {
            refused(family, status);
            return true;
        }
        Map<String, TreeMap<Long, Double>> into = ok ? rawAcked : rawUnknown;
        ts.forEach((sid, tt) -> into.computeIfAbsent(sid, k -> new TreeMap<>()).put(tt, vs.get(sid)));
        if (ok) {
            acked++;
        } else {
            unknown++;
        }
        return ok;
    }

    private void refused(String what, int status) {
        refused++;
        lastRefusal = what + " answered " + status;
    }

    /** The status, or 0 when no answer came. */
    private int send(HttpRequest.Builder b) {
        try {
            return http.send(b.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
