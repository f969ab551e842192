package dev.vigil.tsdb.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.testing.SmallDisk;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * On a real full file system (a small tmpfs), a read-write mapping cannot fault: its space is
 * taken when it is mapped, and a mapping the disk cannot hold fails then, as an IOException.
 * Without that, the stores below would be a SIGBUS that kills this JVM.
 */
class MappedSpaceTest {
    @Test
    void writesThroughAMappingNeverFaultOnAFullDisk() throws Exception {
        try (SmallDisk disk = SmallDisk.mount(8)) {
            long before = disk.free();
            Path f = disk.dir().resolve("chunks");
            MappedByteBuffer m = FileIo.DEFAULT.mapReadWrite(f, 2 << 20);
            assertTrue(before - disk.free() >= 2 << 20, "the mapping's space is taken when it is mapped: " + before + " -> " + disk.free());
            disk.fill(0);
            assertTrue(disk.free() < 64 << 10, "disk filled: " + disk.free());
            for (int at = 0; at < m.capacity(); at += 4096) {
                m.putLong(at, at); // a page of a hole here would be a SIGBUS
            }
            m.force();
            assertEquals(4096L * 7, m.getLong(4096 * 7));

            IOException e = assertThrows(IOException.class, () -> FileIo.DEFAULT.mapReadWrite(disk.dir().resolve("more"), 4 << 20));
            assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
            assertFalse(Files.exists(disk.dir().resolve("more")) && Files.size(disk.dir().resolve("more")) > 0,
                    "a failed reservation leaves no half-taken file");

            disk.freeBallast();
            MappedByteBuffer again = FileIo.DEFAULT.mapReadWrite(disk.dir().resolve("more"), 4 << 20);
            again.putLong((4 << 20) - 8, 42);
            assertEquals(42, again.getLong((4 << 20) - 8));
        }
    }
}
