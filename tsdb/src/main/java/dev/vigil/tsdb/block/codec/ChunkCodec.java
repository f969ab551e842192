package dev.vigil.tsdb.block.codec;

import dev.vigil.tsdb.io.ByteIn;
import dev.vigil.tsdb.io.ByteOut;
import dev.vigil.tsdb.io.MalformedException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The block chunk codec (docs/format/chunks.md): a timestamp column and a value column, each
 * in the cheapest of a few modes, then DEFLATE when it saves at least 10 %. Lossless to the
 * bit: NaN payloads and staleness markers survive. One instance per thread (it keeps buffers).
 */
public final class ChunkCodec {
    /** Encoding byte: columnar payload stored as is. */
    public static final int ENC_COLUMNAR = 1;
    /** Encoding byte: columnar payload, uncompressed length uvarint, then raw DEFLATE. */
    public static final int ENC_COLUMNAR_DEFLATE = 2;
    /** Encoding byte: a rollup's aggregate payload stored as is (docs/format/downsample.md). */
    public static final int ENC_AGGREGATE = 3;
    /** Encoding byte: aggregate payload, uncompressed length uvarint, then raw DEFLATE. */
    public static final int ENC_AGGREGATE_DEFLATE = 4;
    /** Most samples one chunk holds; bounds the work of decoding a chunk to reach one sample. */
    public static final int MAX_SAMPLES = 8192;
    /**
     * Bound on a chunk's uncompressed payload, so a damaged length cannot make the decode buffer
     * (kept per codec) huge: a sample costs at most 10 bytes of timestamp and 10.4 of value
     * (a 10-byte varint, plus an 11-byte exception for at most one sample in 32), so 32 per
     * sample plus the headers is far above anything {@link #encode} writes.
     */
    static final int MAX_RAW_BYTES = 32 * MAX_SAMPLES + 64;
    /** The same bound for an aggregate payload: a timestamp column and up to five value columns. */
    static final int MAX_AGGREGATE_RAW_BYTES = 6 * 32 * MAX_SAMPLES + 64;

    static final int TS_DOD = 0;
    static final int TS_GRID = 1;
    static final int TS_SAME_AS = 2;
    static final int V_CONST = 0;
    static final int V_RATIO = 1;
    static final int V_XOR = 2;
    /** RATIO whose differences share a common factor g (heap sizes move in multiples of 8). */
    static final int V_RATIO_STEP = 3;

    /** 2^53: integers up to this magnitude are exact in a double. */
    private static final long EXACT_LIMIT = 1L << 53;
    /** Divisors tried by RATIO, in order: integers, Flink meter windows (60 s), decimals. */
    private static final long[] DIVISORS;

    static {
        long[] d = new long[18];
        d[0] = 1;
        d[1] = 60;
        long p = 10;
        for (int i = 2; i < d.length; i++, p *= 10) {
            d[i] = p;
        }
        DIVISORS = d;
    }

    /**
     * One inflater per thread: a payload is inflated whole within one call, and a reader makes a
     * codec per block per query, so a codec of its own would cost every small query a native
     * zlib allocation per block.
     */
    private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(() -> new Inflater(true));

    // Encoding state and the inflate buffer are made on first use: most codecs only decode, and
    // a query makes one per block it reads.
    private ByteOut raw;
    private ByteOut tmp;
    private Deflater deflater;
    private byte[] inflated = new byte[0];
    private byte[] deflated;
    private long[] scratch = new long[0];
    private boolean deflateEnabled = true;

    /** For measurements: turn the general compressor off. */
    public void deflateEnabled(boolean on) {
        this.deflateEnabled = on;
    }

