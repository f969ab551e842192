package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.tsdb.Values;
import dev.vigil.tsdb.text.GoFloat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PointTextTest {
    @Test
    void pointsAreTheTimestampAndValueTextsWhetherOrNotTheValueRepeats() throws Exception {
        SplittableRandom r = new SplittableRandom(3);
        double[] special = {Double.NaN, Values.STALE_NAN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0,
            1e21, 1e-7, -1.5, 5e-324, Double.MAX_VALUE, 0.1 + 0.2, 123456789012345678d};
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StringBuilder want = new StringBuilder("[");
        PointText points = new PointText();
        try (JsonGenerator g = ApiJson.generator(bytes)) {
            g.writeStartArray();
            double v = 0;
            long t = 9_999_990_000L;
            long step = 1500;
            for (int i = 0; i < 200_000; i++) {
                // Mostly runs one step apart, as a range answer's points are (across 9999999999 →
                // 10000000000 and 99 → 100 too), and jumps anywhere, backwards and negative.
                int jump = r.nextInt(40);
                if (jump == 0) {
                    t = r.nextLong(-5_000_000L, 5_000_000L);
                } else if (jump == 1) {
                    t = r.nextLong(0, 4_000_000_000_000L) / 1000 * 1000;
                } else if (jump == 2) {
                    t = r.nextBoolean() ? 95_000 : 9_999_999_000_000L - r.nextLong(0, 100_000);
                    step = new long[] {1, 1000, 1500, 15_000, 60_000, 3_600_000}[r.nextInt(6)];
                } else {
                    t += step;
                }
                // Runs of one value, as constant and flat series have, between fresh values.
                if (r.nextInt(3) == 0) {
                    v = switch (r.nextInt(4)) {
                        case 0 -> special[r.nextInt(special.length)];
                        case 1 -> r.nextLong(-1_000_000, 1_000_000);
                        case 2 -> Double.longBitsToDouble(r.nextLong());
                        default -> r.nextLong(0, 10_000_000) / 60.0;
                    };
                }
                points.write(g, t, v);
                want.append(i == 0 ? "" : ",").append('[').append(ApiTime.timestamp(t)).append(",\"")
                        .append(GoFloat.format(v)).append("\"]");
            }
            g.writeEndArray();
        }
        assertEquals(want.append(']').toString(), bytes.toString(StandardCharsets.UTF_8));
    }
}
