package dev.vigil.ingest.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.ingest.ExpositionException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SeriesCacheTest {
    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The brace of a key, or its end. */
    static int brace(byte[] k) {
        int i = 0;
        while (i < k.length && k[i] != '{') {
            i++;
        }
        return i;
    }

    /** Stores every key of the body in order, as a parser does after missing. */
    static void fill(SeriesCache c, String... keys) {
        c.begin();
        for (String s : keys) {
            byte[] k = b(s);
            assertNull(c.find(k, 0, k.length, 0), s);
            c.put(k, 0, k.length, 0, s);
        }
    }

    /** A positional lookup of a key with labels, the line followed by a value. */
    static Object next(SeriesCache c, String key, boolean sameStart) {
        byte[] line = b(key + " 1\n");
        int brace = brace(line);
        Object v = c.matchNext(line, 0, brace, line.length, 0, sameStart);
        if (v != null) {
            assertEquals(key.length(), c.matchedLength());
        }
        return v;
    }

    @Test
    void pastTheRememberedPositionsASeriesRepeatedOrARepeatingOrderIsAnsweredWithoutHashing() {
        // One import body of millions of lines: positions are remembered for the first 65,536
        // lookups only; what follows the previous lookup's entry answers the rest.
        SeriesCache c = new SeriesCache();
        int series = 1_000;
        String[] keys = new String[series];
        for (int i = 0; i < series; i++) {
            keys[i] = "m{tm=\"" + (i % 7) + "\",task=\"" + i + "\"}";
        }
        c.begin();
        int stored = 0;
        for (int round = 0; round < 100; round++) { // time-ordered: every series once per timestamp
            for (String k : keys) {
                Object v = next(c, k, false);
                if (v == null) {
                    byte[] line = b(k);
                    v = c.find(line, 0, brace(line), line.length, 0);
                }
                if (v == null) {
                    byte[] line = b(k);
                    c.store(line, 0, brace(line), line.length, 0, k);
                    stored++;
                    v = k;
                }
                assertEquals(k, v);
            }
        }
        assertEquals(series, stored);
        assertTrue(c.hashedLookups() <= 2 * series, "hashed " + c.hashedLookups() + " of 100,000 lookups");
        long hashed = c.hashedLookups();
        for (String k : keys) { // series after series: each repeated 100 times
            for (int j = 0; j < 100; j++) {
                Object v = next(c, k, false);
                if (v == null) {
                    byte[] line = b(k);
                    v = c.find(line, 0, brace(line), line.length, 0);
                }
                assertEquals(k, v);
            }
        }
        assertTrue(c.hashedLookups() - hashed <= 2 * series, "hashed " + (c.hashedLookups() - hashed) + " of 100,000 lookups");
    }

    @Test
    void aRepeatedBodyIsAnsweredByPositionWithoutHashingAndAChangedLineFallsBackToTheTable() {
        SeriesCache c = new SeriesCache();
        String[] body = {"a{x=\"1\"}", "b{x=\"2\"}", "c{x=\"3\"}"};
        fill(c, body);
        c.begin();
        for (String k : body) {
            assertEquals(k, next(c, k, false));
        }
        assertEquals(3, c.positionalHits());
        assertEquals(3, c.hashedLookups());
        // Same lines in another order: positions miss, the table still answers.
        c.begin();
        byte[] second = b(body[1]);
        assertNull(next(c, body[1], false));
        assertEquals("b{x=\"2\"}", c.find(second, 0, second.length, 0));
        // Another kind for the same bytes is another entry.
        c.begin();
        byte[] first = b(body[0]);
        assertNull(c.matchNext(first, 0, 1, first.length, 1, false));
        assertNull(c.find(first, 0, first.length, 1));
    }

    @Test
    void blanksBeforeTheBraceMakeAnotherKey() {
        SeriesCache c = new SeriesCache();
        fill(c, "a{x=\"1\"}", "a {x=\"2\"}", "a\t{x=\"3\"}");
        c.begin();
        assertEquals("a{x=\"1\"}", next(c, "a{x=\"1\"}", false));
        // The previous line had the same name, but this entry's head has a blank the line lacks.
        assertNull(next(c, "a{x=\"2\"}", true));
        byte[] k = b("a{x=\"2\"}");
        assertNull(c.find(k, 0, k.length, 0));
        c.put(k, 0, k.length, 0, "new");
        // A blank and a tab are different heads.
        assertNull(next(c, "a {x=\"3\"}", false));
        k = b("a {x=\"3\"}");
        assertNull(c.find(k, 0, k.length, 0));
        k = b("a\t{x=\"3\"}");
        assertEquals("a\t{x=\"3\"}", c.find(k, 0, k.length, 0));
        k = b("a {x=\"2\"}");
        assertEquals("a {x=\"2\"}", c.find(k, 0, k.length, 0));
    }

    @Test
    void keysWithoutLabelsAreTheirNameAndNeverMatchALabelledLine() {
        SeriesCache c = new SeriesCache();
        fill(c, "a", "ab", "a{}");
        c.begin();
        // Position 0 holds "a": a line "a{}" there is not it (it has no block to match).
        assertNull(next(c, "a{}", true));
        byte[] k = b("a");
        assertEquals("a", c.find(k, 0, k.length, 0));
        k = b("ab");
        assertEquals("ab", c.find(k, 0, k.length, 0));
        assertEquals("a{}", next(c, "a{}", false));
        // A name that is a prefix of a stored one, or the other way round.
        k = b("abc");
        assertNull(c.find(k, 0, k.length, 0));
        k = b("abx");
        assertEquals("ab", c.find(k, 0, 2, 0));
    }

    @Test
    void theSameBlockUnderTwoNamesIsTwoEntriesAndHeldOnce() {
        SeriesCache c = new SeriesCache();
        String block = "{host=\"tm-1\",job=\"a-rather-long-job-name\"}";
        fill(c, "a" + block, "bb" + block);
        assertEquals(1 + 2 + block.length(), c.keyBytes());
        c.begin();
        assertEquals("a" + block, next(c, "a" + block, false));
        // The same block at this position, but under the other name.
        assertNull(next(c, "a" + block, true));
        assertNull(next(c, "b" + block, false));
        assertEquals("bb" + block, next(c, "bb" + block, false));
        byte[] k = b("a" + block);
        assertEquals("a" + block, c.find(k, 0, k.length, 0));
        k = b("bb" + block);
        assertEquals("bb" + block, c.find(k, 0, k.length, 0));
    }

    @Test
    void aLineWithTheSameNameButAnotherBlockMisses() {
        SeriesCache c = new SeriesCache();
        fill(c, "m{x=\"1\"}", "m{x=\"2\"}", "m{x=\"3\",y=\"4\"}");
        c.begin();
        assertEquals("m{x=\"1\"}", next(c, "m{x=\"1\"}", false));
        // Head known equal by identity, block differs in one byte.
        assertNull(next(c, "m{x=\"9\"}", true));
        byte[] k = b("m{x=\"9\"}");
        assertNull(c.find(k, 0, k.length, 0));
        c.put(k, 0, k.length, 0, "nine");
        // The stored block is a prefix of the line's block, and the other way round.
        assertNull(next(c, "m{x=\"3\",y=\"4\",z=\"5\"}", true));
        assertNull(next(c, "m{x=\"3\"}", true));
        assertEquals("m{x=\"3\",y=\"4\"}", next(c, "m{x=\"3\",y=\"4\"}", true));
        c.begin();
        assertEquals("m{x=\"1\"}", next(c, "m{x=\"1\"}", false));
        assertEquals("nine", next(c, "m{x=\"9\"}", true));
    }

    @Test
    void theHeadIsComparedWhenItIsNotThePreviousLinesPiece() {
        SeriesCache c = new SeriesCache();
        fill(c, "aa{x=\"1\"}", "ab{x=\"1\"}");
        c.begin();
        assertEquals("aa{x=\"1\"}", next(c, "aa{x=\"1\"}", false));
        // Vouched as starting like the previous key ("aa"): the entry's head "ab" is another piece,
        // so it is compared, and the line ("aa") is not it.
        assertNull(next(c, "aa{x=\"1\"}", true));
        // After a new body nothing is known about a previous line.
        c.begin();
        assertEquals("aa{x=\"1\"}", next(c, "aa{x=\"1\"}", true));
    }

    @Test
    void aStoredBlockThatDoesNotCloseIsNotTakenForTheLinesLabelSet() {
        SeriesCache c = new SeriesCache();
        fill(c, "m{x=\"1\"");
        c.begin();
        assertNull(next(c, "m{x=\"1\"}", false));
    }

    @Test
    void whenFullByEntriesItStartsOverAndStillAnswersRight() {
        SeriesCache c = new SeriesCache();
        int n = (1 << 16) + 10;
        c.begin();
        for (int i = 0; i < n; i++) {
            byte[] k = b("m{i=\"" + i + "\"}");
            assertNull(c.find(k, 0, k.length, 0));
            c.put(k, 0, k.length, 0, i);
        }
        assertTrue(c.size() <= 10, "entries after the clear: " + c.size());
        c.begin();
        for (int i : new int[] {0, 1, 65535}) {
            byte[] k = b("m{i=\"" + i + "\"}");
            assertNull(c.find(k, 0, k.length, 0), "cleared: " + i);
        }
        for (int i = (1 << 16); i < n; i++) {
            byte[] k = b("m{i=\"" + i + "\"}");
            assertEquals(i, c.find(k, 0, k.length, 0));
        }
        // Only what was stored since the clear is counted: the name once, the blocks.
        long blocks = 0;
        for (int i = (1 << 16); i < n; i++) {
            blocks += ("{i=\"" + i + "\"}").length();
        }
        assertEquals(1 + blocks, c.keyBytes());
    }

    @Test
    void whenFullByBytesItStartsOver() {
        SeriesCache c = new SeriesCache();
        String big = "x".repeat(1 << 20);
        c.begin();
        for (int i = 0; i < 20; i++) {
            byte[] k = b("m{v=\"" + i + big + "\"}");
            assertNull(c.find(k, 0, k.length, 0));
            c.put(k, 0, k.length, 0, i);
            assertTrue(c.keyBytes() <= 16 << 20, "held " + c.keyBytes());
        }
        byte[] k = b("m{v=\"" + 0 + big + "\"}");
        assertNull(c.find(k, 0, k.length, 0));
        k = b("m{v=\"" + 19 + big + "\"}");
        assertEquals(19, c.find(k, 0, k.length, 0));
    }

    @Test
    void hashedKeysAreHeldWholeAndBracesInThemMeanNothing() {
        SeriesCache c = new SeriesCache();
        byte[] a = {1, '{', 2, 3};
        byte[] b = {1, '{', 2, 4};
        byte[] ab = {1, '{', 2};
        c.put(a, 0, a.length, 0, SeriesCache.hash(a, 0, a.length, 0), "a");
        c.put(b, 0, b.length, 0, SeriesCache.hash(b, 0, b.length, 0), "b");
        assertEquals("a", c.get(a, 0, a.length, 0, SeriesCache.hash(a, 0, a.length, 0)));
        assertEquals("b", c.get(b, 0, b.length, 0, SeriesCache.hash(b, 0, b.length, 0)));
        assertNull(c.get(ab, 0, ab.length, 0, SeriesCache.hash(ab, 0, ab.length, 0)));
        assertEquals(8, c.keyBytes());
    }

    /**
     * Bodies made of few names and blocks, with and without blanks before the brace, lines
     * dropped, added and reordered between pushes: a parser reusing one cache reports exactly
     * what a fresh parser does, and an unchanged series keeps its label instance.
     */
    @Test
    void aReusedCacheParsesEveryBodyAsAFreshParserDoes() throws ExpositionException {
        Random r = new Random(7);
        String[] names = {"a", "ab", "a_b", "flink_taskmanager_job_task_operator_numRecordsIn"};
        String[] blocks = {"", "{}", "{x=\"1\"}", "{x=\"2\"}", "{x=\"1\",y=\"2\"}", "{x=\"}\"}", "{x=\"a\\\"b\"}",
            "{host=\"tm-1\",job_id=\"c0ffee\",task=\"Source: x -> Map\"}"};
        String[] gaps = {"", "", "", " ", "\t"};
        List<String> series = new ArrayList<>();
        for (String n : names) {
            for (String bl : blocks) {
                series.add(n + (bl.isEmpty() ? "" : gaps[r.nextInt(gaps.length)]) + bl);
            }
        }
        SeriesCache cache = new SeriesCache();
        TextParser reused = new TextParser();
        java.util.Map<String, Object> instances = new java.util.HashMap<>();
        int sameInstance = 0;
        for (int push = 0; push < 200; push++) {
            // Mostly the same body; sometimes a line changes its blank, some lines go or swap.
            if (r.nextInt(4) == 0) {
                int i = r.nextInt(series.size());
                String s = series.get(i);
                int brace = s.indexOf('{');
                if (brace > 0) {
                    String name = s.substring(0, brace).strip();
                    series.set(i, name + gaps[r.nextInt(gaps.length)] + s.substring(brace));
                }
            }
            if (r.nextInt(8) == 0) {
                Collections.swap(series, r.nextInt(series.size()), r.nextInt(series.size()));
            }
            List<String> body = new ArrayList<>(series);
            if (r.nextInt(8) == 0) {
                body.remove(r.nextInt(body.size()));
            }
            // Same names next to each other, as a reporter writes them (a family's lines together).
            body.sort(java.util.Comparator.comparing(s -> s.split("[{ \t]")[0]));
            StringBuilder text = new StringBuilder();
            for (String s : body) {
                text.append(s).append(' ').append(push).append('\n');
            }
            byte[] bytes = b(text.toString());
            Collector fresh = new Collector();
            new TextParser().parse(bytes, 0, bytes.length, fresh);
            Collector got = new Collector();
            reused.parse(bytes, 0, bytes.length, got, cache);
            assertEquals(fresh.samples, got.samples, "push " + push);
            for (int i = 0; i < body.size(); i++) {
                Object before = instances.put(body.get(i), got.samples.get(i).labels());
                if (before == got.samples.get(i).labels()) {
                    sameInstance++;
                }
            }
        }
        assertTrue(cache.positionalHits() > 100 * series.size(), "positional hits " + cache.positionalHits());
        assertTrue(sameInstance > 150 * series.size(), "same instances " + sameInstance);
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
        assertNotNull(shared.get(k, 0, k.length, 0, SeriesCache.hash(k, 0, k.length, 0)));
    }
}
