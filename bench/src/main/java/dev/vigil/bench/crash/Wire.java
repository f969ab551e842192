package dev.vigil.bench.crash;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.xerial.snappy.Snappy;

/** Request bodies: a remote write 1.0 request (snappy protobuf) and Prometheus text with timestamps. */
final class Wire {
    private Wire() {
    }

    /** One sample per series; {@code labels[i]} are name/value pairs sorted by name. */
    static byte[] remoteWrite(String[][] labels, long[] t, double[] v) throws IOException {
        ByteArrayOutputStream req = new ByteArrayOutputStream();
        for (int i = 0; i < labels.length; i++) {
            ByteArrayOutputStream ts = new ByteArrayOutputStream();
            for (int k = 0; k < labels[i].length; k += 2) {
                ByteArrayOutputStream l = new ByteArrayOutputStream();
                field(l, 1, labels[i][k].getBytes(StandardCharsets.UTF_8));
                field(l, 2, labels[i][k + 1].getBytes(StandardCharsets.UTF_8));
                field(ts, 1, l.toByteArray());
            }
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            s.write(0x09);
            long bits = Double.doubleToRawLongBits(v[i]);
            for (int b = 0; b < 8; b++) {
                s.write((int) (bits >>> (8 * b)));
            }
            s.write(0x10);
            varint(s, t[i]);
            field(ts, 2, s.toByteArray());
            field(req, 1, ts.toByteArray());
        }
        return Snappy.compress(req.toByteArray());
    }

    private static void field(ByteArrayOutputStream out, int number, byte[] bytes) {
        out.write((number << 3) | 2);
        varint(out, bytes.length);
        out.write(bytes, 0, bytes.length);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** {@code name{labels} value} lines, with {@code timestampMs} when it is not null. */
    static String text(String name, Map<String, String> labels, double value, Long timestampMs) {
        StringBuilder b = new StringBuilder(name).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            b.append(e.getKey()).append("=\"").append(e.getValue()).append('"');
        }
        b.append("} ").append(Values.format(value));
        if (timestampMs != null) {
            b.append(' ').append(timestampMs);
        }
        return b.append('\n').toString();
    }

    /** Exact decimal text for the harness's values (whole numbers). */
    static final class Values {
        private Values() {
        }

        static String format(double v) {
            return Long.toString((long) v);
        }
    }
}
