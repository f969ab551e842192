package dev.vigil.tsdb.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.FaultyFileIo;
import dev.vigil.tsdb.io.MalformedException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Fuzz targets for the WAL: a record body decodes or throws {@link MalformedException},
 * and a segment of any bytes replays without refusing to start; after the repair the first
 * replay made, a second replay finds no damage and the same records. Plain {@code mvn verify}
 * replays the seeds in {@code WalFuzzTestInputs/}; {@code JAZZER_FUZZ=1 mvn test
 * -Dtest=WalFuzzTest#segment} fuzzes one target.
 */
class WalFuzzTest {
    /** Records everything as strings, to compare two replays. */
    static final class Record implements WalRecords.Handler {
        final List<String> events = new ArrayList<>();

        @Override
        public void series(long ref, Labels labels) {
            events.add("series " + ref + " " + labels);
        }

        @Override
        public void samples(long[] refs, long[] ts, long[] bits, int n) {
            StringBuilder sb = new StringBuilder("samples");
            for (int i = 0; i < n; i++) {
                sb.append(' ').append(refs[i]).append('@').append(ts[i]).append('=').append(Long.toHexString(bits[i]));
            }
            events.add(sb.toString());
        }

        @Override
        public void metadata(String family, Metadata metadata) {
            events.add("metadata " + family + " " + metadata);
        }
    }

    private static final WalRecords.Decoder WARM = new WalRecords.Decoder();
    /** Replay reports every damage it repairs; thousands of runs a second need none of it. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger(Wal.class.getName());

    /** Memory-backed folders when there are: a run makes and removes one per input. */
    private static final boolean SHM = Files.isDirectory(Path.of("/dev/shm")) && Files.isWritable(Path.of("/dev/shm"));

    static {
        QUIET.setLevel(java.util.logging.Level.OFF);
    }

    @FuzzTest(maxDuration = "30s")
    void record(byte[] data) {
        Record cold = new Record();
        String a = decode(new WalRecords.Decoder(), data, cold);
        Record warm = new Record();
        String b = decode(WARM, data, warm);
        assertEquals(a, b, "a reused decoder decides like a new one");
        assertEquals(cold.events, warm.events);
    }

    private static String decode(WalRecords.Decoder d, byte[] data, Record r) {
        // Offset the record inside a larger buffer: the decoder must respect [from, to).
        ByteBuffer buf = ByteBuffer.allocate(data.length + 6);
        buf.put(3, data, 0, data.length);
        try {
            d.decode(buf, 3, 3 + data.length, r);
            return "ok";
        } catch (MalformedException e) {
            return e.getMessage();
        }
    }

    /**
     * A segment built from the fuzzer's choices: the header (usually right), then a mix of
     * CRC-valid frames with arbitrary bodies, garbage, and cut-off frames.
     */
    @FuzzTest(maxDuration = "2m")
    void segment(FuzzedDataProvider in) throws IOException {
        byte[] seg = segmentBytes(in);
        Path dir = SHM ? Files.createTempDirectory(Path.of("/dev/shm"), "wal-fuzz") : Files.createTempDirectory("wal-fuzz");
        try {
            Files.write(dir.resolve(Wal.name(1)), seg);
            FaultyFileIo io = new FaultyFileIo();
            io.skipForce = true;
            Record first = new Record();
            try (Wal w = Wal.open(dir, io, Wal.DEFAULT_SEGMENT_BYTES, first, 0)) {
                byte[] f = frame(WalRecords.SERIES, new byte[] {1, 0});
                ByteOut e = new ByteOut(f.length);
                w.log(e.putBytes(f, 0, f.length));
            }
            Record second = new Record();
            try (Wal w = Wal.open(dir, io, Wal.DEFAULT_SEGMENT_BYTES, second, 0)) {
                assertEquals(0, w.replayStats().tornTails, "a repaired WAL has no torn tail");
                assertEquals(0, w.replayStats().damagedSegments, "a repaired WAL has no damage");
            }
            first.events.add("series 1 {}"); // the record logged after the first replay
            assertEquals(first.events, second.events, "the repaired WAL replays what the first replay kept");
        } finally {
            deleteTree(dir);
        }
    }

    static byte[] segmentBytes(FuzzedDataProvider in) {
        ByteOut b = new ByteOut(256);
        if (in.consumeInt(0, 15) == 0) {
            byte[] h = in.consumeBytes(in.consumeInt(0, 10));
            b.putBytes(h, 0, h.length);
        } else {
            b.putBytes(Wal.MAGIC, 0, 4).putByte(Wal.VERSION).putByte(0).putByte(0).putByte(0);
        }
        int pieces = in.consumeInt(0, 8);
        for (int i = 0; i < pieces && in.remainingBytes() > 0; i++) {
            int kind = in.consumeInt(0, 5);
            if (kind <= 2) {
                int type = kind == 0 ? in.consumeInt(0, 255) : in.consumeInt(WalRecords.SERIES, WalRecords.METADATA);
                byte[] body = in.consumeBytes(in.consumeInt(0, 200));
                byte[] f = frame(type, body);
                b.putBytes(f, 0, f.length);
            } else if (kind == 3) {
                byte[] f = frame(in.consumeInt(WalRecords.SERIES, WalRecords.METADATA), in.consumeBytes(in.consumeInt(0, 200)));
                b.putBytes(f, 0, in.consumeInt(0, f.length)); // cut off
            } else if (kind == 4) {
                byte[] junk = in.consumeBytes(in.consumeInt(0, 64));
                b.putBytes(junk, 0, junk.length);
            } else {
                ByteOut real = WalTest.batch(in.consumeLong(0, 1 << 20), in.consumeLong(), in.consumeInt(0, 5));
                b.putBytes(real.array(), 0, real.length());
            }
        }
        byte[] out = new byte[b.length()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    /** One CRC-valid frame of {@code type} with {@code body} after the type byte. */
    static byte[] frame(int type, byte[] body) {
        ByteOut b = new ByteOut(body.length + 16);
        int f = WalRecords.beginFrame(b, type);
        b.putBytes(body, 0, body.length);
        WalRecords.endFrame(b, f);
        byte[] out = new byte[b.length()];
        System.arraycopy(b.array(), 0, out, 0, out.length);
        return out;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
