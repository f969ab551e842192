package dev.vigil.server.api;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.query.value.Matrix;
import dev.vigil.query.value.Sample;
import dev.vigil.query.value.Scalar;
import dev.vigil.query.value.SeriesData;
import dev.vigil.query.value.StringValue;
import dev.vigil.query.value.Value;
import dev.vigil.query.value.Vector;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.text.GoFloat;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Streams Prometheus API JSON straight to the response: the envelope, label sets, and points as
 * {@code [<seconds>, "<value>"]} with Prometheus's number formats ({@link GoFloat}).
 */
public final class ApiJson {
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private ApiJson() {
    }

    /** Writes the {@code data} member's value. */
    @FunctionalInterface
    public interface DataWriter {
        void write(JsonGenerator g) throws IOException;
    }

    public static JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return g;
    }

    /**
     * {@code {"status":"success","data":…,"warnings":[…]}}; warnings omitted when empty. Warnings
     * come after data, so a writer that stops at a limit can still report the truncation.
     */
    public static void success(OutputStream out, ApiResult.TruncatingWriter data, List<String> warnings) throws IOException {
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeStringField("status", "success");
            g.writeFieldName("data");
            boolean truncated = data.write(g);
            List<String> all = warnings;
            if (truncated) {
                all = new java.util.ArrayList<>(warnings);
                all.add(PrometheusApi.TRUNCATED);
            }
            writeWarnings(g, all);
            g.writeEndObject();
        }
    }

    /** {@code {"status":"error","errorType":"bad_data","error":"…"}}. */
    public static void error(OutputStream out, String errorType, String message, List<String> warnings) throws IOException {
        try (JsonGenerator g = generator(out)) {
            g.writeStartObject();
            g.writeStringField("status", "error");
            g.writeStringField("errorType", errorType);
            g.writeStringField("error", message);
            writeWarnings(g, warnings);
            g.writeEndObject();
        }
    }

    private static void writeWarnings(JsonGenerator g, List<String> warnings) throws IOException {
        if (warnings != null && !warnings.isEmpty()) {
            g.writeArrayFieldStart("warnings");
            for (String w : warnings) {
                g.writeString(w);
            }
            g.writeEndArray();
        }
    }

    /** {@code {"resultType":"…","result":…}} for a query result. */
    public static void queryData(JsonGenerator g, Value v) throws IOException {
        g.writeStartObject();
        PointText points = new PointText();
        if (v instanceof Scalar s) {
            // 2.42 encodes scalars apart from vector points: float seconds, 'f' values.
            g.writeStringField("resultType", "scalar");
            g.writeFieldName("result");
            g.writeStartArray();
            g.writeNumber(GoFloat.jsonSeconds(s.t()));
            g.writeString(GoFloat.formatFixed(s.v()));
            g.writeEndArray();
        } else if (v instanceof StringValue s) {
            g.writeStringField("resultType", "string");
            g.writeFieldName("result");
            g.writeStartArray();
            g.writeNumber(GoFloat.jsonSeconds(s.t()));
            g.writeString(s.s());
            g.writeEndArray();
        } else if (v instanceof Vector vec) {
            g.writeStringField("resultType", "vector");
            g.writeArrayFieldStart("result");
            for (Sample smp : vec.samples()) {
                g.writeStartObject();
                g.writeFieldName("metric");
                labels(g, smp.metric());
                g.writeFieldName("value");
                points.write(g, smp.t(), smp.v());
                g.writeEndObject();
            }
            g.writeEndArray();
        } else if (v instanceof Matrix m) {
            g.writeStringField("resultType", "matrix");
            g.writeArrayFieldStart("result");
            for (SeriesData s : m.series()) {
                g.writeStartObject();
                g.writeFieldName("metric");
                labels(g, s.metric());
                g.writeArrayFieldStart("values");
                long[] ts = s.timestamps();
                double[] vs = s.values();
                for (int i = 0; i < s.count(); i++) {
                    points.write(g, ts[i], vs[i]);
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** A label set as a JSON object in label order. */
    public static void labels(JsonGenerator g, Labels l) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < l.size(); i++) {
            g.writeStringField(l.name(i), l.value(i));
        }
        g.writeEndObject();
    }

    public static void strings(JsonGenerator g, Iterable<String> values) throws IOException {
        g.writeStartArray();
        for (String s : values) {
            g.writeString(s);
        }
        g.writeEndArray();
    }
}
