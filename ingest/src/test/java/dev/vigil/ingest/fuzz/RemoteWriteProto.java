package dev.vigil.ingest.fuzz;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumDescriptorProto;
import com.google.protobuf.DescriptorProtos.EnumValueDescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.vigil.ingest.remote.RemoteWriteDecoder;
import dev.vigil.tsdb.Labels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Remote write 1.0's {@code prometheus.WriteRequest} read by protobuf-java itself (a
 * {@link DynamicMessage} over the messages of Prometheus's {@code prompb/types.proto} and
 * {@code remote.proto}, proto3), and written back: the second decode path the fuzz target
 * compares Vigil's decoder with.
 */
final class RemoteWriteProto {
    /** The metric types in enum order, lower case as the decoder names them. */
    static final List<String> TYPES = List.of("unknown", "counter", "gauge", "histogram", "gaugehistogram", "summary", "info", "stateset");

    private static final Descriptor WRITE_REQUEST = descriptors().findMessageTypeByName("WriteRequest");

    /** What a request holds: each series with samples (as the decoder reports them) and each named metadata entry. */
    record Content(List<String> series, List<String> metadata) {
    }

    private RemoteWriteProto() {
    }

    /** Parses {@code data} with protobuf-java; throws when it is no valid {@code WriteRequest}. */
    static Content parse(byte[] data) throws InvalidProtocolBufferException {
        DynamicMessage m = DynamicMessage.parseFrom(WRITE_REQUEST, data);
        List<String> series = new ArrayList<>();
        FieldDescriptor tsField = WRITE_REQUEST.findFieldByName("timeseries");
        for (int i = 0; i < m.getRepeatedFieldCount(tsField); i++) {
            DynamicMessage ts = (DynamicMessage) m.getRepeatedField(tsField, i);
            Descriptor d = ts.getDescriptorForType();
            List<String> kv = new ArrayList<>();
            for (Object o : (List<?>) ts.getField(d.findFieldByName("labels"))) {
                DynamicMessage l = (DynamicMessage) o;
                kv.add((String) l.getField(l.getDescriptorForType().findFieldByName("name")));
                kv.add((String) l.getField(l.getDescriptorForType().findFieldByName("value")));
            }
            List<?> samples = (List<?>) ts.getField(d.findFieldByName("samples"));
            if (samples.isEmpty()) {
                continue; // the decoder hands on only series with samples
            }
            long[] t = new long[samples.size()];
            double[] v = new double[samples.size()];
            for (int j = 0; j < samples.size(); j++) {
                DynamicMessage s = (DynamicMessage) samples.get(j);
                v[j] = (Double) s.getField(s.getDescriptorForType().findFieldByName("value"));
                t[j] = (Long) s.getField(s.getDescriptorForType().findFieldByName("timestamp"));
            }
            series.add(series(i + 1, Labels.of(kv.toArray(new String[0])), t, v, samples.size()));
        }
        List<String> metadata = new ArrayList<>();
        for (Object o : (List<?>) m.getField(WRITE_REQUEST.findFieldByName("metadata"))) {
            DynamicMessage md = (DynamicMessage) o;
            Descriptor d = md.getDescriptorForType();
            String family = (String) md.getField(d.findFieldByName("metric_family_name"));
            if (family.isEmpty()) {
                continue; // the decoder hands on only named entries
            }
            int type = ((Descriptors.EnumValueDescriptor) md.getField(d.findFieldByName("type"))).getNumber();
            metadata.add(metadata(family, type >= 0 && type < TYPES.size() ? TYPES.get(type) : "unknown",
                    (String) md.getField(d.findFieldByName("help")), (String) md.getField(d.findFieldByName("unit"))));
        }
        return new Content(series, metadata);
    }

    /** One series as compared: its 1-based position, labels, and each sample's timestamp and value bits. */
    static String series(int index, Labels labels, long[] t, double[] v, int count) {
        StringBuilder sb = new StringBuilder().append(index).append(' ').append(labels);
        for (int i = 0; i < count; i++) {
            sb.append(' ').append(t[i]).append('@').append(Double.doubleToRawLongBits(v[i]));
        }
        return sb.toString();
    }

    static String metadata(String family, String type, String help, String unit) {
        return family + "/" + type + "/" + help + "/" + unit;
    }

    /** Records what Vigil's decoder reads in the form {@link #parse} gives, and writes it back as a request. */
    static final class Recorder implements RemoteWriteDecoder.Sink {
        final List<String> series = new ArrayList<>();
        final List<String> metadata = new ArrayList<>();
        private final ByteArrayOutputStream written = new ByteArrayOutputStream();
        private final CodedOutputStream out = CodedOutputStream.newInstance(written);

        Content content() {
            return new Content(series, metadata);
        }

