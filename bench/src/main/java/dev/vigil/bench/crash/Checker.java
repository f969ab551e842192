package dev.vigil.bench.crash;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Checks a restarted server against the clients' ledgers while they are parked: every
 * acknowledged sample is there with its value (remote write and import: also its timestamp),
 * every acknowledged DELETE is still deleted (group absent from {@code /api/v1/metrics}, its
 * series absent from an instant query), groups hold exactly the acknowledged series, and nothing
 * that was never sent comes back. Requests without an answer are resolved by what is found:
 * applied or not, never half.
 */
final class Checker {
    private final ObjectMapper json = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final long runStartMs;

    long samplesChecked;
    long lost;
    long unexpected;
    long groupMismatches;
    final List<String> problems = new ArrayList<>();

    Checker(long runStartMs) {
        this.runStartMs = runStartMs;
    }

    /** Checks all clients; returns the number of acknowledged samples verified in this round. */
    long check(URI base, List<Client> clients) throws IOException, InterruptedException {
        long now = System.currentTimeMillis();
        String time = String.format("%d.%03d", now / 1000, now % 1000);
        long rangeS = (now - runStartMs) / 1000 + 120;
        Map<String, TreeMap<Long, Double>> range = new HashMap<>();
        for (String f : new String[] {"crash_push", "crash_post", "crash_rw", "crash_imp"}) {
            JsonNode data = query(base, f + "[" + rangeS + "s]", time);
            for (JsonNode s : data.path("result")) {
                TreeMap<Long, Double> points = new TreeMap<>();
                for (JsonNode p : s.path("values")) {
                    points.put(p.get(0).decimalValue().movePointRight(3).longValueExact(), Double.parseDouble(p.get(1).asText()));
                }
                range.put(id(s.path("metric")), points);
            }
        }
        Map<String, Double> instant = new HashMap<>();
        for (JsonNode s : query(base, "{__name__=~\"crash_push|crash_post\"}", time).path("result")) {
            instant.put(id(s.path("metric")), Double.parseDouble(s.path("value").get(1).asText()));
        }
        Map<String, TreeMap<String, TreeSet<String>>> listed = groups(base);
        long before = samplesChecked;
        for (Client c : clients) {
            checkGroups(c, listed, instant);
            checkPushSamples(c, range);
            checkRaw(c, range);
        }
        return samplesChecked - before;
    }

    private void checkGroups(Client c, Map<String, TreeMap<String, TreeSet<String>>> listed, Map<String, Double> instant) {
        for (int g = 0; g < Client.GROUPS; g++) {
            String key = "client=" + c.id + ",g=" + g;
            TreeMap<String, TreeMap<String, Double>> acked = c.groups.get(g);
            GroupModel.Op op = c.pendingOps.remove(g);
            TreeMap<String, TreeMap<String, Double>> applied = op == null ? acked : GroupModel.apply(acked, op);
            TreeMap<String, TreeSet<String>> seen = listed.get(key);
            TreeMap<String, TreeMap<String, Double>> now;
            if (Objects.equals(seen, GroupModel.membership(acked))) {
                now = acked;
            } else if (Objects.equals(seen, GroupModel.membership(applied))) {
                now = applied; // the unanswered request was applied
                if (op != null) {
                    op.body().forEach((f, ss) -> ss.forEach((sid, v) -> c.pushAcked.computeIfAbsent(sid, k -> new HashSet<>()).add(v)));
                }
            } else {
                groupMismatches++;
                problem("group " + key + ": listed " + seen + ", acknowledged " + GroupModel.membership(acked)
                        + (op == null ? "" : ", or after the unanswered " + op.method() + " " + GroupModel.membership(applied)));
                continue;
            }
            c.groups.put(g, now);
            // The store's current view of the group's series. A commit is atomic: it is the view after
            // the acknowledged requests, or (only with an unanswered request) after that one too; the
            // store may hold the latter even when the group did not log it (crash between the two).
            Map<String, Double> store = new TreeMap<>();
            for (int s = 0; s < Client.SERIES; s++) {
                for (String f : Client.PUSH_FAMILIES) {
                    String sid = Client.pushSeries(c.id, g, f, s);
                    if (instant.containsKey(sid)) {
                        store.put(sid, instant.get(sid));
                    }
                }
            }
            Map<String, Double> want = values(now);
            boolean unansweredLanded = !store.equals(want) && now == acked && op != null && store.equals(values(applied));
            boolean ok = store.equals(want) || unansweredLanded;
            if (unansweredLanded) {
                // The unanswered request reached the store (a POST that kept the group's series is
                // not in the group's log): its values are the group's from now on, so a later check
                // must not expect the older acknowledged ones.
                c.groups.put(g, applied);
            }
            samplesChecked += want.size();
            if (!ok) {
                lost++;
                problem("group " + key + ": the store's current values " + store + ", expected " + want
                        + (op == null ? "" : " (unanswered " + op.method() + ")"));
            }
        }
    }

    /** Series id → last pushed value of a group's state. */
    private static Map<String, Double> values(TreeMap<String, TreeMap<String, Double>> state) {
        Map<String, Double> out = new TreeMap<>();
        if (state != null) {
            state.values().forEach(out::putAll);
        }
        return out;
    }

