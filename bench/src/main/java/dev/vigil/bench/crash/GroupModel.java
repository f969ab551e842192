package dev.vigil.bench.crash;

import java.util.Map;
import java.util.TreeMap;

/**
 * What a push group holds as far as acknowledged requests say: family → series id → the value
 * it was last pushed with; null for an absent group. Also the push requests themselves.
 */
final class GroupModel {
    private GroupModel() {
    }

    /** A push request to a group: PUT, POST or DELETE with its families (family → series id → value). */
    record Op(String method, TreeMap<String, TreeMap<String, Double>> body) {
    }

    /** The group after {@code op}, with the push API's semantics (PUT replaces all, POST the families it carries). */
    static TreeMap<String, TreeMap<String, Double>> apply(TreeMap<String, TreeMap<String, Double>> before, Op op) {
        switch (op.method()) {
            case "DELETE":
                return null;
            case "PUT":
                return copy(op.body());
            default:
                TreeMap<String, TreeMap<String, Double>> out = before == null ? new TreeMap<>() : copy(before);
                out.putAll(copy(op.body()));
                return out;
        }
    }

    static TreeMap<String, TreeMap<String, Double>> copy(Map<String, TreeMap<String, Double>> m) {
        TreeMap<String, TreeMap<String, Double>> out = new TreeMap<>();
        m.forEach((k, v) -> out.put(k, new TreeMap<>(v)));
        return out;
    }

    /** Family → series ids, the part the push API's group listing shows exactly after a crash. */
    static TreeMap<String, java.util.TreeSet<String>> membership(TreeMap<String, TreeMap<String, Double>> g) {
        if (g == null) {
            return null;
        }
        TreeMap<String, java.util.TreeSet<String>> out = new TreeMap<>();
        g.forEach((k, v) -> out.put(k, new java.util.TreeSet<>(v.keySet())));
        return out;
    }
}
