package dev.vigil.query.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SeriesFanOutTest {
    private static MemoryStorage store(int series) throws Exception {
        MemoryStorage m = new MemoryStorage();
        Appender a = m.appender();
        for (int i = 0; i < series; i++) {
            Labels l = Labels.of("__name__", "m", "i", String.format("%05d", i));
            for (int t = 0; t < 20; t++) {
                a.append(0, l, t * 1000L, i * 100 + t);
            }
        }
        a.commit();
        return m;
    }

    @Test
    void resultsComeInSetOrderWithNothingLostAcrossBatches() throws Exception {
        MemoryStorage m = store(1_000);
        List<String> expected = new ArrayList<>();
        List<String> got = new ArrayList<>();
        AtomicInteger ticks = new AtomicInteger();
        try (Querier q = m.querier(0, 100_000)) {
            var set = q.select(true, null, Matcher.of(Matcher.Type.EQ, "__name__", "m"));
            SeriesFanOut.<long[], String>run(set, ticks::incrementAndGet, () -> new long[1], (s, scratch) -> {
                SampleIterator it = s.iterator(null);
                double sum = 0;
                while (it.next()) {
                    sum += it.v();
                }
                scratch[0]++;
                // Every other series has no result, as a selector without samples in range.
                return s.labels().get("i").endsWith("7") ? null : s.labels().get("i") + "=" + sum;
            }, got::add);
        }
        for (int i = 0; i < 1_000; i++) {
            if (i % 10 != 7) {
                expected.add(String.format("%05d", i) + "=" + (i * 100.0 * 20 + 190));
            }
        }
        assertEquals(expected, got);
        assertEquals(1_000, ticks.get());
    }

    @Test
    void aFailureInAnySeriesFailsTheRun() throws Exception {
        MemoryStorage m = store(600);
        try (Querier q = m.querier(0, 100_000)) {
            var set = q.select(true, null, Matcher.of(Matcher.Type.EQ, "__name__", "m"));
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> SeriesFanOut.<Object, String>run(set, () -> {
            }, Object::new, (s, scratch) -> {
                if (s.labels().get("i").equals("00450")) {
                    throw new IllegalStateException("series 450");
                }
                return "x";
            }, x -> {
            }));
            assertEquals("series 450", e.getMessage());
        }
    }
}
