package dev.vigil.tsdb.downsample;

import dev.vigil.tsdb.block.codec.ChunkCodec;
import dev.vigil.tsdb.io.ByteIn;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.MalformedException;

/**
 * The aggregate chunk of a rollup block (docs/format/downsample.md): one timestamp column shared
 * by the count, sum, min, max and counter columns, each a raw chunk's value column unless it is
 * derivable from another, in which case one mode byte stands for it. Not thread-safe.
 */
public final class AggregateChunk {
    /** Flag: the counter column is present (the series looks like a counter). */
    static final int HAS_COUNTER = 1;
    /** Flag: the raw value of the chunk's last sample follows (it differs from the counter's). */
    static final int HAS_LAST_RAW = 2;
    /** Sum column: every window is constant, so sum = count × min. */
    static final int SUM_IS_COUNT_TIMES_MIN = 0x40;
    /** Max column: equal to min in every window. */
    static final int MAX_IS_MIN = 0x41;
    /** Counter column: equal to max in every window (a counter with no reset in the chunk). */
    static final int COUNTER_IS_MAX = 0x42;

    private final ChunkCodec codec = new ChunkCodec();
    private long[] ts = new long[0];
    private double[] col = new double[0];

    /**
     * Encodes windows {@code [from, from + n)} of {@code w} as one chunk (encoding byte first).
     *
     * @param withCounter store the counter column
     * @param last whether this chunk holds the series' last window (then the raw last value goes
     *     in when it differs from the counter value)
     */
    public void encode(Windows w, int from, int n, boolean withCounter, boolean last, long sameAsBack, ByteOut out) {
        if (n < 1 || n > ChunkCodec.MAX_SAMPLES) {
            throw new IllegalArgumentException("aggregate chunk of " + n + " windows");
        }
        ensure(n);
        ByteOut p = codec.payloadBuffer();
        p.putUvarint(n);
        System.arraycopy(w.t, from, ts, 0, n);
        codec.encodeTimestampColumn(ts, n, sameAsBack, p);
        boolean lastRaw = last && withCounter
                && Double.doubleToRawLongBits(w.lastRaw) != Double.doubleToRawLongBits(w.counter[from + n - 1]);
        p.putByte((withCounter ? HAS_COUNTER : 0) | (lastRaw ? HAS_LAST_RAW : 0));
        column(w.count, from, n, p);
        if (allEqual(w.min, w.max, from, n)) {
            p.putByte(SUM_IS_COUNT_TIMES_MIN);
            column(w.min, from, n, p);
            p.putByte(MAX_IS_MIN);
        } else {
            column(w.sum, from, n, p);
            column(w.min, from, n, p);
            column(w.max, from, n, p);
        }
        if (withCounter) {
            if (allEqual(w.counter, w.max, from, n)) {
                p.putByte(COUNTER_IS_MAX);
            } else {
                column(w.counter, from, n, p);
            }
        }
        if (lastRaw) {
            p.putLong(Double.doubleToRawLongBits(w.lastRaw));
        }
        codec.wrap(p, ChunkCodec.ENC_AGGREGATE, ChunkCodec.ENC_AGGREGATE_DEFLATE, out);
    }

    private void column(double[] src, int from, int n, ByteOut p) {
        System.arraycopy(src, from, col, 0, n);
        codec.encodeValueColumn(col, n, p);
    }

    private static boolean allEqual(double[] a, double[] b, int from, int n) {
        for (int i = from; i < from + n; i++) {
            if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
                return false;
            }
        }
        return true;
    }

    private void ensure(int n) {
        if (ts.length < n) {
            ts = new long[n];
            col = new double[n];
        }
    }

    /** A decoded aggregate chunk; arrays are reused by the next {@link #decode}. */
    public static final class Decoded {
        public long[] t = new long[0];
        public double[] count = new double[0];
        public double[] sum = new double[0];
        public double[] min = new double[0];
        public double[] max = new double[0];
        /** The counter column, or max's array when the chunk has none. */
        public double[] counter = new double[0];
        private double[] counterOwn = new double[0];
        public int n;
        public boolean hasCounter;
        /** The raw last value when stored, else NaN (then it is the last counter value). */
        public double lastRaw;

        void ensure(int size) {
            if (t.length < size) {
                t = new long[size];
                count = new double[size];
                sum = new double[size];
                min = new double[size];
                max = new double[size];
                counterOwn = new double[size];
            }
        }
    }

    /**
     * Decodes a chunk of encoding {@link ChunkCodec#ENC_AGGREGATE} or
     * {@link ChunkCodec#ENC_AGGREGATE_DEFLATE}; returns the window count.
     *
     * @throws MalformedException when the bytes are not a valid aggregate chunk
     */
    public int decode(int encoding, ByteIn data, ChunkCodec.TimestampSource sameAs, Decoded out) {
        if (encoding != ChunkCodec.ENC_AGGREGATE && encoding != ChunkCodec.ENC_AGGREGATE_DEFLATE) {
            throw new MalformedException("chunk of encoding " + encoding + " where an aggregate chunk was expected");
        }
        ByteIn in = codec.payload(encoding, data);
        int n = in.getUvarintInt(ChunkCodec.MAX_SAMPLES, "window count");
        if (n == 0) {
            throw new MalformedException("aggregate chunk of 0 windows");
        }
        out.ensure(n);
        out.n = n;
        ChunkCodec.decodeTimestampColumn(in, n, out.t, sameAs);
        int flags = in.getByte();
        if ((flags & ~(HAS_COUNTER | HAS_LAST_RAW)) != 0) {
            throw new MalformedException("aggregate flags " + flags);
        }
        ChunkCodec.decodeValueColumn(in, n, out.count);
        boolean sumDerived = peek(in, SUM_IS_COUNT_TIMES_MIN);
        if (!sumDerived) {
            ChunkCodec.decodeValueColumn(in, n, out.sum);
        }
        ChunkCodec.decodeValueColumn(in, n, out.min);
        if (peek(in, MAX_IS_MIN)) {
            System.arraycopy(out.min, 0, out.max, 0, n);
        } else {
            ChunkCodec.decodeValueColumn(in, n, out.max);
        }
        if (sumDerived) {
            for (int i = 0; i < n; i++) {
                out.sum[i] = out.count[i] * out.min[i];
            }
        }
        out.hasCounter = (flags & HAS_COUNTER) != 0;
        if (!out.hasCounter || peek(in, COUNTER_IS_MAX)) {
            out.counter = out.max;
        } else {
            ChunkCodec.decodeValueColumn(in, n, out.counterOwn);
            out.counter = out.counterOwn;
        }
        out.lastRaw = (flags & HAS_LAST_RAW) != 0 ? Double.longBitsToDouble(in.getLong()) : Double.NaN;
        if (in.hasMore()) {
            throw new MalformedException(in.remaining() + " stray bytes after an aggregate chunk");
        }
        return n;
    }

    /** Consumes the mode byte {@code mode} if it comes next. */
    private static boolean peek(ByteIn in, int mode) {
        int at = in.position();
        if (in.getByte() == mode) {
            return true;
        }
        in.position(at);
        return false;
    }
}
