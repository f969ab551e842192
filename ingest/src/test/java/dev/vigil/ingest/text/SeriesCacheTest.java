package dev.vigil.ingest.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SeriesCacheTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void aRepeatedBodyIsAnsweredByPositionWithoutHashingAndAChangedLineFallsBackToTheTable() {
        SeriesCache c = new SeriesCache();
        byte[][] body = {b("a{x=\"1\"}"), b("b{x=\"2\"}"), b("c{x=\"3\"}")};
        c.begin();
        for (byte[] k : body) {
            assertNull(c.find(k, 0, k.length, 0));
            c.put(k, 0, k.length, 0, new String(k, StandardCharsets.US_ASCII));
        }
        c.begin();
        for (byte[] k : body) {
            assertEquals(new String(k, StandardCharsets.US_ASCII), c.matchNext(k, 0, k.length, 0, (byte) '}'));
        }
        assertEquals(3, c.positionalHits());
        assertEquals(3, c.hashedLookups());
        // Same lines in another order: positions miss, the table still answers.
        c.begin();
        byte[] second = body[1];
        assertNull(c.matchNext(second, 0, second.length, 0, (byte) '}'));
        assertEquals("b{x=\"2\"}", c.find(second, 0, second.length, 0));
        // Another kind for the same bytes is another entry.
        c.begin();
        assertNull(c.matchNext(body[0], 0, body[0].length, 1, (byte) '}'));
        assertNull(c.find(body[0], 0, body[0].length, 1));
    }

    @Test
    void theSharedCacheAnswersEveryThreadWithTheSameInstance() throws Exception {
        SharedSeriesCache shared = new SharedSeriesCache(16);
        int n = 5000;
        Object[] values = new Object[n];
        for (int i = 0; i < n; i++) {
            byte[] k = b("m{i=\"" + i + "\"}");
            values[i] = "v" + i;
            shared.put(k, 0, k.length, 0, SeriesCache.hash(k, 0, k.length, 0), values[i]);
        }
        AtomicInteger wrong = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                for (int i = 0; i < n; i++) {
                    byte[] k = b("m{i=\"" + i + "\"}");
                    if (shared.get(k, 0, k.length, 0, SeriesCache.hash(k, 0, k.length, 0)) != values[i]) {
                        wrong.incrementAndGet();
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(0, wrong.get());
        byte[] k = b("m{i=\"7\"}");
        assertSame(values[7], shared.get(k, 0, k.length, 0, SeriesCache.hash(k, 0, k.length, 0)));
    }
}
