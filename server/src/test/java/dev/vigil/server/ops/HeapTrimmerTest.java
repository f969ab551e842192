package dev.vigil.server.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapTrimmerTest {
    private static final long MIB = 1L << 20;

    @Test
    void trimsAHeapMostlyUnusedOrOneACollectionWouldShrinkByEightMiB() {
        // Measured shape: 1.5 GiB committed for 187 MiB in use after a young collection.
        assertTrue(HeapTrimmer.shouldTrim(1508 * MIB, 187 * MIB, 1000, 0));
        // Steady state of 42,000 series: 82 MiB committed, 59 in use after a young collection;
        // a full one leaves 59 * 1.25 = 74 MiB at most.
        assertTrue(HeapTrimmer.shouldTrim(82 * MIB, 59 * MIB, 1000, 0));
        assertFalse(HeapTrimmer.shouldTrim(80 * MIB, 59 * MIB, 1000, 0), "would give back under 8 MiB");
        // Right after a full collection the heap is its live set plus a quarter: nothing to gain.
        assertFalse(HeapTrimmer.shouldTrim(69 * MIB, 55 * MIB, 1000, 0));
        assertFalse(HeapTrimmer.shouldTrim(1508 * MIB, 0, 1000, 0), "no collection yet: nothing known");
    }

    @Test
    void aLargeStoreIsNotStoppedEveryMinuteForAFewMiB() {
        // 424,000 series under a flood: 1.4 GiB committed, 1 GiB in use; a full collection would
        // stop ingestion for seconds to give back 120 MiB.
        assertFalse(HeapTrimmer.shouldTrim(1400 * MIB, 1024 * MIB, 1000, 0));
        assertTrue(HeapTrimmer.shouldTrim(160 * MIB, 120 * MIB, 1000, 0));
        assertFalse(HeapTrimmer.shouldTrim(200 * MIB, 150 * MIB, 1000, 0));
    }

    @Test
    void atMostOneTrimPerGap() {
        assertFalse(HeapTrimmer.shouldTrim(1508 * MIB, 187 * MIB, 1000, 1000 - HeapTrimmer.MIN_GAP_SECONDS + 1));
        assertTrue(HeapTrimmer.shouldTrim(1508 * MIB, 187 * MIB, 1000, 1000 - HeapTrimmer.MIN_GAP_SECONDS));
    }

    @Test
    void noCollectionWithinTheFirstMinuteAfterTheCheckAtStart() {
        // The first panels after a restart arrive in that minute; a burst they cause waits.
        HeapTrimmer h = new HeapTrimmer(null, () -> 5000, null);
        h.checkAtStart();
        assertFalse(HeapTrimmer.shouldTrim(1508 * MIB, 187 * MIB, 5015, h.lastTrimSeconds()));
        assertFalse(HeapTrimmer.shouldTrim(1508 * MIB, 187 * MIB, 5000 + HeapTrimmer.MIN_GAP_SECONDS - 1, h.lastTrimSeconds()));
        assertTrue(HeapTrimmer.shouldTrim(1508 * MIB, 187 * MIB, 5000 + HeapTrimmer.MIN_GAP_SECONDS, h.lastTrimSeconds()));
    }

    @Test
    void aFlagGivenOnTheCommandLineIsLeftAlone() {
        // Surefire passes -Xmx: MaxHeapSize is not a default and is not manageable either way.
        assertFalse(HeapTrimmer.setDefault("MaxHeapSize", "1"));
        assertFalse(HeapTrimmer.setDefault("NoSuchFlagAnywhere", "1"));
    }

    @Test
    void usedAfterGcIsKnownOnceTheHeapWasCollected() {
        System.gc();
        assertTrue(HeapTrimmer.usedAfterLastGc() > 0);
    }
}
