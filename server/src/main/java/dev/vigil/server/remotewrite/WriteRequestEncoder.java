package dev.vigil.server.remotewrite;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.xerial.snappy.Snappy;

/**
 * Encodes Prometheus remote-write 1.0 {@code WriteRequest}s (prompb/remote.proto, types.proto)
 * by hand: a series' labels are encoded once ({@link #labels}) and copied into every request, so
 * a sample costs a few bytes of work. One sample per {@code TimeSeries}, as Prometheus 2.42 sends.
 * Not thread-safe: one per sender.
 */
final class WriteRequestEncoder {
    private byte[] buf;
    private int len;
    private byte[] compressed = new byte[0];

    WriteRequestEncoder() {
        this(64 << 10);
    }

    private WriteRequestEncoder(int capacity) {
        buf = new byte[capacity];
    }

    /** The repeated {@code Label} fields (TimeSeries field 1) of {@code l}, for {@link #sample}. */
    static byte[] labels(Labels l) {
        WriteRequestEncoder e = new WriteRequestEncoder(256);
        for (int i = 0; i < l.size(); i++) {
            byte[] n = l.name(i).getBytes(StandardCharsets.UTF_8);
            byte[] v = l.value(i).getBytes(StandardCharsets.UTF_8);
            int inner = 1 + varintSize(n.length) + n.length + 1 + varintSize(v.length) + v.length;
            e.tag(1, 2).varint(inner);
            e.tag(1, 2).varint(n.length).bytes(n, 0, n.length);
            e.tag(2, 2).varint(v.length).bytes(v, 0, v.length);
        }
        return Arrays.copyOf(e.buf, e.len);
    }

    void reset() {
        len = 0;
    }

    /** Appends one TimeSeries of one sample (WriteRequest field 1). */
    void sample(byte[] labels, long t, long valueBits) {
        int sampleLen = 1 + 8 + 1 + varintSize(t);
        int ts = labels.length + 1 + varintSize(sampleLen) + sampleLen;
        tag(1, 2).varint(ts);
        bytes(labels, 0, labels.length);
        tag(2, 2).varint(sampleLen);
        tag(1, 1).fixed64(valueBits); // the raw bits, so staleness markers go out as they are stored
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
        for (int i = 0; i < 8; i++) {
            buf[len++] = (byte) (v >>> (8 * i));
        }
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
