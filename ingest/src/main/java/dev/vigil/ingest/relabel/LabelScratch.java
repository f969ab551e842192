package dev.vigil.ingest.relabel;

import dev.vigil.tsdb.Labels;
import java.util.Arrays;

/**
 * A mutable, sorted label set reused for every label set a {@link Relabeler} sees: loading one
 * copies references only, and {@link #toLabels} hands back the input itself when nothing changed,
 * so a rule list that changes nothing allocates nothing per label set.
 */
final class LabelScratch {
    String[] names = new String[32];
    String[] values = new String[32];
    int size;
    boolean changed;

    void load(Labels l) {
        int n = l.size();
        if (n > names.length) {
            names = new String[Math.max(n, names.length * 2)];
            values = new String[names.length];
        }
        for (int i = 0; i < n; i++) {
            names[i] = l.name(i);
            values[i] = l.value(i);
        }
        size = n;
        changed = false;
    }

    private int indexOf(String name) {
        int lo = 0;
        int hi = size - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int c = names[mid].compareTo(name);
            if (c < 0) {
                lo = mid + 1;
            } else if (c > 0) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -(lo + 1);
    }

    /** The value, or {@code ""} when absent. */
    String get(String name) {
        int i = indexOf(name);
        return i < 0 ? "" : values[i];
    }

    /** Sets a label; an empty value removes it, as a Prometheus label builder does. */
    void set(String name, String value) {
        if (value.isEmpty()) {
            delete(name);
            return;
        }
        int i = indexOf(name);
        if (i >= 0) {
            if (!values[i].equals(value)) {
                values[i] = value;
                changed = true;
            }
            return;
        }
        int at = -(i + 1);
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        System.arraycopy(names, at, names, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        names[at] = name;
        values[at] = value;
        size++;
        changed = true;
    }

    void delete(String name) {
        int i = indexOf(name);
        if (i >= 0) {
            deleteAt(i);
        }
    }

    void deleteAt(int i) {
        System.arraycopy(names, i + 1, names, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        names[size] = null;
        values[size] = null;
        changed = true;
    }

    /** Copies the current labels into {@code into} (names then values), for rules that must read a snapshot. */
    int snapshot(String[][] into) {
        if (into[0] == null || into[0].length < size) {
            into[0] = new String[names.length];
            into[1] = new String[names.length];
        }
        System.arraycopy(names, 0, into[0], 0, size);
        System.arraycopy(values, 0, into[1], 0, size);
        return size;
    }

    Labels toLabels(Labels input) {
        if (!changed) {
            return input;
        }
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < size; i++) {
            b.set(names[i], values[i]);
        }
        return b.build();
    }
}
