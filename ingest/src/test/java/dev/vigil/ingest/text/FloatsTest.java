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

    /** How Java prints doubles (Flink's reporter uses it): shortest digits, E notation. */
    @Test
    void javaNotationOfRandomDoublesRoundTrips() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int i = 0; i < 200_000; i++) {
            double v;
            switch (i % 4) {
                case 0 -> v = Double.longBitsToDouble(r.nextLong()); // any exponent, subnormals too
                case 1 -> v = r.nextDouble(); // fractions like 0.6693766461673411
                case 2 -> v = r.nextDouble() * Math.pow(10, r.nextInt(40) - 10); // 4.7092048E7, 1.0E-5
                default -> v = r.nextLong() / (double) (1 + r.nextInt(1000)); // large magnitudes
            }
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                continue;
            }
            String s = Double.toString(v);
            assertEquals(Double.doubleToRawLongBits(v), Double.doubleToRawLongBits(parse(s)), s + " (seed " + seed + ")");
            same(s);
            same(s.toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** 16-20 digit mantissas with exponents across the whole range, above and below halfway points. */
    @Test
    void longMantissasAcrossTheExponentRangeAgreeWithTheJdk() {
        long seed = System.nanoTime();
        Random r = new Random(seed);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder sb = new StringBuilder();
            if (r.nextBoolean()) {
                sb.append('-');
            }
            int digits = 16 + r.nextInt(5);
            sb.append((char) ('1' + r.nextInt(9))).append('.');
            for (int k = 1; k < digits; k++) {
                sb.append((char) ('0' + r.nextInt(10)));
            }
            sb.append('E').append(r.nextInt(660) - 330);
            String s = sb.toString();
            double want = Double.parseDouble(s);
            double got = parse(s);
            if (Double.isInfinite(want)) {
                assertTrue(Floats.isInvalid(got), s + " (seed " + seed + ")");
            } else {
                assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(got), s + " (seed " + seed + ")");
            }
        }
    }

    @Test
    void edgesAgreeWithTheJdk() {
        for (String s : new String[] {
            "4.7092048E7", "-9.223372036854776E18", "0.6693766461673411", "1.0E-5", "1.0E22", "1.0E23",
            "4.9E-324", "-4.9E-324", "2.4703282292062328E-324", "2.4703282292062327E-324", "1.0E-400",
            "2.2250738585072014E-308", "2.2250738585072011E-308", "2.225073858507201E-308", // smallest normal, largest subnormal
            "1.7976931348623157E308", "1.7976931348623158E308", "1.7976931348623159E308", "1e309", "-1e309",
            "9007199254740993", "9007199254740992.5", "9007199254740993.0000000000000000001",
            "1.00000000000000011102230246251565404236316680908203125", // halfway between 1 and the next double
            "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126",
            "0.000000000000000000000000000000000000000000001", "123456789012345678901234567890",
            "1" + "0".repeat(400) + "e-400", "0." + "0".repeat(330) + "1", "1e-99999", "1e99999",
            "000000000000000000000000.1", ".5", "5.", "+5.", "-.5e-3", "0e0", "-0e5", "0.0e-999",
            "3.4028235E38", "1.4E-45", "0.30000000000000004", "123.456e+7", "7E+2",
        }) {
            same(s);
        }
    }

    @Test
    void specialValuesAsTheFormatSpellsThem() {
        for (String s : new String[] {"Inf", "inf", "INF", "+Inf", "Infinity", "+infinity", "INFINITY"}) {
            assertEquals(Double.POSITIVE_INFINITY, parse(s), s);
        }
        for (String s : new String[] {"-Inf", "-inf", "-Infinity", "-INFINITY"}) {
            assertEquals(Double.NEGATIVE_INFINITY, parse(s), s);
        }
        for (String s : new String[] {"NaN", "nan", "NAN"}) {
            double d = parse(s);
            assertTrue(Double.isNaN(d) && !Floats.isInvalid(d), s);
        }
        for (String s : new String[] {"", "+", "-", ".", "e5", "1e", "1e+", "1.2.3", "+NaN", "-NaN", "Infin", "infinit",
                "0x1p3", "1d", "1f", "1.5D", " 1", "1 ", "1_000", "1,5", "--1", "1e5.5", "0x10"}) {
            assertTrue(Floats.isInvalid(parse(s)), "\"" + s + "\" must be refused");
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