    /**
     * Encodes samples {@code [0, n)} and appends {@code encoding byte ‖ data} to {@code out}.
     *
     * @param sameAsBack when ≥ 0, the timestamps equal those of the chunk starting this many
     *     bytes before this chunk in the same segment (the caller checked), so they are not stored
     */
    public void encode(long[] t, double[] v, int n, long sameAsBack, ByteOut out) {
        if (n < 1 || n > MAX_SAMPLES) {
            throw new IllegalArgumentException("chunk of " + n + " samples");
        }
        if (raw == null) {
            raw = new ByteOut(1 << 14);
            tmp = new ByteOut(1 << 12);
            deflater = new Deflater(6, true);
            deflated = new byte[1 << 14];
        }
        raw.reset();
        raw.putUvarint(n);
        encodeTimestampColumn(t, n, sameAsBack, raw);
        encodeValues(v, n, raw);
        wrap(raw, ENC_COLUMNAR, ENC_COLUMNAR_DEFLATE, out);
    }

    /**
     * Appends a timestamp column (mode byte and body) to {@code o}: a back reference when
     * {@code sameAsBack ≥ 0}, else the smaller of DOD and GRID.
     */
    public void encodeTimestampColumn(long[] t, int n, long sameAsBack, ByteOut o) {
        if (sameAsBack >= 0) {
            o.putByte(TS_SAME_AS);
            o.putUvarint(sameAsBack);
        } else {
            encodeTimestamps(t, n, o);
        }
    }

    /** Appends a value column (mode byte and body) to {@code o}, in the smallest mode that fits. */
    public void encodeValueColumn(double[] v, int n, ByteOut o) {
        encodeValues(v, n, o);
    }

    /** Reads a timestamp column written by {@link #encodeTimestampColumn}. */
    public static void decodeTimestampColumn(ByteIn in, int n, long[] t, TimestampSource sameAs) {
        decodeTimestamps(in, n, t, sameAs);
    }

    /** Reads a value column written by {@link #encodeValueColumn}. */
    public static void decodeValueColumn(ByteIn in, int n, double[] v) {
        decodeValues(in, n, v);
    }

    /** A scratch buffer for building a payload before {@link #wrap}; reused by each call. */
    public ByteOut payloadBuffer() {
        if (raw == null) {
            raw = new ByteOut(1 << 14);
            tmp = new ByteOut(1 << 12);
            deflater = new Deflater(6, true);
            deflated = new byte[1 << 14];
        }
        raw.reset();
        return raw;
    }

    /**
     * Appends {@code encoding byte ‖ data} for a built payload: DEFLATE under {@code deflatedEnc}
     * when that saves at least 10 %, else the payload as is under {@code plainEnc}.
     */
    public void wrap(ByteOut raw, int plainEnc, int deflatedEnc, ByteOut out) {
        int rawLen = raw.length();
        if (deflateEnabled && rawLen >= 32) {
            deflater.reset();
            deflater.setInput(raw.array(), 0, rawLen);
            deflater.finish();
            tmp.reset();
            tmp.putUvarint(rawLen);
            int limit = rawLen - rawLen / 10;
            if (deflated.length < Math.max(64, limit)) {
                deflated = new byte[Math.max(64, Math.max(limit, deflated.length * 2))];
            }
            byte[] buf = deflated;
            int total = 0;
            while (!deflater.finished() && total < limit) {
                total += deflater.deflate(buf, total, limit - total);
            }
            if (deflater.finished() && tmp.length() + total <= limit) {
                out.putByte(deflatedEnc);
                out.putBytes(tmp.array(), 0, tmp.length());
                out.putBytes(buf, 0, total);
                return;
            }
        }
        out.putByte(plainEnc);
        out.putBytes(raw.array(), 0, rawLen);
    }

    // ---- timestamps ----

