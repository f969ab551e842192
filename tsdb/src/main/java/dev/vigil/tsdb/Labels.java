package dev.vigil.tsdb;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * An immutable label set sorted by name; {@code __name__} is an ordinary label.
 *
 * <p>Labels with an empty value are dropped on construction: Prometheus treats {@code a=""}
 * exactly like the absence of {@code a}, so a stored label set never carries one.
 */
public final class Labels implements Comparable<Labels> {
    /** The label that carries the metric name. */
    public static final String METRIC_NAME = "__name__";

    public static final Labels EMPTY = new Labels(new String[0]);

    /** name0, value0, name1, value1, ... sorted by name, names unique, values non-empty. */
    private final String[] kv;
    private int hash;
    /** Longest name (high half) and longest value (low half) in chars, computed on first use; 0 = not yet. */
    private long longest;

    private Labels(String[] kv) {
        this.kv = kv;
    }

    /** Builds from alternating names and values, in any order; later duplicates win. */
    public static Labels of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("odd number of names and values");
        }
        Builder b = new Builder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            b.set(namesAndValues[i], namesAndValues[i + 1]);
        }
        return b.build();
    }

    public static Labels of(Map<String, String> map) {
        Builder b = new Builder();
        map.forEach(b::set);
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder initialised with these labels, to derive a changed copy. */
    public Builder toBuilder() {
        Builder b = new Builder();
        for (int i = 0; i < kv.length; i += 2) {
            b.set(kv[i], kv[i + 1]);
        }
        return b;
    }

    public int size() {
        return kv.length / 2;
    }

    public boolean isEmpty() {
        return kv.length == 0;
    }

    public String name(int i) {
        return kv[2 * i];
    }

    public String value(int i) {
        return kv[2 * i + 1];
    }

    /** The value of {@code name}, or {@code ""} when absent (Prometheus's convention). */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? "" : kv[2 * i + 1];
    }

    public boolean has(String name) {
        return indexOf(name) >= 0;
    }

    /**
     * Length in chars of the longest label name; cached, so a limit check on a label set seen
     * before does not touch its strings again.
     */
    public int longestName() {
        return (int) (longest() >>> 32);
    }

    /** Length in chars of the longest label value; cached like {@link #longestName()}. */
    public int longestValue() {
        return (int) longest();
    }

    private long longest() {
        long l = longest;
        if (l == 0 && kv.length > 0) {
            int n = 0;
            int v = 0;
            for (int i = 0; i < kv.length; i += 2) {
                n = Math.max(n, kv[i].length());
                v = Math.max(v, kv[i + 1].length());
            }
            l = ((long) n << 32) | v;
            longest = l;
        }
        return l;
    }

    /** The metric name, or {@code ""}. */
    public String metricName() {
        return get(METRIC_NAME);
    }

    private int indexOf(String name) {
        int lo = 0;
        int hi = size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = kv[2 * mid].compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -1;
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < kv.length; i += 2) {
            action.accept(kv[i], kv[i + 1]);
        }
    }

    /** A copy without the named labels. */
    public Labels without(String... names) {
        Builder b = toBuilder();
        for (String n : names) {
            b.remove(n);
        }
        return b.build();
    }

    /** A copy with only the named labels. */
    public Labels keep(java.util.Collection<String> names) {
        Builder b = new Builder();
        for (int i = 0; i < kv.length; i += 2) {
            if (names.contains(kv[i])) {
                b.set(kv[i], kv[i + 1]);
            }
        }
        return b.build();
    }

    public List<String> names() {
        List<String> out = new ArrayList<>(size());
        for (int i = 0; i < kv.length; i += 2) {
            out.add(kv[i]);
        }
        return out;
    }

    @Override
    public int compareTo(Labels o) {
        // Prometheus's labels.Compare: pairwise by name, then value, then by length.
        int n = Math.min(kv.length, o.kv.length);
        for (int i = 0; i < n; i++) {
            int c = kv[i].compareTo(o.kv[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(kv.length, o.kv.length);
    }

    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof Labels other && hashCode() == other.hashCode() && Arrays.equals(kv, other.kv));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Arrays.hashCode(kv);
            hash = h == 0 ? 1 : h;
        }
        return hash;
    }

    /** Prometheus's notation: {@code name{a="1", b="2"}} with the name outside the braces. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        String name = metricName();
        sb.append(name);
        sb.append('{');
        boolean first = true;
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i].equals(METRIC_NAME)) {
                continue;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(kv[i]).append("=\"");
            escape(kv[i + 1], sb);
            sb.append('"');
        }
        sb.append('}');
        return sb.toString();
    }

    private static void escape(String v, StringBuilder sb) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
    }

    /** Collects labels in any order; an empty value removes the label. Not thread-safe. */
    public static final class Builder {
        private final java.util.TreeMap<String, String> map = new java.util.TreeMap<>();

        public Builder set(String name, String value) {
            Objects.requireNonNull(name, "name");
            if (value == null || value.isEmpty()) {
                map.remove(name);
            } else {
                map.put(name, value);
            }
            return this;
        }

        public Builder remove(String name) {
            map.remove(name);
            return this;
        }

        public String get(String name) {
            String v = map.get(name);
            return v == null ? "" : v;
        }

        public Labels build() {
            if (map.isEmpty()) {
                return EMPTY;
            }
            String[] kv = new String[map.size() * 2];
            int i = 0;
            for (Map.Entry<String, String> e : map.entrySet()) {
                kv[i++] = e.getKey();
                kv[i++] = e.getValue();
            }
            return new Labels(kv);
        }
    }
}