        /** What was read, as an uncompressed {@code WriteRequest}. */
        byte[] request() {
            try {
                out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return written.toByteArray();
        }

        @Override
        public void series(Labels labels, long[] timestamps, double[] values, int count, int index) {
            series.add(RemoteWriteProto.series(index, labels, timestamps, values, count));
            try {
                ByteArrayOutputStream ts = new ByteArrayOutputStream();
                CodedOutputStream o = CodedOutputStream.newInstance(ts);
                for (int i = 0; i < labels.size(); i++) {
                    o.writeByteArray(1, label(labels.name(i), labels.value(i)));
                }
                for (int i = 0; i < count; i++) {
                    o.writeByteArray(2, sample(values[i], timestamps[i]));
                }
                o.flush();
                out.writeByteArray(1, ts.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void metadata(String family, String type, String help, String unit) {
            metadata.add(RemoteWriteProto.metadata(family, type, help, unit));
            try {
                ByteArrayOutputStream md = new ByteArrayOutputStream();
                CodedOutputStream o = CodedOutputStream.newInstance(md);
                o.writeEnum(1, TYPES.indexOf(type));
                o.writeString(2, family);
                o.writeString(4, help);
                o.writeString(5, unit);
                o.flush();
                out.writeByteArray(3, md.toByteArray());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static byte[] label(String name, String value) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            CodedOutputStream o = CodedOutputStream.newInstance(b);
            o.writeString(1, name);
            o.writeString(2, value);
            o.flush();
            return b.toByteArray();
        }

        private static byte[] sample(double v, long t) throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            CodedOutputStream o = CodedOutputStream.newInstance(b);
            o.writeDouble(1, v);
            o.writeInt64(2, t);
            o.flush();
            return b.toByteArray();
        }
    }

    private static Descriptors.FileDescriptor descriptors() {
        FileDescriptorProto file = FileDescriptorProto.newBuilder()
                .setName("prometheus/remote_write.proto").setPackage("prometheus").setSyntax("proto3")
                .addMessageType(message("WriteRequest",
                        repeated("timeseries", 1, ".prometheus.TimeSeries"),
                        repeated("metadata", 3, ".prometheus.MetricMetadata")))
                // Exemplars (3) and native histograms (4) as opaque bytes: the decoder skips the one
                // and refuses the other without reading either.
                .addMessageType(message("TimeSeries",
                        repeated("labels", 1, ".prometheus.Label"),
                        repeated("samples", 2, ".prometheus.Sample"),
                        field("exemplars", 3, FieldDescriptorProto.Type.TYPE_BYTES, FieldDescriptorProto.Label.LABEL_REPEATED),
                        field("histograms", 4, FieldDescriptorProto.Type.TYPE_BYTES, FieldDescriptorProto.Label.LABEL_REPEATED)))
                .addMessageType(message("Label",
                        field("name", 1, FieldDescriptorProto.Type.TYPE_STRING, FieldDescriptorProto.Label.LABEL_OPTIONAL),
                        field("value", 2, FieldDescriptorProto.Type.TYPE_STRING, FieldDescriptorProto.Label.LABEL_OPTIONAL)))
                .addMessageType(message("Sample",
                        field("value", 1, FieldDescriptorProto.Type.TYPE_DOUBLE, FieldDescriptorProto.Label.LABEL_OPTIONAL),
                        field("timestamp", 2, FieldDescriptorProto.Type.TYPE_INT64, FieldDescriptorProto.Label.LABEL_OPTIONAL)))
                .addMessageType(message("MetricMetadata",
                        field("type", 1, FieldDescriptorProto.Type.TYPE_ENUM, FieldDescriptorProto.Label.LABEL_OPTIONAL)
                                .toBuilder().setTypeName(".prometheus.MetricType").build(),
                        field("metric_family_name", 2, FieldDescriptorProto.Type.TYPE_STRING, FieldDescriptorProto.Label.LABEL_OPTIONAL),
                        field("help", 4, FieldDescriptorProto.Type.TYPE_STRING, FieldDescriptorProto.Label.LABEL_OPTIONAL),
                        field("unit", 5, FieldDescriptorProto.Type.TYPE_STRING, FieldDescriptorProto.Label.LABEL_OPTIONAL)))
                .addEnumType(metricType())
                .build();
        try {
            return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0]);
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static EnumDescriptorProto metricType() {
        EnumDescriptorProto.Builder e = EnumDescriptorProto.newBuilder().setName("MetricType");
        for (int i = 0; i < TYPES.size(); i++) {
            e.addValue(EnumValueDescriptorProto.newBuilder().setName(TYPES.get(i).toUpperCase(java.util.Locale.ROOT)).setNumber(i));
        }
        return e.build();
    }

    private static DescriptorProto message(String name, FieldDescriptorProto... fields) {
        DescriptorProto.Builder b = DescriptorProto.newBuilder().setName(name);
        for (FieldDescriptorProto f : fields) {
            b.addField(f);
        }
        return b.build();
    }

    private static FieldDescriptorProto repeated(String name, int number, String type) {
        return field(name, number, FieldDescriptorProto.Type.TYPE_MESSAGE, FieldDescriptorProto.Label.LABEL_REPEATED).toBuilder()
                .setTypeName(type).build();
    }

    private static FieldDescriptorProto field(String name, int number, FieldDescriptorProto.Type type, FieldDescriptorProto.Label label) {
        return FieldDescriptorProto.newBuilder().setName(name).setNumber(number).setType(type).setLabel(label).build();
    }
}
