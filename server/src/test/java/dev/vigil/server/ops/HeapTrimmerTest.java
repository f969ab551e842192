package dev.vigil.server.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapTrimmerTest {
    private static final long MIB = 1L << 20;

    @Test
    void trimsOnlyAHeapMostlyUnusedAndWellAboveItsNeed() {
        // Measured shape: 1.5 GiB committed for 187 MiB in use after a young collection.
        assertTrue(HeapTrimmer.shouldTrim(1508 * MIB, 187 * MIB, 1000, 0));
        assertFalse(HeapTrimmer.shouldTrim(300 * MIB, 187 * MIB, 1000, 0), "less than half unused");
        assertFalse(HeapTrimmer.shouldTrim(80 * MIB, 20 * MIB, 1000, 0), "under 64 MiB unused is not worth a pause");
        assertFalse(HeapTrimmer.shouldTrim(1508 * MIB, 0, 1000, 0), "no collection yet: nothing known");
    }

    @Test
    void atMostOneTrimPerGap() {
        assertFalse(HeapTrimmer.shouldTrim(1508 * MIB, 187 * MIB, 1000, 1000 - HeapTrimmer.MIN_GAP_SECONDS + 1));
        assertTrue(HeapTrimmer.shouldTrim(1508 * MIB, 187 * MIB, 1000, 1000 - HeapTrimmer.MIN_GAP_SECONDS));
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