    private void encodeTimestamps(long[] t, int n, ByteOut o) {
        if (n < 3) {
            writeDod(t, n, o);
            return;
        }
        long[] d = scratch(n - 1);
        for (int i = 1; i < n; i++) {
            d[i - 1] = t[i] - t[i - 1];
        }
        Arrays.sort(d, 0, n - 1);
        long step = d[(n - 1) / 2];
        int dodSize = dodSize(t, n);
        int bestW = -1;
        long bestBits = Long.MAX_VALUE;
        if (step > 0) {
            for (int w = 0; w <= 24; w++) {
                if ((long) (n - 1) * w >= bestBits) {
                    break; // the codes alone already cost more than the best so far
                }
                long bits = gridBits(t, n, step, w, bestBits);
                if (bits < bestBits) {
                    bestBits = bits;
                    bestW = w;
                }
            }
        }
        long gridBytes = bestW < 0 ? Long.MAX_VALUE
                : 2 + ByteOut.uvarintSize(ByteOut.zigzag(t[0])) + ByteOut.uvarintSize(ByteOut.zigzag(step)) + (bestBits + 7) / 8;
        if (gridBytes < dodSize) {
            writeGrid(t, n, step, bestW, o);
        } else {
            writeDod(t, n, o);
        }
    }

    private static int dodSize(long[] t, int n) {
        int size = 1 + ByteOut.uvarintSize(ByteOut.zigzag(t[0]));
        long prevD = 0;
        for (int i = 1; i < n; i++) {
            long d = t[i] - t[i - 1];
            size += ByteOut.uvarintSize(ByteOut.zigzag(i == 1 ? d : d - prevD));
            prevD = d;
        }
        return size;
    }

    private static void writeDod(long[] t, int n, ByteOut o) {
        o.putByte(TS_DOD);
        o.putVarint(t[0]);
        long prevD = 0;
        for (int i = 1; i < n; i++) {
            long d = t[i] - t[i - 1];
            o.putVarint(i == 1 ? d : d - prevD);
            prevD = d;
        }
    }

    /** Size in bits of the GRID code and exception streams for width w, or MAX when impossible. */
    private static long gridBits(long[] t, int n, long step, int w, long giveUpAbove) {
        long escape = w == 0 ? -1 : (1L << w) - 1;
        long g = t[0];
        long bits = 0;
        for (int i = 1; i < n; i++) {
            g += step;
            long zz = ByteOut.zigzag(t[i] - g);
            if (w == 0) {
                if (zz != 0) {
                    return Long.MAX_VALUE;
                }
                continue;
            }
            bits += w;
            if (Long.compareUnsigned(zz, escape) >= 0) {
                bits += 8L * ByteOut.uvarintSize(ByteOut.zigzag(t[i] - t[i - 1]));
                g = t[i];
            }
            if (bits >= giveUpAbove) {
                return Long.MAX_VALUE;
            }
        }
        return bits;
    }

    private void writeGrid(long[] t, int n, long step, int w, ByteOut o) {
        o.putByte(TS_GRID);
        o.putVarint(t[0]);
        o.putVarint(step);
        o.putByte(w);
        if (w == 0) {
            return;
        }
        long escape = (1L << w) - 1;
        tmp.reset();
        BitOut bits = new BitOut(o);
        long g = t[0];
        for (int i = 1; i < n; i++) {
            g += step;
            long zz = ByteOut.zigzag(t[i] - g);
            if (Long.compareUnsigned(zz, escape) >= 0) {
                bits.write(escape, w);
                tmp.putVarint(t[i] - t[i - 1]);
                g = t[i];
            } else {
                bits.write(zz, w);
            }
        }
        bits.flush();
        o.putBytes(tmp.array(), 0, tmp.length());
    }

    // ---- values ----

    private void encodeValues(double[] v, int n, ByteOut o) {
        long first = Double.doubleToRawLongBits(v[0]);
        boolean constant = true;
        for (int i = 1; i < n && constant; i++) {
            constant = Double.doubleToRawLongBits(v[i]) == first;
        }
        if (constant) {
            o.putByte(V_CONST);
            o.putLong(first);
            return;
        }
        int maxExceptions = n / 32;
        long[] k = scratch(n);
        for (long d : DIVISORS) {
            if (ratio(v, n, d, k, maxExceptions)) {
                writeRatio(v, n, d, k, o);
                return;
            }
        }
        writeXor(v, n, o);
    }

