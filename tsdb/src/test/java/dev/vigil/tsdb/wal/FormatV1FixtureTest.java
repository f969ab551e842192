package dev.vigil.tsdb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.tsdb.chunkenc.VxorIterator;
import dev.vigil.tsdb.io.FileIo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files written by format version 1 (docs/format/wal.md, head-chunks.md) stay readable. */
class FormatV1FixtureTest {
    @TempDir
    Path dir;

    private static Path fixture(String name) throws Exception {
        return Path.of(FormatV1FixtureTest.class.getResource("/format-v1/" + name).toURI());
    }

    @Test
    void walSegmentV1Replays() throws Exception {
        Files.copy(fixture("wal/00000001"), dir.resolve("00000001"));
        WalTest.Collect c = new WalTest.Collect();
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, Wal.DEFAULT_SEGMENT_BYTES, c, 0)) {
            assertEquals(3, w.replayStats().records);
            assertEquals(0, w.replayStats().tornTails + w.replayStats().damagedSegments);
        }
        assertEquals(List.of("1 flink_jobmanager_numRunningJobs{job=\"flink-0a1b\"}", "2 up{instance=\"tm-1:9249\"}"), c.series);
        assertEquals(4, c.samples.size());
        assertEquals(1700000010003L, c.samples.get(2)[1]);
        assertEquals(0x7ff8000000000abcL, c.samples.get(1)[2]);
        assertEquals(0x7ff0000000000002L, c.samples.get(3)[2]);
    }

    @Test
    void vxorChunkV1Decodes() throws Exception {
        byte[] b = Files.readAllBytes(fixture("chunk-vxor.bin"));
        VxorIterator it = new VxorIterator(b, b.length);
        long[] wantBits = {
            Double.doubleToRawLongBits(5), Double.doubleToRawLongBits(5), Double.doubleToRawLongBits(5),
            Double.doubleToRawLongBits(6), Double.doubleToRawLongBits(1e9), 0x7ff0000000000002L,
            Double.doubleToRawLongBits(7.25), Double.doubleToRawLongBits(7.25), 0x7ff8000000000001L,
            Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(123456789), Double.doubleToRawLongBits(123456790),
        };
        long[] dts = {10000, 10000, 10003, 9998, 10000, 10000, 20000, 10000, 10000, 1, 10000};
        long t = 1700000000000L;
        for (int i = 0; i < wantBits.length; i++) {
            assertEquals(true, it.next());
            assertEquals(t, it.t(), "t " + i);
            assertEquals(wantBits[i], it.bits(), "value " + i);
            if (i < dts.length) {
                t += dts[i];
            }
        }
        assertEquals(false, it.next());
        // Today's encoder still writes exactly these bytes.
        dev.vigil.tsdb.chunkenc.VxorAppender a = new dev.vigil.tsdb.chunkenc.VxorAppender();
        t = 1700000000000L;
        for (int i = 0; i < wantBits.length; i++) {
            a.append(t, Double.longBitsToDouble(wantBits[i]));
            if (i < dts.length) {
                t += dts[i];
            }
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(b, a.toBytes());
    }
}
