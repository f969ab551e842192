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
            for (int i = 0; i < 200_000; i++) {
                long t = switch (r.nextInt(4)) {
                    case 0 -> r.nextLong(-5_000_000L, 5_000_000L);
                    case 1 -> r.nextLong(0, 4_000_000_000_000L) / 1000 * 1000;
                    default -> r.nextLong(0, 4_000_000_000_000L);
                };
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
