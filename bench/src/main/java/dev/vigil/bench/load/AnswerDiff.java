package dev.vigil.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How far two Prometheus API answers to the same query are apart: the largest relative
 * difference of matching points (series matched by labels, points by timestamp), or
 * {@code +Infinity} when a series or point is in one answer only. Label and series lists are
 * compared as sets (0 or infinity).
 */
public final class AnswerDiff {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AnswerDiff() {
    }

    /** The largest relative difference between the answers, NaN when either is not a success. */
    public static double maxRelative(String a, String b) {
        try {
            JsonNode x = JSON.readTree(a).path("data");
            JsonNode y = JSON.readTree(b).path("data");
            if (x.isArray() || y.isArray()) {
                return set(x).equals(set(y)) ? 0 : Double.POSITIVE_INFINITY;
            }
            Map<String, Map<Double, String>> px = points(x);
            Map<String, Map<Double, String>> py = points(y);
            if (!px.keySet().equals(py.keySet())) {
                return Double.POSITIVE_INFINITY;
            }
            double worst = 0;
            for (Map.Entry<String, Map<Double, String>> e : px.entrySet()) {
                Map<Double, String> other = py.get(e.getKey());
                if (!other.keySet().equals(e.getValue().keySet())) {
                    return Double.POSITIVE_INFINITY;
                }
                for (Map.Entry<Double, String> p : e.getValue().entrySet()) {
                    worst = Math.max(worst, relative(Double.parseDouble(p.getValue()), Double.parseDouble(other.get(p.getKey()))));
                }
            }
            return worst;
        } catch (Exception e) {
            return Double.NaN;
        }
    }

    /** |a − b| / max(|a|, |b|); 0 when equal (NaN equals NaN), infinity when only one is NaN. */
    static double relative(double a, double b) {
        if (a == b || Double.isNaN(a) && Double.isNaN(b)) {
            return 0;
        }
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.POSITIVE_INFINITY;
        }
        return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
    }

    private static TreeSet<String> set(JsonNode array) {
        TreeSet<String> s = new TreeSet<>();
        for (JsonNode n : array) {
            s.add(n.isObject() ? new TreeMap<>(JSON.convertValue(n, Map.class)).toString() : n.asText());
        }
        return s;
    }

    private static Map<String, Map<Double, String>> points(JsonNode data) {
        Map<String, Map<Double, String>> out = new HashMap<>();
        JsonNode result = data.path("result");
        String type = data.path("resultType").asText();
        if (type.equals("scalar") || type.equals("string")) {
            out.put("", Map.of(result.get(0).asDouble(), result.get(1).asText()));
            return out;
        }
        for (JsonNode s : result) {
            String key = new TreeMap<>(JSON.convertValue(s.path("metric"), Map.class)).toString();
            Map<Double, String> pts = new HashMap<>();
            if (s.has("values")) {
                for (JsonNode p : s.get("values")) {
                    pts.put(p.get(0).asDouble(), p.get(1).asText());
                }
            } else if (s.has("value")) {
                pts.put(s.get("value").get(0).asDouble(), s.get("value").get(1).asText());
            }
            out.put(key, pts);
        }
        return out;
    }
}
