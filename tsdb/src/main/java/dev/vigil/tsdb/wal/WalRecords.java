package dev.vigil.tsdb.wal;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.io.ByteIn;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.MalformedException;
import java.nio.ByteBuffer;

/** Encoders and decoders of the WAL record types (docs/format/wal.md). */
public final class WalRecords {
    public static final int SERIES = 1;
    public static final int SAMPLES = 2;
    public static final int METADATA = 3;

    /** Frame header: u32 length + u32 crc32c. */
    public static final int FRAME_HEADER = 8;
    /** Upper bound on a frame's length field; anything larger is damage. */
    public static final int MAX_FRAME = 64 << 20;

    private WalRecords() {
    }

    /** Starts a frame of {@code type}; returns the offset to pass to {@link #endFrame}. */
    public static int beginFrame(ByteOut b, int type) {
        int start = b.length();
        b.putInt(0).putInt(0).putByte(type);
        return start;
    }

    /** Fills in length and CRC32C of the frame begun at {@code start}. */
    public static void endFrame(ByteOut b, int start) {
        int bodyFrom = start + FRAME_HEADER;
        b.setInt(start, b.length() - bodyFrom);
        b.setInt(start + 4, b.crc(bodyFrom, b.length()));
    }

    public static void putSeries(ByteOut b, long ref, Labels labels) {
        b.putUvarint(ref).putUvarint(labels.size());
        for (int i = 0; i < labels.size(); i++) {
            b.putString(labels.name(i)).putString(labels.value(i));
        }
    }

    /** Writes a whole samples frame. */
    public static void samples(ByteOut b, long[] refs, long[] ts, long[] bits, int n) {
        int f = beginFrame(b, SAMPLES);
        long base = n > 0 ? ts[0] : 0;
        b.putUvarint(n).putVarint(base);
        for (int i = 0; i < n; i++) {
            b.putUvarint(refs[i]).putVarint(ts[i] - base).putLong(bits[i]);
        }
        endFrame(b, f);
    }

    public static void putMetadata(ByteOut b, String family, Metadata m) {
        b.putString(family).putString(nz(m.type())).putString(nz(m.help())).putString(nz(m.unit()));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Receives decoded records during replay. */
    public interface Handler {
        void series(long ref, Labels labels);

        /** A samples record; the arrays are reused after the call returns. */
        void samples(long[] refs, long[] ts, long[] bits, int n);

        void metadata(String family, Metadata metadata);

        /** Called after the last record: a handler that buffers applies what it holds. */
        default void finish() {
        }

        /**
         * Asked after {@link #finish}: true to be given every record once more (then
         * {@link #finish} again), for a replay that found it must apply some series again.
         */
        default boolean again() {
            return false;
        }
    }

    /** Decodes one frame body (type byte at {@code from}) and calls the handler. */
    public static final class Decoder {
        private final ByteIn d = new ByteIn();
        private long[] refs = new long[1024];
        private long[] ts = new long[1024];
        private long[] bits = new long[1024];

        public void decode(ByteBuffer buf, int from, int to, Handler h) {
            d.reset(buf, from, to);
            int type = d.getByte();
            switch (type) {
                case SERIES -> {
                    while (d.hasMore()) {
                        long ref = d.getUvarint();
                        long n = d.getUvarint();
                        if (n < 0 || n > 10_000) { // a uvarint above 2^63 reads as negative
                            throw new MalformedException("series record with " + n + " labels");
                        }
                        String[] kv = new String[(int) n * 2];
                        for (int i = 0; i < kv.length; i++) {
                            kv[i] = d.getString();
                        }
                        h.series(ref, Labels.of(kv));
                    }
                }
                case SAMPLES -> {
                    long n = d.getUvarint();
                    if (n < 0 || n > (to - from)) {
                        throw new MalformedException("samples record claims " + n + " samples");
                    }
                    int cnt = (int) n;
                    if (cnt > refs.length) {
                        refs = new long[cnt];
                        ts = new long[cnt];
                        bits = new long[cnt];
                    }
                    long base = d.getVarint();
                    for (int i = 0; i < cnt; i++) {
                        refs[i] = d.getUvarint();
                        ts[i] = base + d.getVarint();
                        bits[i] = d.getLong();
                    }
                    h.samples(refs, ts, bits, cnt);
                }
                case METADATA -> {
                    while (d.hasMore()) {
                        String fam = d.getString();
                        String type2 = d.getString();
                        String help = d.getString();
                        String unit = d.getString();
                        h.metadata(fam, new Metadata(type2, help, unit));
                    }
                }
                default -> throw new MalformedException("unknown record type " + type);
            }
        }
    }
}