    /** Fills k with v·d when every value but at most maxExceptions is exactly k/d. */
    private static boolean ratio(double[] v, int n, long d, long[] k, int maxExceptions) {
        double dd = d;
        int exceptions = 0;
        long prev = 0;
        for (int i = 0; i < n; i++) {
            double x = v[i];
            double m = Math.rint(x * dd);
            long km = (long) m;
            if (!(Math.abs(m) < EXACT_LIMIT) || Double.doubleToRawLongBits(km / dd) != Double.doubleToRawLongBits(x)) {
                if (++exceptions > maxExceptions) {
                    return false;
                }
                k[i] = prev;
                // An exception repeats the previous k so it costs nothing in the differences;
                // writeRatio finds exceptions again by decoding k/d.
                continue;
            }
            k[i] = km;
            prev = km;
        }
        return true;
    }

    private static boolean isException(double x, long k, double dd) {
        return Double.doubleToRawLongBits(k / dd) != Double.doubleToRawLongBits(x);
    }

    private void writeRatio(double[] v, int n, long d, long[] k, ByteOut o) {
        long g = 0;
        for (int i = 1; i < n && g != 1; i++) {
            g = gcd(g, Math.abs(k[i] - k[i - 1]));
        }
        if (g < 2) {
            g = 1;
        }
        o.putByte(g == 1 ? V_RATIO : V_RATIO_STEP);
        o.putUvarint(d);
        long size1 = 0;
        long size2 = 0;
        for (int i = 1; i < n; i++) {
            long d1 = (k[i] - k[i - 1]) / g;
            size1 += ByteOut.uvarintSize(ByteOut.zigzag(d1));
            long d2 = i == 1 ? d1 : d1 - (k[i - 1] - k[i - 2]) / g;
            size2 += ByteOut.uvarintSize(ByteOut.zigzag(d2));
        }
        int order = size2 < size1 ? 2 : 1;
        o.putByte(order);
        if (g != 1) {
            o.putUvarint(g);
        }
        o.putVarint(k[0]);
        for (int i = 1; i < n; i++) {
            long d1 = (k[i] - k[i - 1]) / g;
            o.putVarint(order == 1 || i == 1 ? d1 : d1 - (k[i - 1] - k[i - 2]) / g);
        }
        double dd = d;
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (isException(v[i], k[i], dd)) {
                count++;
            }
        }
        o.putUvarint(count);
        int last = 0;
        for (int i = 0; i < n; i++) {
            if (isException(v[i], k[i], dd)) {
                o.putUvarint(i - last);
                o.putLong(Double.doubleToRawLongBits(v[i]));
                last = i;
            }
        }
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static void writeXor(double[] v, int n, ByteOut o) {
        o.putByte(V_XOR);
        BitOut bits = new BitOut(o);
        long prev = Double.doubleToRawLongBits(v[0]);
        bits.write(prev, 64);
        int lead = -1;
        int trail = 0;
        for (int i = 1; i < n; i++) {
            long cur = Double.doubleToRawLongBits(v[i]);
            long x = cur ^ prev;
            prev = cur;
            if (x == 0) {
                bits.writeBit(false);
                continue;
            }
            int l = Long.numberOfLeadingZeros(x);
            int tr = Long.numberOfTrailingZeros(x);
            if (lead >= 0 && l >= lead && tr >= trail) {
                bits.write(0b10, 2);
                bits.write(x >>> trail, 64 - lead - trail);
            } else {
                lead = l;
                trail = tr;
                int sig = 64 - l - tr;
                bits.write(0b11, 2);
                bits.write(l, 6);
                bits.write(sig - 1, 6);
                bits.write(x >>> tr, sig);
            }
        }
        bits.flush();
    }

