package dev.vigil.tsdb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {
    @TempDir
    Path dir;

    /** Collects replayed samples as "ref t bits". */
    static final class Collect implements WalRecords.Handler {
        final List<String> series = new ArrayList<>();
        final List<long[]> samples = new ArrayList<>();

        @Override
        public void series(long ref, Labels labels) {
            series.add(ref + " " + labels);
        }

        @Override
        public void samples(long[] refs, long[] ts, long[] bits, int n) {
            for (int i = 0; i < n; i++) {
                samples.add(new long[] {refs[i], ts[i], bits[i]});
            }
        }

        @Override
        public void metadata(String family, Metadata metadata) {
        }
    }

    static ByteOut batch(long ref, long t, int n) {
        ByteOut b = new ByteOut(256);
        int f = WalRecords.beginFrame(b, WalRecords.SERIES);
        WalRecords.putSeries(b, ref, Labels.of("__name__", "m", "i", Long.toString(ref)));
        WalRecords.endFrame(b, f);
        long[] refs = new long[n];
        long[] ts = new long[n];
        long[] bits = new long[n];
        for (int i = 0; i < n; i++) {
            refs[i] = ref;
            ts[i] = t + i;
            bits[i] = i % 3 == 0 ? 0x7ff0000000000002L : 0x7ff8000000000000L | i;
        }
        WalRecords.samples(b, refs, ts, bits, n);
        return b;
    }

    @Test
    void replaysEverythingLoggedBitExact() throws IOException {
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, 4096, new Collect(), 0)) {
            for (int i = 0; i < 100; i++) {
                w.log(batch(i + 1, i * 1000L, 10));
            }
            assertTrue(w.segments().size() > 3, "small segments roll");
        }
        Collect c = new Collect();
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, 4096, c, 0)) {
            assertEquals(0, w.replayStats().tornTails);
            assertEquals(0, w.replayStats().damagedSegments);
        }
        assertEquals(100, c.series.size());
        assertEquals(1000, c.samples.size());
        for (int i = 0; i < 1000; i++) {
            long[] s = c.samples.get(i);
            int k = i % 10;
            assertEquals((i / 10) * 1000L + k, s[1]);
            assertEquals(k % 3 == 0 ? 0x7ff0000000000002L : 0x7ff8000000000000L | k, s[2]);
        }
    }

    @Test
    void tornTailIsTruncatedAndWritingGoesOn() throws IOException {
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, Wal.DEFAULT_SEGMENT_BYTES, new Collect(), 0)) {
            for (int i = 0; i < 10; i++) {
                w.log(batch(i + 1, i * 1000L, 10));
            }
        }
        Path seg = dir.resolve("00000001");
        long size = Files.size(seg);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            f.setLength(size - 7); // the last frame lost its end
        }
        Collect c = new Collect();
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, Wal.DEFAULT_SEGMENT_BYTES, c, 0)) {
            assertEquals(1, w.replayStats().tornTails);
            assertEquals(0, w.replayStats().damagedSegments);
            w.log(batch(99, 99_000, 1));
        }
        assertEquals(90, c.samples.size(), "the torn samples frame is gone, all before it kept");
        Collect c2 = new Collect();
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, Wal.DEFAULT_SEGMENT_BYTES, c2, 0)) {
            assertEquals(0, w.replayStats().tornTails);
        }
        assertEquals(91, c2.samples.size());
    }

    @Test
    void flippedBytesInTheMiddleAreReportedAndTheRestServed() throws IOException {
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, Wal.DEFAULT_SEGMENT_BYTES, new Collect(), 0)) {
            for (int i = 0; i < 10; i++) {
                w.log(batch(i + 1, i * 1000L, 10));
            }
        }
        Path seg = dir.resolve("00000001");
        long size = Files.size(seg);
        try (RandomAccessFile f = new RandomAccessFile(seg.toFile(), "rw")) {
            long at = size / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5a);
        }
        Collect c = new Collect();
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, Wal.DEFAULT_SEGMENT_BYTES, c, 0)) {
            assertEquals(1, w.replayStats().damagedSegments);
        }
        assertTrue(Files.exists(dir.resolve("00000001.damaged")), "original kept aside");
        assertTrue(c.samples.size() >= 80 && c.samples.size() < 100, "one record lost: " + c.samples.size());
        // The rewritten segment replays cleanly with the same content.
        Collect c2 = new Collect();
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, Wal.DEFAULT_SEGMENT_BYTES, c2, 0)) {
            assertEquals(0, w.replayStats().damagedSegments);
        }
        assertEquals(c.samples.size(), c2.samples.size());
    }

    @Test
    void diskFullRejectsTheBatchButNotTheNextOnes() throws IOException {
        FaultyFileIo io = new FaultyFileIo();
        try (Wal w = Wal.open(dir, io, Wal.DEFAULT_SEGMENT_BYTES, new Collect(), 0)) {
            w.log(batch(1, 0, 10));
            io.bytesUntilFull = 50;
            io.tornBytes = 30;
            assertThrows(IOException.class, () -> w.log(batch(2, 1000, 10)));
            io.bytesUntilFull = Long.MAX_VALUE;
            w.log(batch(3, 2000, 10));
            assertFalse(w.broken());
        }
        Collect c = new Collect();
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, Wal.DEFAULT_SEGMENT_BYTES, c, 0)) {
            assertEquals(0, w.replayStats().tornTails + w.replayStats().damagedSegments);
        }
        assertEquals(List.of("1 {i=\"1\"}".replace("{", "m{"), "3 m{i=\"3\"}"), c.series);
        assertEquals(20, c.samples.size());
    }

    @Test
    void failedFsyncClosesTheWal() throws IOException {
        FaultyFileIo io = new FaultyFileIo();
        try (Wal w = Wal.open(dir, io, Wal.DEFAULT_SEGMENT_BYTES, new Collect(), 0)) {
            w.log(batch(1, 0, 10));
            io.failWhen = (op, p) -> op == FaultyFileIo.Op.FORCE;
            assertThrows(IOException.class, () -> w.log(batch(2, 1000, 10)));
            io.failWhen = (op, p) -> false;
            assertTrue(w.broken());
            assertThrows(IOException.class, () -> w.log(batch(3, 2000, 10)));
        } catch (IOException expectedOnClose) {
            // closing a broken WAL may report the failure again
        }
    }

    @Test
    void concurrentCommittersShareFsyncs() throws Exception {
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, Wal.DEFAULT_SEGMENT_BYTES, new Collect(), 0)) {
            int threads = 8;
            int per = 200;
            AtomicInteger errors = new AtomicInteger();
            Thread[] ts = new Thread[threads];
            for (int k = 0; k < threads; k++) {
                int id = k;
                ts[k] = new Thread(() -> {
                    for (int i = 0; i < per; i++) {
                        try {
                            w.log(batch(id * 1000 + i + 1, i, 5));
                        } catch (IOException e) {
                            errors.incrementAndGet();
                        }
                    }
                });
                ts[k].start();
            }
            for (Thread t : ts) {
                t.join();
            }
            assertEquals(0, errors.get());
            assertEquals(threads * per, w.commits());
            assertTrue(w.syncs() < w.commits(), "group commit: " + w.syncs() + " fsyncs for " + w.commits() + " commits");
        }
        Collect c = new Collect();
        try (Wal w = Wal.open(dir, FileIo.DEFAULT, Wal.DEFAULT_SEGMENT_BYTES, c, 0)) {
            assertEquals(8 * 200 * 5, c.samples.size());
        }
    }
}
