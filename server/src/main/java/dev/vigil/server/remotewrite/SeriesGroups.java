package dev.vigil.server.remotewrite;

import java.util.Arrays;

/**
 * A batch's samples grouped by series: the order to write them in so that each series' samples
 * follow one another (in queue order, which is WAL order) under one TimeSeries, series in the
 * order of their first sample. A series' labels are then written and compressed once per batch
 * rather than once per sample (remote write allows several samples per TimeSeries; Prometheus 2.42
 * and VictoriaMetrics 1.79 store them all). Not thread-safe: one per shard.
 */
final class SeriesGroups {
    private int[] keys = new int[0];
    private int[] slotGroup = new int[0];
    private int[] groupOf = new int[0];
    private int[] start = new int[0];
    private int[] order = new int[0];
    private int groups;

    /** Groups {@code refs[0..n)} (refs > 0); returns the number of series. */
    int group(int[] refs, int n) {
        int cap = Integer.highestOneBit(Math.max(4, n) * 2 - 1) << 1; // a power of two >= 2n
        if (keys.length < cap) {
            keys = new int[cap];
            slotGroup = new int[cap];
        } else {
            Arrays.fill(keys, 0, cap, 0);
        }
        if (groupOf.length < n) {
            groupOf = new int[n];
            order = new int[n];
            start = new int[n + 1];
        }
        int mask = cap - 1;
        int shift = Integer.numberOfLeadingZeros(mask); // the hash's top bits index the table
        int g = 0;
        Arrays.fill(start, 0, n + 1, 0);
        for (int k = 0; k < n; k++) {
            int r = refs[k];
            int s = (r * 0x9E3779B9) >>> shift;
            while (keys[s] != 0 && keys[s] != r) {
                s = s + 1 & mask;
            }
            if (keys[s] == 0) {
                keys[s] = r;
                slotGroup[s] = g++;
            }
            int gi = slotGroup[s];
            groupOf[k] = gi;
            start[gi + 1]++;
        }
        groups = g;
        if (g == n) { // every series once: queue order
            for (int k = 0; k < n; k++) {
                order[k] = k;
                start[k + 1] = k + 1;
            }
            return g;
        }
        for (int i = 0; i < g; i++) {
            start[i + 1] += start[i];
        }
        int[] fill = Arrays.copyOf(start, g);
        for (int k = 0; k < n; k++) {
            order[fill[groupOf[k]]++] = k;
        }
        return g;
    }

    /** Sample indexes in write order: series {@code i}'s are {@code order()[from(i)..from(i + 1))}. */
    int[] order() {
        return order;
    }

    int from(int series) {
        return start[series];
    }

    int count() {
        return groups;
    }
}
