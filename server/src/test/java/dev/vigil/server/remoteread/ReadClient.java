package dev.vigil.server.remoteread;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import dev.vigil.tsdb.prometheus.XorChunkDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/** A remote-read client written from the prompb messages, for tests of what the server sends. */
final class ReadClient {
    /** A matcher as sent: type 0 EQ, 1 NEQ, 2 RE, 3 NRE. */
    record M(int type, String name, String value) {
    }

    /** One query of a request. */
    record Q(long start, long end, List<M> matchers) {
    }

    /** One series of an answer: labels in order, samples as "t v-bits", chunk sample counts. */
    record S(Map<String, String> labels, List<Long> t, List<Double> v, List<Integer> chunkSizes) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final String url;

    ReadClient(String base) {
        this.url = base + "/api/v1/read";
    }

    static byte[] request(List<Q> queries, int... accepted) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        CodedOutputStream o = CodedOutputStream.newInstance(bo);
        for (Q q : queries) {
            ByteArrayOutputStream qb = new ByteArrayOutputStream();
            CodedOutputStream qo = CodedOutputStream.newInstance(qb);
            qo.writeInt64(1, q.start());
            qo.writeInt64(2, q.end());
            for (M m : q.matchers()) {
                ByteArrayOutputStream mb = new ByteArrayOutputStream();
                CodedOutputStream mo = CodedOutputStream.newInstance(mb);
                mo.writeEnum(1, m.type());
                mo.writeString(2, m.name());
                mo.writeString(3, m.value());
                mo.flush();
                qo.writeByteArray(3, mb.toByteArray());
            }
            qo.flush();
            o.writeByteArray(1, qb.toByteArray());
        }
        for (int a : accepted) {
            o.writeEnum(2, a);
        }
        o.flush();
        return Snappy.compress(bo.toByteArray());
    }

    HttpResponse<byte[]> post(byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", "snappy").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Decodes a streamed answer into the series of each query index, checking each frame's CRC. */
    static Map<Integer, List<S>> streamed(byte[] body) throws IOException {
        Map<Integer, List<S>> out = new TreeMap<>();
        CodedInputStream in = CodedInputStream.newInstance(body);
        while (!in.isAtEnd()) {
            int len = in.readRawVarint32();
            int crc = (in.readRawByte() & 0xff) << 24 | (in.readRawByte() & 0xff) << 16 | (in.readRawByte() & 0xff) << 8
                    | in.readRawByte() & 0xff;
            byte[] msg = in.readRawBytes(len);
            CRC32C c = new CRC32C();
            c.update(msg);
            if ((int) c.getValue() != crc) {
                throw new IOException("frame CRC mismatch");
            }
            CodedInputStream m = CodedInputStream.newInstance(msg);
            int query = 0;
            List<S> series = new ArrayList<>();
            int tag;
            while ((tag = m.readTag()) != 0) {
                if (tag >>> 3 == 1) {
                    series.add(chunkedSeries(m.readByteArray()));
                } else if (tag >>> 3 == 2) {
                    query = (int) m.readInt64();
                } else {
                    m.skipField(tag);
                }
            }
            out.computeIfAbsent(query, k -> new ArrayList<>()).addAll(series);
        }
        return out;
    }

    private static S chunkedSeries(byte[] b) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(b);
        Map<String, String> labels = new java.util.LinkedHashMap<>();
        List<Long> t = new ArrayList<>();
        List<Double> v = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        int tag;
        while ((tag = in.readTag()) != 0) {
            if (tag >>> 3 == 1) {
                CodedInputStream l = CodedInputStream.newInstance(in.readByteArray());
                String name = "";
                String value = "";
                int lt;
                while ((lt = l.readTag()) != 0) {
                    if (lt >>> 3 == 1) {
                        name = l.readString();
                    } else {
                        value = l.readString();
                    }
                }
                labels.put(name, value);
            } else if (tag >>> 3 == 2) {
                CodedInputStream c = CodedInputStream.newInstance(in.readByteArray());
                long min = 0;
                long max = 0;
                int enc = 0;
                byte[] data = null;
                int ct;
                while ((ct = c.readTag()) != 0) {
                    switch (ct >>> 3) {
                        case 1 -> min = c.readInt64();
                        case 2 -> max = c.readInt64();
                        case 3 -> enc = c.readEnum();
                        default -> data = c.readByteArray();
                    }
                }
                if (enc != 1) {
                    throw new IOException("chunk encoding " + enc);
                }
                XorChunkDecoder.Samples s = XorChunkDecoder.decode(data);
                if (s.t().get(0) != min || s.t().get(s.t().size() - 1) != max) {
                    throw new IOException("chunk min/max time do not match its samples");
                }
                t.addAll(s.t());
                v.addAll(s.v());
                sizes.add(s.t().size());
            } else {
                in.skipField(tag);
            }
        }
        return new S(labels, t, v, sizes);
    }
}
