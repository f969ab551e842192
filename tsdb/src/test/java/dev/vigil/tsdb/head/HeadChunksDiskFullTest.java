package dev.vigil.tsdb.head;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.io.FaultyFileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Head chunk files on a full disk: {@link HeadChunks#reserve} fails while neither the current
 * file has a quarter left nor the next one can be allocated; chunks a logged commit still has
 * to write when even that was not enough go to a file held in memory, are read back as written,
 * keep head snapshots from referring to them, and leave with the next truncation.
 */
class HeadChunksDiskFullTest {
    static final int FILE = 64 << 10;

    @TempDir
    Path dir;

    private static byte[] chunk(int i) {
        byte[] b = new byte[200];
        Arrays.fill(b, (byte) i);
        return b;
    }

    @Test
    void reserveFailsOnAFullDiskAndChunksThatMustBeWrittenGoToMemory() throws Exception {
        FaultyFileIo io = FaultyFileIo.noSync();
        try (HeadChunks c = new HeadChunks(dir, io, FILE, false)) {
            c.reserve(); // allocates file 1 ahead
            assertNull(c.reserveFailure());
            io.failWhen = (op, p) -> op == FaultyFileIo.Op.MAP;
            List<Long> refs = new ArrayList<>();
            int i = 0;
            // Fill file 1 to past three quarters: the next reserve needs file 2 and cannot have it.
            while (refs.size() < 250) {
                refs.add(c.write(i, i, i, (byte) 1, chunk(i), 200));
                i++;
            }
            IOException e = assertThrows(IOException.class, c::reserve);
            assertTrue(e.getMessage().contains("injected failure: MAP"), e.getMessage());
            assertNotNull(c.reserveFailure());
            // A logged commit that must still write past file 1: its chunks go to memory, none is lost.
            while (refs.size() < 400) {
                refs.add(c.write(i, i, i, (byte) 1, chunk(i), 200));
                i++;
            }
            assertEquals(1, c.memoryFiles());
            int[] len = new int[1];
            for (int k = 0; k < refs.size(); k++) {
                byte[] got = c.read(refs.get(k), null, len);
                assertEquals(200, len[0]);
                assertArrayEquals(chunk(k), Arrays.copyOf(got, 200));
            }
            assertThrows(IOException.class, c::forceAndDescribe, "no snapshot may refer to a chunk held in memory");

            io.failWhen = (op, p) -> false; // space returns
            c.reserve();
            assertNull(c.reserveFailure());
            long firstOnDisk;
            while (true) { // past the memory file: on to the file reserved on disk
                long ref = c.write(i, i, i, (byte) 1, chunk(i), 200);
                i++;
                if (Refs.chunkFile(ref) == 3) {
                    firstOnDisk = i - 1;
                    break;
                }
            }
            c.truncateBefore(firstOnDisk);
            assertEquals(0, c.memoryFiles(), "the memory file left with the truncation");
            assertEquals(1, c.forceAndDescribe().size(), "snapshots describe the files on disk again");
        }
    }
}
