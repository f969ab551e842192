package dev.vigil.ingest.push;

import dev.vigil.tsdb.Labels;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.concurrent.locks.ReentrantLock;

/** One push group as {@link PushGroups} holds it: its families, its series and its own two gauges; guarded by {@link #lock}. */
final class Group {
    /** A series of a group: pushed labels, stored labels, the store's reference. */
    static final class Slot {
        final Labels body;
        final Labels stored;
        long ref;

        Slot(Labels body, Labels stored) {
            this.body = body;
            this.stored = stored;
        }
    }

    /** A family of a group as last pushed. */
    static final class Fam {
        final String name;
        final String type;
        final String help;
        final long timestampMs;
        final Slot[] slots;
        final double[] values;

        Fam(String name, String type, String help, long timestampMs, Slot[] slots, double[] values) {
            this.name = name;
            this.type = type;
            this.help = help;
            this.timestampMs = timestampMs;
            this.slots = slots;
            this.values = values;
        }
    }

    final Labels key;
    final Labels pushTimeLabels;
    final Labels failureLabels;
    final ReentrantLock lock = new ReentrantLock();
    LinkedHashMap<String, Fam> families = new LinkedHashMap<>();
    HashMap<Labels, Slot> slots = new HashMap<>();
    double pushTime;
    double failureTime;
    long pushStampMs;
    long failureStampMs;
    long lastPushMs;
    long lastWriteMs;
    long pushRef;
    long failRef;
    boolean removed;
    /**
     * The {@link GroupIndex} version at which every series of every family of this group was seen
     * owned by this group under that family, or -1. Guarded by the index.
     */
    long ownedAt = -1;

    Group(Labels key) {
        this.key = key;
        this.pushTimeLabels = GroupKeys.stored(key).toBuilder().set(Labels.METRIC_NAME, GroupView.PUSH_TIME).build();
        this.failureLabels = GroupKeys.stored(key).toBuilder().set(Labels.METRIC_NAME, GroupView.PUSH_FAILURE_TIME).build();
    }

    boolean pristine() {
        return lastPushMs == 0 && families.isEmpty();
    }
}
