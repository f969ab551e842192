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
    /**
     * Flag: the values never go down within the chunk (a counter without reset, a watermark, a
     * constant): the chunk holds count and max (the last value); min and sum are estimated.
     */
    static final int MONOTONIC = 1;
    /** Flag: a gauge-typed chunk carries a counter column (a counter whose chunk has a reset). */
    static final int HAS_COUNTER = 4;
    /** Flag: the raw value of the chunk's last sample follows (it differs from the counter's). */
    static final int HAS_LAST_RAW = 2;
    /** Sum column: every window is constant, so sum = count × min. */
    static final int SUM_IS_COUNT_TIMES_MIN = 0x40;
    /** Max column: equal to min in every window. */
    static final int MAX_IS_MIN = 0x41;

    private final ChunkCodec codec = new ChunkCodec();
    private long[] ts = new long[0];
    private double[] col = new double[0];

    /**
     * Encodes windows {@code [from, from + n)} of {@code w} as one chunk (encoding byte first).
     *
     * @param withCounter when the chunk is not monotonic, store the counter column
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
        boolean monotonic = w.dropsIn(from, from + n) == 0;
        withCounter &= !monotonic;
        boolean lastRaw = last && withCounter
                && Double.doubleToRawLongBits(w.lastRaw) != Double.doubleToRawLongBits(w.counter[from + n - 1]);
        p.putByte((monotonic ? MONOTONIC : 0) | (withCounter ? HAS_COUNTER : 0) | (lastRaw ? HAS_LAST_RAW : 0));
        column(w.count, from, n, p);
        if (monotonic) {
            // The counter equals max (the last value) when nothing went down.
            column(w.max, from, n, p);
        } else {
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
        private double[] mean = new double[0];
        public int n;
        public boolean hasCounter;
        /** Min and sum are estimates (docs/format/downsample.md). */
        public boolean monotonic;
        /** The raw last value when stored, else NaN (then it is the last counter value). */
        public double lastRaw;

        /** Sum over count per window, computed here (no column holds it). */
        double[] mean() {
            if (mean.length < n) {
                mean = new double[t.length];
            }
            for (int i = 0; i < n; i++) {
                mean[i] = sum[i] / count[i];
            }
            return mean;
        }

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
        if ((flags & ~(MONOTONIC | HAS_COUNTER | HAS_LAST_RAW)) != 0 || (flags & MONOTONIC) != 0 && flags != MONOTONIC) {
            throw new MalformedException("aggregate flags " + flags);
        }
        ChunkCodec.decodeValueColumn(in, n, out.count);
        out.monotonic = (flags & MONOTONIC) != 0;
        out.hasCounter = (flags & HAS_COUNTER) != 0;
        if (out.monotonic) {
            ChunkCodec.decodeValueColumn(in, n, out.max);
            out.counter = out.max;
            estimateMinAndSum(out);
        } else {
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
            if (out.hasCounter) {
                ChunkCodec.decodeValueColumn(in, n, out.counterOwn);
                out.counter = out.counterOwn;
            } else {
                out.counter = out.max;
            }
        }
        out.lastRaw = (flags & HAS_LAST_RAW) != 0 ? Double.longBitsToDouble(in.getLong()) : Double.NaN;
        if (in.hasMore()) {
            throw new MalformedException(in.remaining() + " stray bytes after an aggregate chunk");
        }
        return n;
    }

    /**
     * A monotonic chunk keeps no min and sum: a counter's samples climb steadily through a
     * window, so its first value lies about (count − 1) steps of the climb below its last, and
     * its sum is about count × the midpoint. The climb per step comes from the counter column
     * (resets added back). Exact for windows of one sample; documented as an estimate otherwise.
     */
    private static void estimateMinAndSum(Decoded d) {
        for (int i = 0; i < d.n; i++) {
            double c = d.count[i];
            double climb;
            if (i > 0) {
                climb = (d.max[i] - d.max[i - 1]) / c;
            } else if (d.n > 1) {
                climb = (d.max[1] - d.max[0]) / d.count[1];
            } else {
                climb = 0;
            }
            double first = c <= 1 ? d.max[i] : Math.min(d.max[i], d.max[i] - climb * (c - 1));
            d.min[i] = first;
            d.sum[i] = c * (first + d.max[i]) / 2;
        }
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
