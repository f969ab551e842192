package dev.vigil.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeHeapTest {
    @Test
    void readsTheFreedAmountFromTheCommandsAnswer() {
        assertEquals(19_696L << 10, NativeHeap.freedBytes("Trim native heap: RSS+Swap: 276M->257M (-19696K)"));
        assertEquals(8192, NativeHeap.freedBytes("Trim native heap: RSS+Swap: 94764K->94756K (-8192B)"));
        assertEquals(3L << 20, NativeHeap.freedBytes("Trim native heap: RSS+Swap: 1G->1G (-3M)"));
        assertEquals(0, NativeHeap.freedBytes("Trim native heap: RSS+Swap: 94764K->94800K (+36K)"), "grew meanwhile: nothing freed");
        assertEquals(0, NativeHeap.freedBytes("Not available"));
    }

    @Test
    void thisJvmCanTrimItsCHeap() {
        // The build's JDK (17.0.9 or later on glibc) has the command; the server relies on it.
        NativeHeap h = NativeHeap.find();
        assertNotNull(h);
        assertTrue(h.trim() >= 0);
    }
}
