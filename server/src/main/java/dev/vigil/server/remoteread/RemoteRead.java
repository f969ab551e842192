package dev.vigil.server.remoteread;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.Storage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Answers remote-read queries from a {@link Storage} as Prometheus 2.42's read handler does:
 * equality matchers on an external label with its configured value select series that lack the
 * label (the store never holds it), and every answered series gets the external labels it lacks.
 */
public final class RemoteRead {
    /** A query that would return more samples than {@code --storage.remote.read-sample-limit}. */
    public static final class SampleLimitException extends Exception {
        private static final long serialVersionUID = 1L;

        SampleLimitException(long limit) {
            super("exceeded sample limit (" + limit + ")");
        }
    }

    private final Storage storage;
    private final Labels external;
    private final long sampleLimit;
    private final int maxBytesInFrame;

    /**
     * @param sampleLimit most samples one query of a {@code SAMPLES} response may hold; 0 = no limit
     * @param maxBytesInFrame about the most chunk and label bytes in one streamed frame
     */
    public RemoteRead(Storage storage, Labels externalLabels, long sampleLimit, int maxBytesInFrame) {
        this.storage = storage;
        this.external = externalLabels;
        this.sampleLimit = sampleLimit;
        this.maxBytesInFrame = maxBytesInFrame;
    }

    /** The first accepted type this server supports; none listed means {@code SAMPLES}. */
    public static int negotiate(List<Integer> accepted) throws ReadRequest.BadRequestException {
        if (accepted.isEmpty()) {
            return ReadRequest.SAMPLES;
        }
        for (int t : accepted) {
            if (t == ReadRequest.SAMPLES || t == ReadRequest.STREAMED_XOR_CHUNKS) {
                return t;
            }
        }
        throw new ReadRequest.BadRequestException("server does not support any of the requested response types: "
                + accepted + "; supported: [SAMPLES STREAMED_XOR_CHUNKS]");
    }

    /** The uncompressed {@code ReadResponse}: one {@code QueryResult} per query, in order. */
    public byte[] samples(ReadRequest req) throws SampleLimitException, IOException {
        ByteArrayOutputStream resp = new ByteArrayOutputStream(4096);
        CodedOutputStream out = CodedOutputStream.newInstance(resp);
        ByteArrayOutputStream qrBuf = new ByteArrayOutputStream(4096);
        ByteArrayOutputStream tsBuf = new ByteArrayOutputStream(1024);
        long[] ts = new long[256];
        double[] vs = new double[256];
        for (ReadRequest.Query q : req.queries()) {
            qrBuf.reset();
            CodedOutputStream qr = CodedOutputStream.newInstance(qrBuf);
            long total = 0;
            try (Querier querier = storage.querier(q.startMs(), q.endMs())) {
                SeriesSet ss = querier.select(false, hints(q), filter(q.matchers()));
                SampleIterator it = null;
                while (ss.next()) {
                    Series s = ss.at();
                    it = s.iterator(it);
                    int n = 0;
                    while (it.next()) {
                        if (sampleLimit > 0 && ++total > sampleLimit) {
                            throw new SampleLimitException(sampleLimit);
                        }
                        if (n == ts.length) {
                            ts = Arrays.copyOf(ts, n * 2);
                            vs = Arrays.copyOf(vs, n * 2);
                        }
                        ts[n] = it.t();
                        vs[n] = it.v();
                        n++;
                    }
                    tsBuf.reset();
                    CodedOutputStream series = CodedOutputStream.newInstance(tsBuf);
                    writeLabels(series, merge(s.labels()));
                    for (int i = 0; i < n; i++) {
                        series.writeTag(2, WireFormat.WIRETYPE_LENGTH_DELIMITED);
                        series.writeUInt32NoTag(CodedOutputStream.computeDoubleSize(1, vs[i])
                                + CodedOutputStream.computeInt64Size(2, ts[i]));
                        series.writeDouble(1, vs[i]);
                        series.writeInt64(2, ts[i]);
                    }
                    series.flush();
                    qr.writeByteArray(1, tsBuf.toByteArray());
                }
            }
            qr.flush();
            out.writeByteArray(1, qrBuf.toByteArray());
        }
        out.flush();
        return resp.toByteArray();
    }

