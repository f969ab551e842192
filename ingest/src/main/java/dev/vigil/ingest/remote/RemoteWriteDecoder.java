package dev.vigil.ingest.remote;

import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.proto.ProtoReader;
import dev.vigil.ingest.text.DuplicateNames;
import dev.vigil.ingest.text.Interner;
import dev.vigil.ingest.text.SeriesCache;
import dev.vigil.ingest.text.SharedSeriesCache;
import dev.vigil.ingest.text.Utf8;
import dev.vigil.tsdb.Labels;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import org.xerial.snappy.Snappy;

/**
 * Remote write 1.0: a snappy block-compressed {@code prometheus.WriteRequest}. Time series are
 * decoded one at a time from the buffer and handed to a {@link Sink} with reused arrays, so a
 * request never becomes an object graph. A series' raw label bytes are cached: the same series
 * arriving in the next request costs a hash and a compare, not a label set build.
 *
 * <p>Checks (each a 4xx naming the series): at least one label; {@code __name__} present and a
 * valid metric name; label names valid and unique (order is free); UTF-8 strings; no native
 * histograms (not stored; refusing them is better than dropping them silently). Labels with an
 * empty value are dropped. Exemplars are skipped. Not thread-safe; reusable.
 */
public final class RemoteWriteDecoder {
    /** Receives what a request holds, in order. */
    public interface Sink {
        /**
         * One time series. {@code timestamps} and {@code values} are reused after the call;
         * {@code index} is the 1-based position of the series in the request.
         */
        void series(Labels labels, long[] timestamps, double[] values, int count, int index);

        /** A metadata entry (type in lower case as in exposition: counter, gauge, ...). */
        default void metadata(String family, String type, String help, String unit) {
        }
    }

    /** Largest decompressed request accepted by default (the reference ingesters use 32 MiB). */
    public static final int DEFAULT_MAX_BYTES = 64 << 20;

    private static final String[] TYPES = {"unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset"};

    private final int maxBytes;
    private final Interner names = new Interner(8192);
    private final Interner values = new Interner(32768);
    private final SeriesCache cache = new SeriesCache();
    /** The caller's cache shared by all threads for the current call, or null for this decoder's own. */
    private SharedSeriesCache shared;
    private final ProtoReader top = new ProtoReader();
    private final ProtoReader ts = new ProtoReader();
    private final ProtoReader sub = new ProtoReader();
    private byte[] raw = new byte[64 << 10];
    private long[] times = new long[64];
    private double[] vals = new double[64];
    private final DuplicateNames seen = new DuplicateNames();
    private String[] kv = new String[32];

    public RemoteWriteDecoder() {
        this(DEFAULT_MAX_BYTES);
    }

