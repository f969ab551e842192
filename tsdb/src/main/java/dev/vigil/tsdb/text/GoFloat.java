package dev.vigil.tsdb.text;

/** Formats floats exactly as Go's strconv does, for the protocols Vigil speaks. */
public final class GoFloat {
    private static final double TWO_53 = 9007199254740992d;

    /** The query API's rule: 'e' below 1e-6 and from 1e21, 'f' otherwise; exponent of 2+ digits. */
    private static final int API = 0;
    /** 'f': never an exponent. */
    private static final int FIXED = 1;
    /** encoding/json: like {@link #API}, but the exponent is written without padding ({@code 1e-7}). */
    private static final int JSON = 2;
    /** 'g' / {@code %v} with shortest precision: exponent when it is below -4 or at least 6. */
    private static final int G = 3;
    /** 'E' with shortest precision: always an exponent, written upper case ({@code 9.5E+02}). */
    private static final int E = 4;

    private GoFloat() {
    }

    /**
     * {@code strconv.FormatFloat(f, fmt, -1, 64)} with {@code fmt = 'e'} when {@code |f| < 1e-6}
     * or {@code |f| >= 1e21} and {@code 'f'} otherwise: how the Prometheus query API writes
     * sample values ({@code 1e+21}, {@code 0.000001}, {@code 1e-07}).
     */
    public static String format(double f) {
        StringBuilder sb = new StringBuilder(24);
        append(f, sb);
        return sb.toString();
    }

    /** {@link #format(double)} appended to {@code out}. */
    public static void append(double f, StringBuilder out) {
        append(f, out, API);
    }

    /**
     * Go's {@code strconv.FormatFloat(f, 'f', -1, 64)}: never an exponent. Prometheus 2.42 writes
     * scalar and string results' values this way ({@code "1000000000000000000000"}, {@code "-0.0000001"}).
     */
    public static String formatFixed(double f) {
        StringBuilder sb = new StringBuilder(24);
        append(f, sb, FIXED);
        return sb.toString();
    }

    /**
     * A float as Go's encoding/json writes it (a JSON number, exponent only below 1e-6 or from
     * 1e21, written {@code 1e-7}); 2.42 writes scalar and string result timestamps as
     * {@code float64(ms) / 1000} this way: {@code 1.5}, not {@code 1.500}.
     */
    public static String jsonSeconds(long ms) {
        StringBuilder sb = new StringBuilder(24);
        append(ms / 1000.0, sb, JSON);
        return sb.toString();
    }

    /**
     * Go's {@code strconv.FormatFloat(f, 'g', -1, 64)}, which is also what {@code %v} prints:
     * shortest digits, exponent form when the exponent is below -4 or at least 6
     * ({@code 4.9532584e+07}, {@code 1e-05}, {@code 123456}). PromQL's printer, the text
     * exposition's {@code le}/{@code quantile} labels and the push API's JSON use it.
     */
    public static String g(double f) {
        StringBuilder sb = new StringBuilder(24);
        appendG(f, sb);
        return sb.toString();
    }

    /** {@link #g(double)} appended to {@code out}. */
    public static void appendG(double f, StringBuilder out) {
        append(f, out, G);
    }

    /**
     * Go's {@code strconv.FormatFloat(f, 'E', -1, 64)}: shortest digits, always an exponent
     * ({@code 9.5E+02}, {@code 1E+00}, {@code 0E+00}); promtool's rule-test failures print values so.
     */
    public static String upperE(double f) {
        StringBuilder sb = new StringBuilder(24);
        append(f, sb, E);
        return sb.toString();
    }

    private static void append(double f, StringBuilder out, int mode) {
        if (Double.isNaN(f)) {
            out.append("NaN");
            return;
        }
        if (Double.isInfinite(f)) {
            out.append(f > 0 ? "+Inf" : "-Inf");
            return;
        }
        if (f == 0) {
            out.append(Double.doubleToRawLongBits(f) < 0 ? "-0" : "0").append(mode == E ? "E+00" : "");
            return;
        }
        double abs = Math.abs(f);
        // Integers below 2^53 are exact, so their shortest form is their own digits (the common
        // case: counters).
        boolean integer = abs < TWO_53 && f == Math.rint(f);
        if (integer && mode != E && (mode != G || abs < 1e6)) {
            out.append((long) f);
            return;
        }
        char[] digits = new char[20];
        int packed = ShortestDigits.write(abs, digits);
        int nd = ShortestDigits.count(packed);
        int point = ShortestDigits.point(packed);
        if (f < 0) {
            out.append('-');
        }
        int x = point - 1;
        boolean exponent = switch (mode) {
            case FIXED -> false;
            case G -> x < -4 || x >= 6;
            case E -> true;
            default -> abs < 1e-6 || abs >= 1e21;
        };
        if (exponent) {
            out.append(digits[0]);
            if (nd > 1) {
                out.append('.').append(digits, 1, nd - 1);
            }
            out.append(mode == E ? 'E' : 'e').append(x < 0 ? '-' : '+');
            int ax = Math.abs(x);
            if (ax < 10 && mode != JSON) {
                out.append('0');
            }
            out.append(ax);
        } else if (point <= 0) {
            out.append("0.");
            for (int i = point; i < 0; i++) {
                out.append('0');
            }
            out.append(digits, 0, nd);
        } else if (point >= nd) {
            out.append(digits, 0, nd);
            for (int i = nd; i < point; i++) {
                out.append('0');
            }
        } else {
            out.append(digits, 0, point).append('.').append(digits, point, nd - point);
        }
    }
}