    private void checkPushSamples(Client c, Map<String, TreeMap<Long, Double>> range) {
        for (int g = 0; g < Client.GROUPS; g++) {
            for (String f : Client.PUSH_FAMILIES) {
                for (int s = 0; s < Client.SERIES; s++) {
                    String sid = Client.pushSeries(c.id, g, f, s);
                    Set<Double> found = new HashSet<>(range.getOrDefault(sid, new TreeMap<>()).values());
                    Set<Double> acked = c.pushAcked.getOrDefault(sid, Set.of());
                    Set<Double> unk = c.pushUnknown.getOrDefault(sid, new HashSet<>());
                    for (Double v : acked) {
                        samplesChecked++;
                        if (!found.contains(v)) {
                            lost++;
                            problem("pushed value " + v + " of " + sid + " is missing");
                        }
                    }
                    for (Iterator<Double> it = found.iterator(); it.hasNext();) {
                        Double v = it.next();
                        if (acked.contains(v)) {
                            continue;
                        }
                        if (unk.remove(v)) {
                            c.pushAcked.computeIfAbsent(sid, k -> new HashSet<>()).add(v); // durable now
                        } else {
                            unexpected++;
                            problem("value " + v + " of " + sid + " was never pushed");
                        }
                    }
                }
            }
        }
    }

    private void checkRaw(Client c, Map<String, TreeMap<Long, Double>> range) {
        for (String f : new String[] {"crash_rw", "crash_imp"}) {
            for (int s = 0; s < Client.SERIES; s++) {
                String sid = Client.rawSeries(f, c.id, s);
                TreeMap<Long, Double> found = range.getOrDefault(sid, new TreeMap<>());
                TreeMap<Long, Double> acked = c.rawAcked.computeIfAbsent(sid, k -> new TreeMap<>());
                TreeMap<Long, Double> unk = c.rawUnknown.getOrDefault(sid, new TreeMap<>());
                for (Map.Entry<Long, Double> e : acked.entrySet()) {
                    samplesChecked++;
                    Double v = found.get(e.getKey());
                    if (v == null || Double.doubleToRawLongBits(v) != Double.doubleToRawLongBits(e.getValue())) {
                        lost++;
                        problem(sid + " @" + e.getKey() + ": acknowledged " + e.getValue() + ", found " + v);
                    }
                }
                for (Map.Entry<Long, Double> e : found.entrySet()) {
                    if (acked.containsKey(e.getKey())) {
                        continue;
                    }
                    Double sent = unk.remove(e.getKey());
                    if (sent != null && sent.equals(e.getValue())) {
                        acked.put(e.getKey(), sent);
                    } else {
                        unexpected++;
                        problem(sid + " @" + e.getKey() + " = " + e.getValue() + " was never sent" + (sent == null ? "" : " (sent " + sent + ")"));
                    }
                }
                unk.clear(); // not there after this restart: an unanswered request that did not land
            }
        }
        for (int g = 0; g < Client.GROUPS; g++) {
            for (String f : Client.PUSH_FAMILIES) {
                for (int s = 0; s < Client.SERIES; s++) {
                    Set<Double> u = c.pushUnknown.get(Client.pushSeries(c.id, g, f, s));
                    if (u != null) {
                        u.clear();
                    }
                }
            }
        }
    }

    private void problem(String p) {
        if (problems.size() < 100) {
            problems.add(p);
        }
    }

    /** Series id as the clients write it: name and labels without job, in name order. */
    private static String id(JsonNode metric) {
        TreeMap<String, String> l = new TreeMap<>();
        metric.fields().forEachRemaining(e -> {
            if (!e.getValue().asText().isEmpty()) { // an empty label is no label
                l.put(e.getKey(), e.getValue().asText());
            }
        });
        String name = l.remove("__name__");
        l.remove("job");
        StringBuilder b = new StringBuilder(name).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : l.entrySet()) {
            b.append(first ? "" : ", ").append(e.getKey()).append("=\"").append(e.getValue()).append('"');
            first = false;
        }
        return b.append('}').toString();
    }

    private Map<String, TreeMap<String, TreeSet<String>>> groups(URI base) throws IOException, InterruptedException {
        JsonNode root = get(base.resolve("/api/v1/metrics?limit=1000"));
        Map<String, TreeMap<String, TreeSet<String>>> out = new HashMap<>();
        for (JsonNode g : root.path("data")) {
            JsonNode labels = g.path("labels");
            if (!"crash".equals(labels.path("job").asText())) {
                continue;
            }
            String key = "client=" + labels.path("client").asText() + ",g=" + labels.path("g").asText();
            TreeMap<String, TreeSet<String>> fams = new TreeMap<>();
            for (String f : Client.PUSH_FAMILIES) {
                JsonNode fam = g.get(f);
                if (fam == null) {
                    continue;
                }
                TreeSet<String> series = new TreeSet<>();
                for (JsonNode m : fam.path("metrics")) {
                    {
                        com.fasterxml.jackson.databind.node.ObjectNode l = m.path("labels").deepCopy();
                        l.put("__name__", f);
                        series.add(id(l));
                    }
                }
                fams.put(f, series);
            }
            out.put(key, fams);
        }
        return out;
    }

    private JsonNode query(URI base, String q, String time) throws IOException, InterruptedException {
        JsonNode r = get(base.resolve("/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&time=" + time));
        return r.path("data");
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(uri + " answered " + r.statusCode() + ": " + r.body());
        }
        return json.readTree(r.body());
    }
}