    private long[] scratch(int n) {
        if (scratch.length < n) {
            scratch = new long[Math.max(Math.max(n, 256), scratch.length * 2)];
        }
        return scratch;
    }

    // ---- decoding ----

    /**
     * Decodes a chunk ({@code encoding} and its data) into t and v (each at least
     * {@link #MAX_SAMPLES} long). {@code sameAs} resolves a SAME_AS timestamp column.
     *
     * @return the number of samples
     * @throws MalformedException when the bytes are not a valid chunk
     */
    public int decode(int encoding, ByteIn data, long[] t, double[] v, TimestampSource sameAs) {
        if (encoding == ENC_AGGREGATE || encoding == ENC_AGGREGATE_DEFLATE) {
            throw new MalformedException("aggregate chunk where samples were expected");
        }
        ByteIn in = payload(encoding, data);
        int n = in.getUvarintInt(MAX_SAMPLES, "sample count");
        if (n == 0 || n > t.length || n > v.length) {
            throw new MalformedException("chunk of " + n + " samples, room for " + Math.min(t.length, v.length));
        }
        decodeTimestamps(in, n, t, sameAs);
        decodeValues(in, n, v);
        return n;
    }

    /** Decodes only the timestamp column; SAME_AS is not allowed here (no chains). */
    public int decodeTimestamps(int encoding, ByteIn data, long[] t) {
        ByteIn in = payload(encoding, data);
        int n = in.getUvarintInt(MAX_SAMPLES, "sample count");
        if (n == 0 || n > t.length) {
            throw new MalformedException("chunk of " + n + " samples, room for " + t.length);
        }
        decodeTimestamps(in, n, t, null);
        return n;
    }

    private final ByteIn inflatedIn = new ByteIn();