    /**
     * Streams each query's series, sorted, as {@code ChunkedReadResponse} frames: one series per
     * frame, split over several frames when its chunks pass the frame size.
     */
    public void streamChunks(ReadRequest req, ChunkedFrames frames) throws IOException {
        PromXorChunk chunk = new PromXorChunk();
        List<byte[]> chunks = new ArrayList<>();
        ByteArrayOutputStream msgBuf = new ByteArrayOutputStream(8192);
        for (int qi = 0; qi < req.queries().size(); qi++) {
            ReadRequest.Query q = req.queries().get(qi);
            try (Querier querier = storage.querier(q.startMs(), q.endMs())) {
                SeriesSet ss = querier.select(true, hints(q), filter(q.matchers()));
                SampleIterator it = null;
                while (ss.next()) {
                    Series s = ss.at();
                    Labels l = merge(s.labels());
                    int labelBytes = labelsSize(l);
                    int budget = maxBytesInFrame - labelBytes;
                    int left = budget;
                    it = s.iterator(it);
                    chunks.clear();
                    boolean more = it.next();
                    while (more) {
                        chunk.reset();
                        do {
                            chunk.append(it.t(), it.v());
                            more = it.next();
                        } while (more && !chunk.isFull());
                        byte[] c = chunkMessage(chunk);
                        chunks.add(c);
                        left -= c.length;
                        if (left > 0 && more) {
                            continue;
                        }
                        frames.write(frame(msgBuf, l, chunks, qi));
                        chunks.clear();
                        left = budget;
                    }
                }
            }
        }
    }

    private static byte[] chunkMessage(PromXorChunk c) throws IOException {
        byte[] data = c.toBytes();
        ByteArrayOutputStream b = new ByteArrayOutputStream(data.length + 32);
        CodedOutputStream o = CodedOutputStream.newInstance(b);
        o.writeInt64(1, c.minTime());
        o.writeInt64(2, c.maxTime());
        o.writeEnum(3, 1); // XOR
        o.writeByteArray(4, data);
        o.flush();
        return b.toByteArray();
    }

    private static byte[] frame(ByteArrayOutputStream buf, Labels l, List<byte[]> chunks, int queryIndex) throws IOException {
        ByteArrayOutputStream series = new ByteArrayOutputStream(4096);
        CodedOutputStream s = CodedOutputStream.newInstance(series);
        writeLabels(s, l);
        for (byte[] c : chunks) {
            s.writeByteArray(2, c);
        }
        s.flush();
        buf.reset();
        CodedOutputStream o = CodedOutputStream.newInstance(buf);
        o.writeByteArray(1, series.toByteArray());
        if (queryIndex != 0) {
            o.writeInt64(2, queryIndex);
        }
        o.flush();
        return buf.toByteArray();
    }

    private static void writeLabels(CodedOutputStream o, Labels l) throws IOException {
        for (int i = 0; i < l.size(); i++) {
            o.writeTag(1, WireFormat.WIRETYPE_LENGTH_DELIMITED);
            o.writeUInt32NoTag(labelSize(l, i));
            o.writeString(1, l.name(i));
            o.writeString(2, l.value(i));
        }
    }

    private static int labelSize(Labels l, int i) {
        return CodedOutputStream.computeStringSize(1, l.name(i)) + CodedOutputStream.computeStringSize(2, l.value(i));
    }

    private static int labelsSize(Labels l) {
        int n = 0;
        for (int i = 0; i < l.size(); i++) {
            n += labelSize(l, i);
        }
        return n;
    }

    private static SelectHints hints(ReadRequest.Query q) {
        return q.hints() != null ? q.hints() : new SelectHints(q.startMs(), q.endMs(), 0, 0, null);
    }

    /** An equality matcher on an external label's own value selects series without the label. */
    Matcher[] filter(List<Matcher> ms) {
        Matcher[] out = new Matcher[ms.size()];
        for (int i = 0; i < out.length; i++) {
            Matcher m = ms.get(i);
            boolean onExternal = m.type() == Matcher.Type.EQ && external.has(m.name())
                    && external.get(m.name()).equals(m.value());
            out[i] = onExternal ? Matcher.eq(m.name(), "") : m;
        }
        return out;
    }

    /** The series' labels plus the external labels it lacks; its own win. */
    Labels merge(Labels l) {
        if (external.isEmpty()) {
            return l;
        }
        Labels.Builder b = external.toBuilder();
        l.forEach(b::set);
        return b.build();
    }

}
