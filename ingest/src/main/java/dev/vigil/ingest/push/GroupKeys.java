package dev.vigil.ingest.push;

import dev.vigil.tsdb.Labels;
import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Group keys with empty grouping values. The API we replace keeps {@code /job/a/x@base64/=} (and
 * {@code /job/a/x/}) as a group of its own, distinct from {@code /job/a}, while {@link Labels}
 * cannot hold an empty value. So a key names its empty grouping labels in one reserved label,
 * {@value #EMPTY}{@code ="x,y"} (a URL cannot carry a {@code __} name, nor a label name a comma):
 * group identity and the state file see it, the store never does, and the JSON API shows each as
 * {@code "x":""}.
 */
public final class GroupKeys {
    /** The reserved label listing the grouping labels whose value is empty, comma-separated, sorted. */
    public static final String EMPTY = "__empty_grouping_labels__";

    private GroupKeys() {
    }

    /** The key of a group: its non-empty grouping labels (job included) plus the names pushed with an empty value. */
    public static Labels of(Labels nonEmpty, Collection<String> emptyNames) {
        TreeSet<String> names = new TreeSet<>(emptyNames);
        names.removeIf(nonEmpty::has);
        if (names.isEmpty()) {
            return nonEmpty;
        }
        return nonEmpty.toBuilder().set(EMPTY, String.join(",", names)).build();
    }

    /** The labels the store sees: the key without its empty ones. */
    public static Labels stored(Labels key) {
        return key.has(EMPTY) ? key.without(EMPTY) : key;
    }

    /** The names whose grouping value is empty. */
    public static String[] emptyNames(Labels key) {
        String v = key.get(EMPTY);
        return v == null || v.isEmpty() ? new String[0] : v.split(",");
    }

    /** Every grouping label as the API we replace shows it, empty ones included, by name. */
    public static Map<String, String> shown(Labels key) {
        TreeMap<String, String> out = new TreeMap<>();
        for (int i = 0; i < key.size(); i++) {
            if (!key.name(i).equals(EMPTY)) {
                out.put(key.name(i), key.value(i));
            }
        }
        for (String n : emptyNames(key)) {
            out.put(n, "");
        }
        return out;
    }
}
