package dev.vigil.ingest.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** A push label mapping replaced by a reload: later appends use the new one, and the series it moves end with a marker. */
class MappedStorageTest {
    private static final Labels KEPT = Labels.of("__name__", "kept", "job", "j");
    private static final Labels MOVED = Labels.of("__name__", "moved", "job", "j");
    private static final Labels GONE = Labels.of("__name__", "gone", "job", "j");
    private static final Labels ENDED = Labels.of("__name__", "ended", "job", "j");

    /** Adds {@code cluster} to series named "moved", "gone" and "ended" only, so "kept" maps the same under both. */
    private static UnaryOperator<Labels> cluster(String c, boolean dropGone) {
        return l -> {
            String name = l.get("__name__");
            if (dropGone && name.equals("gone")) {
                return null;
            }
            return name.equals("kept") ? l : l.toBuilder().set("cluster", c).build();
        };
    }

    @Test
    void remapEndsMovedAndDroppedSeriesAndKeepsTheRest() throws Exception {
        MemoryStorage inner = new MemoryStorage();
        MappedStorage store = new MappedStorage(inner, cluster("a", false));
        append(store, 1000, KEPT, 1, MOVED, 2, GONE, 3, ENDED, 4);
        append(store, 2000, ENDED, Values.STALE_NAN); // already ended: needs no second marker
        Appender inFlight = store.appender(); // opened before the reload: finishes under the old mapping

        store.remap(cluster("b", true), 3000);
        inFlight.append(0, MOVED, 2500, 5);
        inFlight.commit();
        append(store, 4000, KEPT, 1, MOVED, 2, GONE, 3);

        Map<String, String> want = new TreeMap<>();
        want.put("kept{job=\"j\"}", "1000=1.0 4000=1.0");
        want.put("moved{cluster=\"a\", job=\"j\"}", "1000=2.0 2500=5.0 3000=stale");
        want.put("gone{cluster=\"a\", job=\"j\"}", "1000=3.0 3000=stale");
        want.put("ended{cluster=\"a\", job=\"j\"}", "1000=4.0 2000=stale");
        want.put("moved{cluster=\"b\", job=\"j\"}", "4000=2.0");
        assertEquals(want, samples(inner));
    }

    @Test
    void aMappingToNullDropsTheSeries() throws Exception {
        MemoryStorage inner = new MemoryStorage();
        MappedStorage store = new MappedStorage(inner, cluster("a", true));
        append(store, 1000, GONE, 1, KEPT, 2);
        assertEquals(Map.of("kept{job=\"j\"}", "1000=2.0"), samples(inner));
    }

    private static void append(MappedStorage store, long t, Object... labelsAndValues) throws Exception {
        Appender a = store.appender();
        for (int i = 0; i < labelsAndValues.length; i += 2) {
            a.append(0, (Labels) labelsAndValues[i], t, ((Number) labelsAndValues[i + 1]).doubleValue());
        }
        a.commit();
    }

    private static Map<String, String> samples(MemoryStorage s) {
        Map<String, String> out = new TreeMap<>();
        try (Querier q = s.querier(0, Long.MAX_VALUE)) {
            SeriesSet ss = q.select(true, null, Matcher.of(Matcher.Type.RE, "__name__", ".+"));
            while (ss.next()) {
                StringBuilder b = new StringBuilder();
                SampleIterator it = ss.at().iterator(null);
                while (it.next()) {
                    b.append(b.length() == 0 ? "" : " ").append(it.t()).append('=')
                            .append(Values.isStaleNaN(it.v()) ? "stale" : Double.toString(it.v()));
                }
                out.put(ss.at().labels().toString(), b.toString());
            }
        }
        return out;
    }
}
