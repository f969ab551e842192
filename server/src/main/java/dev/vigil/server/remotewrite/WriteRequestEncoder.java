package dev.vigil.server.remotewrite;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.xerial.snappy.Snappy;

/**
 * Encodes Prometheus remote-write 1.0 {@code WriteRequest}s (prompb/remote.proto, types.proto)
 * by hand: a series is encoded once ({@link #series}: its TimeSeries up to the sample's value, for
 * a timestamp of today's size) and copied into every request, so a sample costs one copy and 15
 * bytes. A series with several samples in a request is written once with all of them
 * ({@link #timeSeries}), so its labels are copied and compressed once. Not thread-safe: one per sender.
 */
final class WriteRequestEncoder {
    /**
     * Millisecond timestamps in [2^35, 2^42) (1971 to 2109) are 6-byte varints, so the TimeSeries
     * length around them is known when a series is encoded; others take the general path.
     */
    private static final int T_BYTES = 6;
    private static final long T_MIN = 1L << 35;
    private static final long T_MAX = 1L << 42;
    /** Sample {value = 1 (fixed64), timestamp = 2 (6-byte varint)}. */
    private static final int SAMPLE_LEN = 1 + 8 + 1 + T_BYTES;
    /** After the labels in {@link #series}: Sample's tag and length, then the value's tag. */
    private static final int SUFFIX = 3;
    private static final VarHandle LE64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private byte[] buf;
    private int len;
    private byte[] compressed = new byte[0];

    WriteRequestEncoder() {
        this(64 << 10);
    }

    private WriteRequestEncoder(int capacity) {
        buf = new byte[capacity];
    }

    /**
     * One series as {@link #sample} copies it: WriteRequest's TimeSeries tag and length, the
     * repeated {@code Label} fields of {@code l}, Sample's tag and length and the value's tag.
     */
    static byte[] series(Labels l) {
        WriteRequestEncoder e = new WriteRequestEncoder(256);
        for (int i = 0; i < l.size(); i++) {
            byte[] n = l.name(i).getBytes(StandardCharsets.UTF_8);
            byte[] v = l.value(i).getBytes(StandardCharsets.UTF_8);
            int inner = 1 + varintSize(n.length) + n.length + 1 + varintSize(v.length) + v.length;
            e.tag(1, 2).varint(inner);
            e.tag(1, 2).varint(n.length).bytes(n, 0, n.length);
            e.tag(2, 2).varint(v.length).bytes(v, 0, v.length);
        }
        int labels = e.len;
        WriteRequestEncoder out = new WriteRequestEncoder(labels + 16);
        out.tag(1, 2).varint(labels + 2 + SAMPLE_LEN);
        out.bytes(e.buf, 0, labels);
        out.tag(2, 2).varint(SAMPLE_LEN);
        out.tag(1, 1);
        return Arrays.copyOf(out.buf, out.len);
    }

    void reset() {
        len = 0;
    }

    /** Appends one TimeSeries of one sample (WriteRequest field 1) of a {@link #series}. */
    void sample(byte[] series, long t, long valueBits) {
        if (t < T_MIN || t >= T_MAX) {
            sampleOfAnyTime(series, t, valueBits);
            return;
        }
        int n = series.length;
        room(n + 8 + 1 + T_BYTES);
        byte[] b = buf;
        int p = len;
        System.arraycopy(series, 0, b, p, n);
        p += n;
        LE64.set(b, p, valueBits); // the raw bits, so staleness markers go out as they are stored
        p += 8;
        b[p++] = 0x10; // timestamp = 2, varint
        b[p++] = (byte) (t | 0x80);
        b[p++] = (byte) (t >>> 7 | 0x80);
        b[p++] = (byte) (t >>> 14 | 0x80);
        b[p++] = (byte) (t >>> 21 | 0x80);
        b[p++] = (byte) (t >>> 28 | 0x80);
        b[p++] = (byte) (t >>> 35);
        len = p;
    }

