package dev.vigil.ingest.push;

import dev.vigil.ingest.push.Group.Fam;
import dev.vigil.ingest.push.Group.Slot;
import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.Values;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Writes what happens to a group to the store, each change in one appender transaction: a push's
 * samples with staleness markers for the series that left, a refused push's failure time, a
 * removed group's staleness markers. The caller holds the group's lock and updates the group only
 * after a commit succeeded.
 */
final class GroupWriter {
    private static final Metadata GAUGE_OK = new Metadata("gauge", GroupView.PUSH_TIME_HELP, "");
    private static final Metadata GAUGE_FAIL = new Metadata("gauge", GroupView.PUSH_FAILURE_TIME_HELP, "");

    private final Storage storage;

    GroupWriter(Storage storage) {
        this.storage = storage;
    }

    /** A refused push at {@code t}: the group's push time as it was (0 for a new group) and the failure time. */
    void writeFailure(Group g, long t, boolean pristine) throws IOException {
        Appender a = storage.appender();
        try {
            a.metadata(GroupView.PUSH_TIME, GAUGE_OK);
            a.metadata(GroupView.PUSH_FAILURE_TIME, GAUGE_FAIL);
            g.pushRef = appendQuietly(a, g.pushRef, g.pushTimeLabels, t, pristine ? 0 : g.pushTime);
            g.failRef = appendQuietly(a, g.failRef, g.failureLabels, t, t / 1000.0);
            a.commit();
        } catch (IOException | RuntimeException e) {
            a.rollback();
            throw e;
        }
    }

    /**
     * An accepted push at {@code t}: the pushed families, staleness markers for {@code leaving}, the
     * group's two gauges.
     *
     * @throws PushException when the store refuses a series for good (over its series limit, invalid)
     */
    void write(Group g, long t, Map<String, Fam> fresh, List<Labels> leaving, double pushTime, double failureTime)
            throws IOException, PushException {
        Appender a = storage.appender();
        boolean committed = false;
        try {
            for (Fam f : fresh.values()) {
                // Metadata goes to the WAL with the commit: only when this group's view of it changed.
                Fam before = g.families.get(f.name);
                boolean same = before != null && before.type.equals(f.type) && Objects.equals(before.help, f.help);
                if (!same && (f.help != null || !"untyped".equals(f.type))) {
                    a.metadata(f.name, new Metadata(f.type, f.help == null ? "" : f.help, ""));
                }
                for (int i = 0; i < f.slots.length; i++) {
                    Slot s = f.slots[i];
                    try {
                        s.ref = a.append(s.ref, s.stored, t, f.values[i]);
                    } catch (AppendRejectedException e) {
                        if (e.reason() == AppendRejectedException.Reason.SERIES_LIMIT || e.reason() == AppendRejectedException.Reason.INVALID) {
                            throw new PushException("series " + s.stored + " refused by the store: " + e.getMessage(), false);
                        }
                        // Per-group timestamps only grow; a collision here means another writer used the series. Skip it.
                    }
                }
            }
            for (Labels l : leaving) {
                appendQuietly(a, 0, l, t, Values.STALE_NAN);
            }
            if (g.pristine()) {
                a.metadata(GroupView.PUSH_TIME, GAUGE_OK);
                a.metadata(GroupView.PUSH_FAILURE_TIME, GAUGE_FAIL);
            }
            g.pushRef = appendQuietly(a, g.pushRef, g.pushTimeLabels, t, pushTime);
            g.failRef = appendQuietly(a, g.failRef, g.failureLabels, t, failureTime);
            a.commit();
            committed = true;
        } finally {
            if (!committed) {
                a.rollback();
            }
        }
    }

    /** A removed group at {@code t}: staleness markers for all its series and both gauges. */
    void writeRemoval(Group g, long t) throws IOException {
        Appender a = storage.appender();
        boolean committed = false;
        try {
            for (Fam f : g.families.values()) {
                for (Slot s : f.slots) {
                    appendQuietly(a, s.ref, s.stored, t, Values.STALE_NAN);
                }
            }
            appendQuietly(a, g.pushRef, g.pushTimeLabels, t, Values.STALE_NAN);
            appendQuietly(a, g.failRef, g.failureLabels, t, Values.STALE_NAN);
            a.commit();
            committed = true;
        } finally {
            if (!committed) {
                a.rollback();
            }
        }
    }

    private static long appendQuietly(Appender a, long ref, Labels l, long t, double v) {
        try {
            return a.append(ref, l, t, v);
        } catch (AppendRejectedException e) {
            return ref;
        }
    }
}
