package dev.vigil.server.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import org.junit.jupiter.api.Test;
import sun.misc.Unsafe;

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
    void givesBackTheFreePagesOfTheCHeapAndSaysHowMany() throws Exception {
        // The build's JDK (17.0.9 or later on glibc) has the command; the server relies on it.
        NativeHeap h = NativeHeap.find();
        assertNotNull(h);
        h.trim(); // start from a trimmed heap, so what the next trim reports is what this test freed
        Unsafe unsafe = unsafe();
        // 64 KiB blocks lie below glibc's mmap threshold, so they come from the heap arenas; freeing
        // every other one of 32 MiB leaves 16 MiB of free chunks that cannot merge into the arena's top, which
        // free() would give back by itself: only a trim returns them.
        int blocks = 512;
        int size = 64 << 10;
        long[] at = new long[blocks];
        for (int i = 0; i < blocks; i++) {
            at[i] = unsafe.allocateMemory(size);
            for (int off = 0; off < size; off += 4096) {
                unsafe.putByte(at[i] + off, (byte) 1); // resident, not just reserved
            }
        }
        try {
            for (int i = 0; i < blocks; i += 2) {
                unsafe.freeMemory(at[i]);
                at[i] = 0;
            }
            long freed = h.trim();
            long heldFree = (long) blocks / 2 * size;
            assertTrue(freed >= heldFree / 2, "trim reported " + freed + " bytes given back; " + heldFree + " were free in the C heap");
            assertTrue(h.trim() < heldFree / 4, "a second trim right after finds little left");
        } finally {
            for (long a : at) {
                if (a != 0) {
                    unsafe.freeMemory(a);
                }
            }
        }
    }

    private static Unsafe unsafe() throws ReflectiveOperationException {
        Field f = Unsafe.class.getDeclaredField("theUnsafe");
        f.setAccessible(true);
        return (Unsafe) f.get(null);
    }
}