    /**
     * Appends one TimeSeries of a {@link #series} with the samples {@code order[from..to)} names
     * (indexes into {@code t} and {@code valueBits}), in that order.
     */
    void timeSeries(byte[] series, long[] t, long[] valueBits, int[] order, int from, int to) {
        if (to - from == 1) {
            sample(series, t[order[from]], valueBits[order[from]]);
            return;
        }
        int labelsFrom = labelsStart(series);
        int labels = series.length - SUFFIX - labelsFrom;
        long inner = labels;
        for (int k = from; k < to; k++) {
            int sampleLen = 1 + 8 + 1 + varintSize(t[order[k]]);
            inner += 1 + varintSize(sampleLen) + sampleLen;
        }
        tag(1, 2).varint(inner);
        bytes(series, labelsFrom, labels);
        for (int k = from; k < to; k++) {
            long ts = t[order[k]];
            tag(2, 2).varint(1 + 8 + 1 + varintSize(ts));
            tag(1, 1).fixed64(valueBits[order[k]]);
            tag(2, 0).varint(ts);
        }
    }

    /** Where the labels start in a {@link #series}: after the TimeSeries tag and length. */
    private static int labelsStart(byte[] series) {
        int from = 1;
        while (series[from] < 0) {
            from++;
        }
        return from + 1;
    }

    /** The general path: the labels taken out of the series' bytes and framed for {@code t}'s size. */
    private void sampleOfAnyTime(byte[] series, long t, long valueBits) {
        int from = labelsStart(series);
        int labels = series.length - SUFFIX - from;
        int sampleLen = 1 + 8 + 1 + varintSize(t);
        int ts = labels + 1 + varintSize(sampleLen) + sampleLen;
        tag(1, 2).varint(ts);
        bytes(series, from, labels);
        tag(2, 2).varint(sampleLen);
        tag(1, 1).fixed64(valueBits);
        tag(2, 0).varint(t);
    }

    /** Appends one MetricMetadata (WriteRequest field 3). */
    void metadata(String family, Metadata m) {
        byte[] f = family.getBytes(StandardCharsets.UTF_8);
        byte[] h = m.help() == null ? new byte[0] : m.help().getBytes(StandardCharsets.UTF_8);
        byte[] u = m.unit() == null ? new byte[0] : m.unit().getBytes(StandardCharsets.UTF_8);
        int type = metricType(m.type());
        int inner = 1 + varintSize(type) + 1 + varintSize(f.length) + f.length + 1 + varintSize(h.length) + h.length
                + 1 + varintSize(u.length) + u.length;
        tag(3, 2).varint(inner);
        tag(1, 0).varint(type);
        tag(2, 2).varint(f.length).bytes(f, 0, f.length);
        tag(4, 2).varint(h.length).bytes(h, 0, h.length);
        tag(5, 2).varint(u.length).bytes(u, 0, u.length);
    }

    /** prompb MetricMetadata.MetricType of a stored type name. */
    static int metricType(String type) {
        if (type == null) {
            return 0;
        }
        return switch (type) {
            case "counter" -> 1;
            case "gauge" -> 2;
            case "histogram" -> 3;
            case "gaugehistogram" -> 4;
            case "summary" -> 5;
            case "info" -> 6;
            case "stateset" -> 7;
            default -> 0;
        };
    }

    int length() {
        return len;
    }

    byte[] array() {
        return buf;
    }

    /** The request so far, snappy block-compressed (the body remote write sends); valid until the next call. */
    byte[] snappy(int[] outLen) throws IOException {
        int max = Snappy.maxCompressedLength(len);
        if (compressed.length < max) {
            compressed = new byte[max];
        }
        outLen[0] = Snappy.rawCompress(buf, 0, len, compressed, 0);
        return compressed;
    }

    private WriteRequestEncoder tag(int field, int wire) {
        return varint((field << 3) | wire);
    }

    private WriteRequestEncoder varint(long v) {
        room(10);
        while ((v & ~0x7FL) != 0) {
            buf[len++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[len++] = (byte) v;
        return this;
    }

    private void fixed64(long v) {
        room(8);
        LE64.set(buf, len, v);
        len += 8;
    }

    private WriteRequestEncoder bytes(byte[] b, int off, int n) {
        room(n);
        System.arraycopy(b, off, buf, len, n);
        len += n;
        return this;
    }

    private void room(int n) {
        if (len + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
        }
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            n++;
            v >>>= 7;
        }
        return n;
    }
}
