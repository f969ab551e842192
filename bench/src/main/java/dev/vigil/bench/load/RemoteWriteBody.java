package dev.vigil.bench.load;

import dev.vigil.bench.flink.ByteSink;
import dev.vigil.bench.flink.Family;
import dev.vigil.bench.flink.Reporter;
import dev.vigil.bench.flink.SimSeries;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;

/**
 * One process's registry as a remote write 1.0 request: a snappy-compressed
 * {@code prometheus.WriteRequest} with one time series per reporter series (its labels plus
 * {@code job=<group job>}, sorted by name, the way a Prometheus agent scraping the gateway would
 * send them) and one sample at the push time. The label part of every series is encoded once;
 * a push only appends the samples. Not thread-safe; one per worker.
 */
public final class RemoteWriteBody {
    private final ByteSink raw = new ByteSink(1 << 20);
    private byte[] compressed = new byte[1 << 20];
    private int compressedLength;
    private final java.util.IdentityHashMap<Reporter, Encoded> encoded = new java.util.IdentityHashMap<>();

    /** A reporter's label blocks, valid while its series' rendered prefixes are the same arrays. */
    private record Encoded(byte[][] blocks, byte[][] prefixes) {
        boolean current(Reporter r) {
            int i = 0;
            for (Family f : r.families()) {
                for (SimSeries s : f.series()) {
                    if (i >= prefixes.length || s.prefix() != prefixes[i++]) {
                        return false;
                    }
                }
            }
            return i == prefixes.length;
        }
    }

    /** Encodes the reporter's current values at {@code timestampMs} and compresses them. */
    public void render(Reporter r, long timestampMs) throws IOException {
        Encoded e = encoded.get(r);
        if (e == null || !e.current(r)) {
            e = encodeLabels(r); // new series or new label values (a restarted job)
            encoded.put(r, e);
        }
        byte[][] blocks = e.blocks();
        raw.reset();
        byte[] tmp = new byte[32];
        int i = 0;
        for (Family f : r.families()) {
            for (SimSeries s : f.series()) {
                byte[] labels = blocks[i++];
                // Sample { double value = 1; int64 timestamp = 2; }
                int sampleLen = 1 + 8 + 1 + varintSize(timestampMs);
                int seriesLen = labels.length + 1 + varintSize(sampleLen) + sampleLen;
                int n = 0;
                tmp[n++] = 0x0a; // WriteRequest.timeseries = 1
                n = putVarint(tmp, n, seriesLen);
                raw.write(tmp, n);
                raw.write(labels);
                n = 0;
                tmp[n++] = 0x12; // TimeSeries.samples = 2
                n = putVarint(tmp, n, sampleLen);
                tmp[n++] = 0x09; // Sample.value = 1, fixed64
                long bits = Double.doubleToRawLongBits(s.value());
                for (int k = 0; k < 8; k++) {
                    tmp[n++] = (byte) (bits >>> (8 * k));
                }
                tmp[n++] = 0x10; // Sample.timestamp = 2, varint
                n = putVarint(tmp, n, timestampMs);
                raw.write(tmp, n);
            }
        }
        int max = Snappy.maxCompressedLength(raw.length());
        if (compressed.length < max) {
            compressed = new byte[max];
        }
        compressedLength = Snappy.compress(raw.array(), 0, raw.length(), compressed, 0);
    }

    public byte[] array() {
        return compressed;
    }

    public int length() {
        return compressedLength;
    }

    /** Per series in render order: its {@code TimeSeries.labels} entries, sorted by name. */
    private static Encoded encodeLabels(Reporter r) {
        List<byte[]> out = new ArrayList<>();
        List<byte[]> prefixes = new ArrayList<>();
        for (Family f : r.families()) {
            for (SimSeries s : f.series()) {
                prefixes.add(s.prefix());
                TreeMap<String, String> labels = parse(s.labelText());
                labels.put("__name__", s.metric());
                labels.put("job", r.groupJob());
                ByteSink b = new ByteSink(512);
                byte[] tmp = new byte[16];
                for (var e : labels.entrySet()) {
                    if (e.getValue().isEmpty()) {
                        continue; // an empty value is no label
                    }
                    byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                    byte[] value = e.getValue().getBytes(StandardCharsets.UTF_8);
                    int labelLen = 1 + varintSize(name.length) + name.length + 1 + varintSize(value.length) + value.length;
                    int n = 0;
                    tmp[n++] = 0x0a; // TimeSeries.labels = 1
                    n = putVarint(tmp, n, labelLen);
                    tmp[n++] = 0x0a; // Label.name = 1
                    n = putVarint(tmp, n, name.length);
                    b.write(tmp, n);
                    b.write(name);
                    n = 0;
                    tmp[n++] = 0x12; // Label.value = 2
                    n = putVarint(tmp, n, value.length);
                    b.write(tmp, n);
                    b.write(value);
                }
                out.add(b.toByteArray());
            }
        }
        return new Encoded(out.toArray(new byte[0][]), prefixes.toArray(new byte[0][]));
    }

    /** {@code a="x",b="y",} (the reporter's notation, escapes resolved) into a map. */
    static TreeMap<String, String> parse(String text) {
        TreeMap<String, String> m = new TreeMap<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = text.substring(i, eq).trim();
            StringBuilder v = new StringBuilder();
            int j = eq + 2; // after ="
            while (j < n && text.charAt(j) != '"') {
                char c = text.charAt(j);
                if (c == '\\' && j + 1 < n) {
                    char e = text.charAt(++j);
                    v.append(e == 'n' ? '\n' : e);
                } else {
                    v.append(c);
                }
                j++;
            }
            m.put(name, v.toString());
            i = j + 1;
            if (i < n && text.charAt(i) == ',') {
                i++;
            }
        }
        return m;
    }

    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7fL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static int putVarint(byte[] b, int off, long v) {
        while ((v & ~0x7fL) != 0) {
            b[off++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        b[off++] = (byte) v;
        return off;
    }
}
