package dev.vigil.ingest.push;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.Values;

/**
 * Catches a restored group's push times up from the store. A push that changed only values is
 * not logged (its samples and the group's two gauges are in the store's WAL, committed in the
 * same transaction), so after a crash the checkpoint's push times may be up to 30 s old; the
 * newest sample of the group's {@code push_time_seconds} / {@code push_failure_time_seconds}
 * is the truth.
 */
final class PushTimes {
    private PushTimes() {
    }

    /** Updates {@code g}'s times from samples newer than its last write; false when the newest one says it was removed. */
    static boolean catchUp(Storage storage, Group g) {
        long[] push = newest(storage, g.pushTimeLabels, g.lastWriteMs + 1);
        long[] fail = newest(storage, g.failureLabels, g.lastWriteMs + 1);
        if ((push != null && Values.isStaleNaN(Double.longBitsToDouble(push[1])))
                || (fail != null && Values.isStaleNaN(Double.longBitsToDouble(fail[1])))) {
            return false;
        }
        if (push != null) {
            double v = Double.longBitsToDouble(push[1]);
            // A refused push rewrites push_time_seconds unchanged: only a new value is a success.
            if (v != g.pushTime) {
                g.pushTime = v;
                g.pushStampMs = push[0];
            }
            g.lastPushMs = Math.max(g.lastPushMs, push[0]);
            g.lastWriteMs = Math.max(g.lastWriteMs, push[0]);
        }
        if (fail != null) {
            double v = Double.longBitsToDouble(fail[1]);
            if (v != g.failureTime) {
                g.failureTime = v;
                g.failureStampMs = fail[0];
            }
            g.lastPushMs = Math.max(g.lastPushMs, fail[0]);
            g.lastWriteMs = Math.max(g.lastWriteMs, fail[0]);
        }
        return true;
    }

    /** {t, raw value bits} of the newest sample of exactly {@code series} at or after {@code mint}, or null. */
    static long[] newest(Storage storage, Labels series, long mint) {
        Matcher[] ms = new Matcher[series.size()];
        for (int i = 0; i < ms.length; i++) {
            ms[i] = Matcher.eq(series.name(i), series.value(i));
        }
        long[] out = null;
        try (Querier q = storage.querier(mint, Long.MAX_VALUE)) {
            SeriesSet set = q.select(false, null, ms);
            while (set.next()) {
                Series s = set.at();
                if (!s.labels().equals(series)) {
                    continue; // a group whose key has more labels
                }
                SampleIterator it = s.iterator(null);
                while (it.next()) {
                    if (it.t() >= mint && (out == null || it.t() >= out[0])) {
                        out = new long[] {it.t(), Double.doubleToRawLongBits(it.v())};
                    }
                }
            }
        }
        return out;
    }
}
