package dev.vigil.ingest.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RefCacheTest {
    @Test
    void aReferenceIsFoundForTheSameInstanceOnlyAndTheCacheStaysBoundedWhenFull() {
        RefCache c = new RefCache();
        Labels a = Labels.of("__name__", "up", "job", "a");
        c.put(a, 42);
        assertEquals(42, c.get(a));
        assertEquals(0, c.get(Labels.of("__name__", "up", "job", "a")), "an equal label set is another instance: the store resolves it");
        c.put(a, 43);
        assertEquals(43, c.get(a), "a new reference replaces the old one");
        List<Labels> many = new ArrayList<>();
        for (int i = 0; i < 300_000; i++) { // more than the cache holds: it starts over, never fails
            Labels l = Labels.of("__name__", "up", "i", Integer.toString(i));
            many.add(l);
            c.put(l, i + 1);
        }
        Labels last = many.get(many.size() - 1);
        assertEquals(300_000, c.get(last));
    }
}
