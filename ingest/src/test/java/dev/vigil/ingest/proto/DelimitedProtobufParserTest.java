package dev.vigil.ingest.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.ParseSink;
import dev.vigil.tsdb.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-encoded {@code MetricFamily} messages (protobuf-java as the encoder): timestamps, order, and every rejection. */
class DelimitedProtobufParserTest {
    interface Body {
        void write(CodedOutputStream out) throws IOException;
    }

    static byte[] message(Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        body.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] delimited(byte[]... messages) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        for (byte[] m : messages) {
            out.writeUInt32NoTag(m.length);
            out.writeRawBytes(m);
        }
        out.flush();
        return bytes.toByteArray();
    }

    static byte[] label(String name, String value) throws IOException {
        return message(o -> {
            o.writeString(1, name);
            o.writeString(2, value);
        });
    }

    static byte[] gaugeMetric(double v, byte[]... labels) throws IOException {
        return message(o -> {
            for (byte[] l : labels) {
                o.writeByteArray(1, l);
            }
            o.writeByteArray(2, message(g -> g.writeDouble(1, v)));
        });
    }

    record S(String family, Labels labels, double value, boolean hasTs, long ts) {
    }

    static List<S> parse(byte[] body) throws ExpositionException {
        List<S> out = new ArrayList<>();
        new DelimitedProtobufParser().parse(body, 0, body.length, new ParseSink() {
            @Override
            public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
                throw new AssertionError("the family overload is called");
            }

            @Override
            public void sample(String family, Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
                out.add(new S(family, labels, value, hasTimestamp, timestampMs));
            }
        });
        return out;
    }

    @Test
    void metricsBeforeTheNameAndTimestamps() throws Exception {
        byte[] withTs = message(o -> {
            o.writeByteArray(1, label("tm_id", "a"));
            o.writeByteArray(1, label("host", ""));
            o.writeByteArray(2, message(g -> g.writeDouble(1, 4.7092048E7)));
            o.writeInt64(6, 1700000000123L);
        });
        byte[] family = message(o -> {
            o.writeByteArray(4, withTs); // metric before name and type: field order is free
            o.writeString(1, "heap_used");
            o.writeEnum(3, 1);
        });
        List<S> got = parse(delimited(family));
        assertEquals(List.of(new S("heap_used", Labels.of("__name__", "heap_used", "tm_id", "a"), 4.7092048E7, true, 1700000000123L)), got);
    }

    @Test
    void unsetTypeIsCounterAsInTheProtoDefault() throws Exception {
        byte[] family = message(o -> {
            o.writeString(1, "c_total");
            o.writeByteArray(4, message(m -> m.writeByteArray(3, message(c -> c.writeDouble(1, 7)))));
        });
        assertEquals(7.0, parse(delimited(family)).get(0).value());
    }

    private static void rejects(String what, byte[] body) {
        ExpositionException e = assertThrows(ExpositionException.class, () -> parse(body));
        assertEquals(what, e.getMessage());
    }

    @Test
    void rejections() throws Exception {
        byte[] ok = message(o -> {
            o.writeString(1, "g");
            o.writeEnum(3, 1);
            o.writeByteArray(4, gaugeMetric(1));
        });
        byte[] body = delimited(ok);
        rejects("protobuf family 1: unexpected end of data (truncated message)", Arrays.copyOf(body, body.length - 3));
        rejects("protobuf family 1: metric family without a name", delimited(message(o -> o.writeEnum(3, 1))));
        rejects("protobuf family 1: invalid metric name \"bad-name\"", delimited(message(o -> o.writeString(1, "bad-name"))));
        rejects("protobuf family 1 (\"g\"), metric 1: expected a gauge value in the metric", delimited(message(o -> {
            o.writeString(1, "g");
            o.writeEnum(3, 1);
            o.writeByteArray(4, message(m -> m.writeByteArray(3, message(c -> c.writeDouble(1, 7)))));
        })));
        rejects("protobuf family 2 (\"g\"), metric 1: duplicate label name \"a\"", delimited(ok, message(o -> {
            o.writeString(1, "g");
            o.writeEnum(3, 1);
            o.writeByteArray(4, gaugeMetric(1, label("a", "1"), label("a", "2")));
        })));
        rejects("protobuf family 1 (\"g\"), metric 1: invalid label name \"1a\"", delimited(message(o -> {
            o.writeString(1, "g");
            o.writeEnum(3, 1);
            o.writeByteArray(4, gaugeMetric(1, label("1a", "1")));
        })));
        rejects("protobuf family 1 (\"g\"), metric 1: label value is not valid UTF-8", delimited(message(o -> {
            o.writeString(1, "g");
            o.writeEnum(3, 1);
            o.writeByteArray(4, gaugeMetric(1, message(l -> {
                l.writeString(1, "a");
                l.writeBytes(2, ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xfe}));
            })));
        })));
        rejects("protobuf family 1: unknown metric type 9", delimited(message(o -> {
            o.writeString(1, "g");
            o.writeEnum(3, 9);
        })));
        ExpositionException e = assertThrows(ExpositionException.class, () -> parse(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}));
        assertTrue(e.getMessage().startsWith("protobuf family 1: message of"), e.getMessage());
    }
}
