package dev.vigil.ingest.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Sample values parse to the same double as the JDK's correctly rounded parser, bit for bit. */
class FloatsTest {
    private static double parse(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return Floats.parse(b, 0, b.length);
    }

    private static void same(String s) {
        double want = Double.parseDouble(s);
        double got = parse(s);
        if (Double.isInfinite(want)) {
            assertTrue(Floats.isInvalid(got), s);
        } else {
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), s);
        }
    }

    @Test
    void valuesFlinkReports() {
        assertEquals((double) Long.MIN_VALUE, parse("-9.223372036854776E18"));
        assertEquals(4.294967296E9, parse("4.294967296E9"));
        same("9.223372036854776E18");
        same("1.8446744073709552E19");
        same("9.999999999999999E18");
        same("123456789012345678");
        same("999999999999999999");
        same("1.00000000000000000E18");
        same("0.1");
        same("-0.0");
    }

    @Test
    void randomDecimalsAgreeWithTheJdk() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int i = 0; i < 200_000; i++) {
            int digits = 1 + r.nextInt(20);
            StringBuilder sb = new StringBuilder();
            if (r.nextBoolean()) {
                sb.append('-');
            }
            int dot = r.nextInt(digits + 1);
            for (int k = 0; k < digits; k++) {
                if (k == dot && k > 0) {
                    sb.append('.');
                }
                sb.append((char) ('0' + (k == 0 ? 1 + r.nextInt(9) : r.nextInt(10))));
            }
            if (r.nextInt(3) > 0) {
                sb.append(r.nextBoolean() ? 'E' : 'e').append(r.nextInt(45) - 22);
            }
            String s = sb.toString();
            double want = Double.parseDouble(s);
            double got = parse(s);
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), s + " (seed " + seed + ")");
        }
    }

    @Test
    void unsignedConversionRoundsOnce() {
        Random r = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            long v = r.nextLong();
            double want = new java.math.BigDecimal(Long.toUnsignedString(v)).doubleValue();
            assertEquals(want, Floats.unsignedToDouble(v), Long.toUnsignedString(v));
        }
        assertEquals(18446744073709551615.0, Floats.unsignedToDouble(-1L));
    }
}