    public RemoteWriteDecoder(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Why the headers do not describe a remote write 1.0 request, or null when they do. Absent
     * headers are tolerated (some senders omit them); wrong ones are not (see
     * {@link RemoteWriteAppender#check}, which tells a wrong format from a wrong version).
     */
    public static String checkHeaders(String contentType, String contentEncoding, String version) {
        if (contentEncoding != null && !contentEncoding.trim().equalsIgnoreCase("snappy")) {
            return "remote write needs Content-Encoding: snappy, got \"" + contentEncoding + "\"";
        }
        if (contentType != null) {
            String[] parts = contentType.split(";");
            if (!parts[0].trim().equalsIgnoreCase("application/x-protobuf")) {
                return "remote write needs Content-Type: application/x-protobuf, got \"" + contentType + "\"";
            }
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].trim().toLowerCase(Locale.ROOT);
                if (p.startsWith("proto=") && !p.equals("proto=prometheus.writerequest")) {
                    return "only remote write 1.0 (proto=prometheus.WriteRequest) is supported, got \"" + contentType + "\"";
                }
            }
        }
        if (version != null && !version.trim().startsWith("0.1.")) {
            return "unsupported X-Prometheus-Remote-Write-Version \"" + version + "\", expected 0.1.0";
        }
        return null;
    }

    /**
     * Decodes a snappy-compressed body, looking series up in {@code sharedCache} (one for all of a
     * server's threads) instead of this decoder's own cache.
     */
    public void decode(byte[] body, int off, int len, Sink sink, SharedSeriesCache sharedCache) throws ExpositionException {
        shared = sharedCache;
        try {
            decode(body, off, len, sink);
        } finally {
            shared = null;
        }
    }

    /**
     * The decoded length a snappy block declares in its preamble (a varint of at most 32 bits),
     * or -1 when the preamble is not one; reads five bytes at most.
     */
    public static long declaredLength(byte[] body, int off, int len) {
        long n = 0;
        for (int i = 0; i < 5 && i < len; i++) {
            int b = body[off + i] & 0xff;
            n |= (long) (b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0) {
                return n <= 0xffffffffL ? n : -1;
            }
        }
        return -1;
    }

    /** Decodes a snappy-compressed body. */
    public void decode(byte[] body, int off, int len, Sink sink) throws ExpositionException {
        int n;
        try {
            if (!Snappy.isValidCompressedBuffer(body, off, len)) {
                throw ExpositionException.of("remote write: body is not snappy block-compressed data");
            }
            n = Snappy.uncompressedLength(body, off, len);
            if (n < 0 || n > maxBytes) {
                throw ExpositionException.of("remote write: decompressed body of " + n + " bytes exceeds the limit of " + maxBytes);
            }
            if (raw.length < n) {
                raw = new byte[Math.max(n, raw.length * 2)];
            }
            n = Snappy.uncompress(body, off, len, raw, 0);
        } catch (IOException e) {
            throw ExpositionException.of("remote write: corrupt snappy data (" + e.getMessage() + ")");
        }
        decodeUncompressed(raw, 0, n, sink);
        if (raw.length > (16 << 20)) {
            raw = new byte[64 << 10]; // do not keep a huge buffer for one huge request
        }
    }

    /** Decodes an already decompressed {@code WriteRequest}. */
    public void decodeUncompressed(byte[] b, int off, int len, Sink sink) throws ExpositionException {
        top.reset(b, off, off + len, "remote write request");
        int index = 0;
        while (top.hasMore()) {
            int tag = top.tag();
            switch (tag >>> 3) {
                case 1 -> {
                    top.expect(tag, ProtoReader.LEN);
                    int s = top.delimited();
                    series(b, s, top.position(), ++index, sink);
                }
                case 3 -> {
                    top.expect(tag, ProtoReader.LEN);
                    int s = top.delimited();
                    metadata(b, s, top.position(), sink);
                }
                default -> top.skip(tag & 7);
            }
        }
    }

    private void series(byte[] b, int start, int end, int index, Sink sink) throws ExpositionException {
        String where = "remote write series " + index;
        ts.reset(b, start, end, where);
        int labelsFrom = -1;
        int labelsTo = -1;
        boolean contiguous = true;
        int count = 0;
        while (ts.hasMore()) {
            int fieldStart = ts.position();
            int tag = ts.tag();
            switch (tag >>> 3) {
                case 1 -> {
                    ts.expect(tag, ProtoReader.LEN);
                    ts.delimited();
                    if (labelsFrom < 0) {
                        labelsFrom = fieldStart;
                    } else if (labelsTo != fieldStart) {
                        contiguous = false;
                    }
                    labelsTo = ts.position();
                }
                case 2 -> {
                    ts.expect(tag, ProtoReader.LEN);
                    int s = ts.delimited();
                    sample(b, s, ts.position(), count++, where);
                }
                case 4 -> throw ExpositionException.of(where + ": native histograms are not supported");
                default -> ts.skip(tag & 7);
            }
        }
        if (labelsFrom < 0) {
            throw ExpositionException.of(where + ": series without labels");
        }
        Labels labels = null;
        int h = 0;
        if (contiguous) {
            h = SeriesCache.hash(b, labelsFrom, labelsTo, 0);
            labels = (Labels) (shared != null ? shared.get(b, labelsFrom, labelsTo, 0, h) : cache.get(b, labelsFrom, labelsTo, 0, h));
        }
        if (labels == null) {
            labels = labels(b, start, end, where);
            if (contiguous) {
                if (shared != null) {
                    shared.put(b, labelsFrom, labelsTo, 0, h, labels);
                } else {
                    cache.put(b, labelsFrom, labelsTo, 0, h, labels);
                }
            }
        }
        if (count > 0) {
            sink.series(labels, times, vals, count, index);
        }
    }

    private void sample(byte[] b, int start, int end, int i, String where) throws ExpositionException {
        if (i == times.length) {
            times = Arrays.copyOf(times, i * 2);
            vals = Arrays.copyOf(vals, i * 2);
        }
        sub.reset(b, start, end, where + " sample");
        double v = 0;
        long t = 0;
        while (sub.hasMore()) {
            int tag = sub.tag();
            switch (tag >>> 3) {
                case 1 -> {
                    sub.expect(tag, ProtoReader.FIXED64);
                    v = sub.fixed64AsDouble();
                }
                case 2 -> {
                    sub.expect(tag, ProtoReader.VARINT);
                    t = sub.varint();
                }
                default -> sub.skip(tag & 7);
            }
        }
        times[i] = t;
        vals[i] = v;
    }

    /** The slow path: every label of the series, checked. */
    private Labels labels(byte[] b, int start, int end, String where) throws ExpositionException {
        ts.reset(b, start, end, where);
        seen.reset();
        int n = 0;
        boolean hasName = false;
        while (ts.hasMore()) {
            int tag = ts.tag();
            if (tag >>> 3 != 1) {
                ts.skip(tag & 7);
                continue;
            }
            int s = ts.delimited();
            sub.reset(b, s, ts.position(), where + " label");
            String name = "";
            int vs = 0;
            int ve = 0;
            while (sub.hasMore()) {
                int t = sub.tag();
                switch (t >>> 3) {
                    case 1 -> {
                        sub.expect(t, ProtoReader.LEN);
                        int ns = sub.delimited();
                        if (!Utf8.isValid(b, ns, sub.position())) {
                            throw ExpositionException.of(where + ": label name is not valid UTF-8");
                        }
                        name = names.intern(b, ns, sub.position() - ns);
                    }
                    case 2 -> {
                        sub.expect(t, ProtoReader.LEN);
                        vs = sub.delimited();
                        ve = sub.position();
                    }
                    default -> sub.skip(t & 7);
                }
            }
            if (!Utf8.isValid(b, vs, ve)) {
                throw ExpositionException.of(where + ": value of label \"" + name + "\" is not valid UTF-8");
            }
            String value = vs == ve ? "" : values.intern(b, vs, ve - vs);
            if (name.equals(Labels.METRIC_NAME)) {
                if (!validName(value, true)) {
                    throw ExpositionException.of(where + ": invalid metric name \"" + value + "\"");
                }
                hasName = true;
            } else if (!validName(name, false)) {
                throw ExpositionException.of(where + ": invalid label name \"" + name + "\"");
            }
            if (!seen.add(name)) {
                throw ExpositionException.of(where + ": duplicate label name \"" + name + "\"");
            }
            if (n + 2 > kv.length) {
                kv = Arrays.copyOf(kv, kv.length * 2);
            }
            kv[n++] = name;
            kv[n++] = value;
        }
        Labels labels = Labels.of(Arrays.copyOf(kv, n));
        if (!hasName) {
            throw ExpositionException.of(where + " " + labels + ": no __name__ label");
        }
        return labels;
    }

    private void metadata(byte[] b, int start, int end, Sink sink) throws ExpositionException {
        sub.reset(b, start, end, "remote write metadata");
        int type = 0;
        String family = "";
        String help = "";
        String unit = "";
        while (sub.hasMore()) {
            int tag = sub.tag();
            switch (tag >>> 3) {
                case 1 -> {
                    sub.expect(tag, ProtoReader.VARINT);
                    long t = sub.varint();
                    type = t >= 0 && t < TYPES.length ? (int) t : 0;
                }
                case 2, 4, 5 -> {
                    sub.expect(tag, ProtoReader.LEN);
                    int s = sub.delimited();
                    if (!Utf8.isValid(b, s, sub.position())) {
                        throw ExpositionException.of("remote write metadata: text is not valid UTF-8");
                    }
                    String text = new String(b, s, sub.position() - s, java.nio.charset.StandardCharsets.UTF_8);
                    switch (tag >>> 3) {
                        case 2 -> family = text;
                        case 4 -> help = text;
                        default -> unit = text;
                    }
                }
                default -> sub.skip(tag & 7);
            }
        }
        if (!family.isEmpty()) {
            sink.metadata(family, TYPES[type], help, unit);
        }
    }

    private static boolean validName(String s, boolean metric) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (metric && c == ':')
                    || (i > 0 && c >= '0' && c <= '9');
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
