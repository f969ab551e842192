package dev.vigil.tsdb.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class GoFloatTest {
    @Test
    void matchesGoFormatFloatOnKnownValues() {
        // Expected strings are what Prometheus 2.42 answers (strconv.AppendFloat 'f'/'e', -1, 64).
        String[][] cases = {
            {"0", "0"}, {"-0", "-0"}, {"1", "1"}, {"-1", "-1"}, {"2", "2"}, {"1.5", "1.5"},
            {"0.1", "0.1"}, {"0.30000000000000004", "0.30000000000000004"},
            {"123456789012345678", "123456789012345680"}, {"1e21", "1e+21"}, {"1e-7", "1e-07"},
            {"1e-6", "0.000001"}, {"1.5e-6", "0.0000015"}, {"9.99e-7", "9.99e-07"}, {"1e20", "100000000000000000000"},
            {"9.999999999999999e20", "999999999999999900000"}, {"1.7976931348623157e308", "1.7976931348623157e+308"},
            {"4.9e-324", "5e-324"}, {"-2.5e-10", "-2.5e-10"}, {"1e22", "1e+22"}, {"1.2345e25", "1.2345e+25"},
            {"0.000123", "0.000123"}, {"9007199254740992", "9007199254740992"}, {"9007199254740993", "9007199254740992"},
            {"2.82879384806159e17", "282879384806159000"}, {"1e15", "1000000000000000"}, {"100.25", "100.25"},
            {"3.14159", "3.14159"}, {"1e-300", "1e-300"}, {"1.0e100", "1e+100"}, {"0.5", "0.5"}, {"123456.789", "123456.789"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], GoFloat.format(Double.parseDouble(c[0])), c[0]);
        }
        assertEquals("NaN", GoFloat.format(Double.NaN));
        assertEquals("NaN", GoFloat.format(dev.vigil.tsdb.Values.STALE_NAN));
        assertEquals("+Inf", GoFloat.format(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", GoFloat.format(Double.NEGATIVE_INFINITY));
    }

    @Test
    void randomDoublesAreShortestAndRoundTrip() {
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            double d = i % 2 == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextDouble() * Math.pow(10, r.nextInt(-12, 25));
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            String s = GoFloat.format(d);
            assertEquals(d, Double.parseDouble(s), s);
            // No decimal with one digit fewer reads back as d.
            BigDecimal exact = new BigDecimal(d);
            int digits = significantDigits(s);
            if (digits > 1) {
                BigDecimal shorter = exact.round(new java.math.MathContext(digits - 1, java.math.RoundingMode.HALF_EVEN));
                assertTrue(shorter.doubleValue() != d, s + " is not shortest");
            }
            // Every rendering writes the same digits; only the notation differs.
            String g = GoFloat.g(d);
            assertEquals(d, Double.parseDouble(g), g);
            assertEquals(digitString(s), digitString(g), g);
            String fixed = GoFloat.formatFixed(d);
            assertEquals(d, Double.parseDouble(fixed), fixed);
            assertEquals(digitString(s), digitString(fixed), fixed);
        }
    }

    @Test
    void valuesWithFewDecimalsWriteTheirShortestDigits() {
        // The fast path for m / 10^k: what it writes must be the shortest digits, as the
        // general path (Schubfach) finds them, in 'f' notation.
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 50_000; i++) {
            int k = r.nextInt(1, 8);
            long m = r.nextLong(1, i % 3 == 0 ? 1000 : 1L << r.nextInt(10, 52));
            double d = (r.nextBoolean() ? -m : m) / Math.pow(10, k);
            if (Math.abs(d) < 1e-6 || Math.abs(d) >= 1e21) {
                continue;
            }
            String want = new BigDecimal(com.fasterxml.jackson.core.io.NumberOutput.toString(d, true))
                    .stripTrailingZeros().toPlainString();
            assertEquals(want, GoFloat.format(d), "m=" + m + " k=" + k);
            assertEquals(want, GoFloat.formatFixed(d), "m=" + m + " k=" + k);
        }
        assertEquals("0.25", GoFloat.format(0.25));
        assertEquals("-12.005", GoFloat.format(-12.005));
        assertEquals("0.1", GoFloat.format(0.1));
        assertEquals("0.3", GoFloat.format(0.1 + 0.2 - 0.00000000000000005551115123125783));
        assertEquals("0.30000000000000004", GoFloat.format(0.1 + 0.2));
    }

    /** The significant digits without sign, point, exponent or padding zeros. */
    private static String digitString(String s) {
        String m = s.replaceFirst("^-", "");
        int e = m.indexOf('e');
        if (e >= 0) {
            m = m.substring(0, e);
        }
        return m.replace(".", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
    }

    @Test
    void javaToStringDigitsThatAreNotShortestAreCorrected() {
        // Java 17 writes 8.2718146029882655E18 (exactly 8271814602988265472): 16 digits suffice.
        double d = 8.2718146029882655E18;
        assertEquals("8271814602988265000", GoFloat.format(d));
        assertEquals("8.271814602988265e+18", GoFloat.g(d));
        assertEquals("8271814602988265000", GoFloat.formatFixed(d));
        // The smallest subnormal: Go writes one digit where Double.toString writes 4.9E-324.
        assertEquals("5e-324", GoFloat.g(Double.MIN_VALUE));
        assertEquals("5e-324", GoFloat.format(Double.MIN_VALUE));
    }

    @Test
    void gIsGoPercentV() {
        // strconv.FormatFloat(v, 'g', -1, 64), as fmt's %v prints a float64.
        String[][] cases = {
            {"1", "1"}, {"0.5", "0.5"}, {"100000", "100000"}, {"123456", "123456"}, {"999999", "999999"},
            {"1000000", "1e+06"}, {"12345678.9", "1.23456789e+07"}, {"4.9532584E7", "4.9532584e+07"},
            {"1.7955915116849055e9", "1.7955915116849055e+09"}, {"0.0001", "0.0001"}, {"0.00001", "1e-05"},
            {"0.000123", "0.000123"}, {"-2.5", "-2.5"}, {"-1", "-1"}, {"2.5", "2.5"}, {"1e21", "1e+21"},
            {"1.7976931348623157e308", "1.7976931348623157e+308"}, {"0.25", "0.25"}, {"0.99", "0.99"},
            {"9007199254740993", "9.007199254740992e+15"}, {"1e100", "1e+100"}, {"-1e-300", "-1e-300"},
            {"0", "0"}, {"-0", "-0"}, {"123456.5", "123456.5"}, {"1234567.5", "1.2345675e+06"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], GoFloat.g(Double.parseDouble(c[0])), c[0]);
        }
        assertEquals("NaN", GoFloat.g(Double.NaN));
        assertEquals("+Inf", GoFloat.g(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", GoFloat.g(Double.NEGATIVE_INFINITY));
        StringBuilder sb = new StringBuilder("le=");
        GoFloat.appendG(2.5e-7, sb);
        assertEquals("le=2.5e-07", sb.toString());
    }

    @Test
    void apiAndJsonSwitchAtTheSameBoundsButPadTheExponentDifferently() {
        assertEquals("1e-07", GoFloat.format(1e-7));
        assertEquals("0.000001", GoFloat.format(1e-6));
        assertEquals("1e+21", GoFloat.format(1e21));
        assertEquals("0.0000001", GoFloat.formatFixed(1e-7));
        assertEquals("0.001", GoFloat.jsonSeconds(1));
        assertEquals("-1.5", GoFloat.jsonSeconds(-1500));
        assertEquals("0", GoFloat.jsonSeconds(0));
    }

    private static int significantDigits(String s) {
        String m = s.replaceFirst("^-", "");
        int e = m.indexOf('e');
        if (e >= 0) {
            m = m.substring(0, e);
        }
        m = m.replace(".", "").replaceFirst("^0+", "").replaceFirst("0+$", "");
        return Math.max(1, m.length());
    }

    @Test
    void scalarFormatsOf242() {
        // Observed on 2.42: scalar values never use an exponent, their timestamps are plain floats.
        assertEquals("1000000000000000000000", GoFloat.formatFixed(1e21));
        assertEquals("-0.0000001", GoFloat.formatFixed(-1e-7));
        assertEquals("2", GoFloat.formatFixed(2));
        assertEquals("+Inf", GoFloat.formatFixed(Double.POSITIVE_INFINITY));
        assertEquals("1.5", GoFloat.jsonSeconds(1500));
        assertEquals("4", GoFloat.jsonSeconds(4000));
        assertEquals("1.005", GoFloat.jsonSeconds(1005));
        assertEquals("1795597183.541", GoFloat.jsonSeconds(1795597183541L));
    }

    @Test
    void upperEAsStrconvWritesIt() {
        // strconv.FormatFloat(v, 'E', -1, 64), as promtool's rule-test failures print values.
        assertEquals("9.5E+02", GoFloat.upperE(950));
        assertEquals("1E+00", GoFloat.upperE(1));
        assertEquals("1E-05", GoFloat.upperE(0.00001));
        assertEquals("-1.25E+100", GoFloat.upperE(-1.25e100));
        assertEquals("0E+00", GoFloat.upperE(0));
        assertEquals("-0E+00", GoFloat.upperE(-0.0));
        assertEquals("1.2345678E+07", GoFloat.upperE(12345678));
        assertEquals("NaN", GoFloat.upperE(Double.NaN));
        assertEquals("+Inf", GoFloat.upperE(Double.POSITIVE_INFINITY));
    }
}