    /**
     * The payload of a chunk of any encoding, inflated when compressed. Timestamps may refer to
     * an aggregate chunk: both payloads start with the count and the timestamp column.
     */
    public ByteIn payload(int encoding, ByteIn data) {
        if (encoding == ENC_COLUMNAR || encoding == ENC_AGGREGATE) {
            return data;
        }
        if (encoding != ENC_COLUMNAR_DEFLATE && encoding != ENC_AGGREGATE_DEFLATE) {
            throw new MalformedException("unknown chunk encoding " + encoding);
        }
        int rawLen = data.getUvarintInt(encoding == ENC_COLUMNAR_DEFLATE ? MAX_RAW_BYTES : MAX_AGGREGATE_RAW_BYTES,
                "uncompressed length");
        if (inflated.length < rawLen) {
            inflated = new byte[Math.max(Math.max(rawLen, 1 << 12), inflated.length * 2)];
        }
        Inflater inflater = INFLATER.get();
        inflater.reset();
        inflater.setInput(data.array(), data.position(), data.remaining());
        try {
            int got = 0;
            while (got < rawLen) {
                int r = inflater.inflate(inflated, got, rawLen - got);
                if (r == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                got += r;
            }
            if (got != rawLen) {
                throw new MalformedException("compressed payload inflates to " + got + " bytes, expected " + rawLen);
            }
        } catch (DataFormatException e) {
            throw new MalformedException("bad compressed payload: " + e.getMessage(), e);
        }
        return inflatedIn.reset(inflated, 0, rawLen);
    }

    private static void decodeTimestamps(ByteIn in, int n, long[] t, TimestampSource sameAs) {
        int mode = in.getByte();
        switch (mode) {
            case TS_DOD -> {
                t[0] = in.getVarint();
                long d = 0;
                for (int i = 1; i < n; i++) {
                    long x = in.getVarint();
                    d = i == 1 ? x : d + x;
                    t[i] = t[i - 1] + d;
                }
            }
            case TS_GRID -> {
                t[0] = in.getVarint();
                long step = in.getVarint();
                int w = in.getByte();
                if (w > 32) {
                    throw new MalformedException("grid width " + w);
                }
                if (w == 0) {
                    for (int i = 1; i < n; i++) {
                        t[i] = t[i - 1] + step;
                    }
                    return;
                }
                // Codes first (bit-packed), exceptions after: find where the codes end.
                int codeBytes = (int) (((long) (n - 1) * w + 7) / 8);
                int codesAt = in.position();
                in.skip(codeBytes);
                BitIn bits = new BitIn(new ByteIn(in.array(), codesAt, codeBytes));
                long escape = (1L << w) - 1;
                long g = t[0];
                for (int i = 1; i < n; i++) {
                    g += step;
                    long c = bits.read(w);
                    if (c == escape) {
                        t[i] = t[i - 1] + in.getVarint();
                        g = t[i];
                    } else {
                        t[i] = g + ByteOut.unzigzag(c);
                    }
                }
            }
            case TS_SAME_AS -> {
                long back = in.getUvarint();
                if (sameAs == null) {
                    throw new MalformedException("timestamp column refers to another chunk where none is allowed");
                }
                int m = sameAs.timestamps(back, t);
                if (m != n) {
                    throw new MalformedException("referenced timestamp column has " + m + " samples, expected " + n);
                }
            }
            default -> throw new MalformedException("unknown timestamp mode " + mode);
        }
    }

    private static void decodeValues(ByteIn in, int n, double[] v) {
        int mode = in.getByte();
        switch (mode) {
            case V_CONST -> Arrays.fill(v, 0, n, Double.longBitsToDouble(in.getLong()));
            case V_RATIO, V_RATIO_STEP -> {
                long d = in.getUvarint();
                if (d < 1) {
                    throw new MalformedException("divisor " + d);
                }
                double dd = d;
                int order = in.getByte();
                if (order != 1 && order != 2) {
                    throw new MalformedException("difference order " + order);
                }
                long g = mode == V_RATIO ? 1 : in.getUvarint();
                if (g < 1) {
                    throw new MalformedException("difference step " + g);
                }
                long k = in.getVarint();
                v[0] = k / dd;
                long d1 = 0;
                for (int i = 1; i < n; i++) {
                    long x = in.getVarint();
                    d1 = order == 1 || i == 1 ? x : d1 + x;
                    k += d1 * g;
                    v[i] = k / dd;
                }
                int e = in.getUvarintInt(n, "exception count");
                int idx = 0;
                for (int j = 0; j < e; j++) {
                    idx += in.getUvarintInt(n, "exception index");
                    if (idx >= n) {
                        throw new MalformedException("exception index " + idx + " beyond " + n + " samples");
                    }
                    v[idx] = Double.longBitsToDouble(in.getLong());
                }
            }
            case V_XOR -> {
                BitIn bits = new BitIn(in);
                long prev = bits.read(64);
                v[0] = Double.longBitsToDouble(prev);
                int lead = 0;
                int trail = 0;
                boolean window = false;
                for (int i = 1; i < n; i++) {
                    if (bits.readBit()) {
                        if (bits.readBit()) {
                            lead = (int) bits.read(6);
                            int sig = (int) bits.read(6) + 1;
                            trail = 64 - lead - sig;
                            if (trail < 0) {
                                throw new MalformedException("xor window " + lead + "+" + sig + " beyond 64 bits");
                            }
                            window = true;
                        } else if (!window) {
                            throw new MalformedException("xor window reused before it was set");
                        }
                        prev ^= bits.read(64 - lead - trail) << trail;
                    }
                    v[i] = Double.longBitsToDouble(prev);
                }
            }
            default -> throw new MalformedException("unknown value mode " + mode);
        }
    }

    /** Resolves a SAME_AS timestamp column: the chunk {@code back} bytes before the current one. */
    @FunctionalInterface
    public interface TimestampSource {
        /** Decodes that chunk's timestamps into t and returns their count. */
        int timestamps(long back, long[] t);
    }
}
