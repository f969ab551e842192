package dev.vigil.ingest.importer;

import dev.vigil.tsdb.Labels;
import java.util.Arrays;

/** A run of imported samples, handed to the caller to store and commit together; reused after the call. */
public final class Batch {
    private Labels[] labels;
    private long[] timestamps;
    private double[] values;
    private int size;

    Batch(int capacity) {
        labels = new Labels[capacity];
        timestamps = new long[capacity];
        values = new double[capacity];
    }

    void add(Labels l, long t, double v) {
        if (size == labels.length) {
            int n = size * 2;
            labels = Arrays.copyOf(labels, n);
            timestamps = Arrays.copyOf(timestamps, n);
            values = Arrays.copyOf(values, n);
        }
        labels[size] = l;
        timestamps[size] = t;
        values[size] = v;
        size++;
    }

    /** Exchanges contents with {@code other}, so a full batch changes hands without a copy. */
    void swap(Batch other) {
        Labels[] l = labels;
        long[] t = timestamps;
        double[] v = values;
        int n = size;
        labels = other.labels;
        timestamps = other.timestamps;
        values = other.values;
        size = other.size;
        other.labels = l;
        other.timestamps = t;
        other.values = v;
        other.size = n;
    }

    void clear() {
        Arrays.fill(labels, 0, size, null);
        size = 0;
    }

    public int size() {
        return size;
    }

    public Labels labels(int i) {
        return labels[i];
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    public double value(int i) {
        return values[i];
    }
}
