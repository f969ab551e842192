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

    /** The longest text {@link #write} makes: sign, 17 digits, point and "e-308", or "0.00000" and 17 digits. */
    public static final int MAX_CHARS = 32;
    /** The longest 'f' text: "0.", 323 zeros and 17 digits, or 309 digits, and a sign. */
    private static final int MAX_FIXED_CHARS = 360;

    private static void append(double f, StringBuilder out, int mode) {
        char[] buf = new char[mode == FIXED ? MAX_FIXED_CHARS : MAX_CHARS];
        out.append(buf, 0, write(f, buf, 0, mode));
    }

    /**
     * {@link #format(double)} written into {@code buf} from {@code at}, which needs
     * {@link #MAX_CHARS} free; returns the end. No String or builder is made.
     */
    public static int write(double f, char[] buf, int at) {
        return write(f, buf, at, API);
    }

    private static int write(double f, char[] buf, int at, int mode) {
        if (Double.isNaN(f)) {
            return text("NaN", buf, at);
        }
        if (Double.isInfinite(f)) {
            return text(f > 0 ? "+Inf" : "-Inf", buf, at);
        }
        int p = at;
        if (Double.doubleToRawLongBits(f) < 0) {
            buf[p++] = '-';
        }
        if (f == 0) {
            buf[p++] = '0';
            return mode == E ? text("E+00", buf, p) : p;
        }
        double abs = Math.abs(f);
        // Integers below 2^53 are exact, so their shortest form is their own digits (the common
        // case: counters).
        if (abs < TWO_53 && f == Math.rint(f) && mode != E && (mode != G || abs < 1e6)) {
            return writeLong((long) abs, buf, p);
        }
        // The digits go where most notations keep them, right after the sign.
        int packed = ShortestDigits.write(abs, buf, p);
        int nd = ShortestDigits.count(packed);
        int point = ShortestDigits.point(packed);
        int x = point - 1;
        boolean exponent = switch (mode) {
            case FIXED -> false;
            case G -> x < -4 || x >= 6;
            case E -> true;
            default -> abs < 1e-6 || abs >= 1e21;
        };
        if (exponent) {
            // d.ddd: the point goes after the first digit.
            int end = p + nd;
            if (nd > 1) {
                System.arraycopy(buf, p + 1, buf, p + 2, nd - 1);
                buf[p + 1] = '.';
                end++;
            }
            buf[end++] = mode == E ? 'E' : 'e';
            buf[end++] = x < 0 ? '-' : '+';
            int ax = Math.abs(x);
            if (ax < 10 && mode != JSON) {
                buf[end++] = '0';
            }
            return writeLong(ax, buf, end);
        }
        if (point <= 0) {
            // 0.000ddd
            int zeros = 2 - point;
            System.arraycopy(buf, p, buf, p + zeros, nd);
            buf[p] = '0';
            buf[p + 1] = '.';
            for (int i = p + 2; i < p + zeros; i++) {
                buf[i] = '0';
            }
            return p + zeros + nd;
        }
        if (point >= nd) {
            // ddd000
            for (int i = p + nd; i < p + point; i++) {
                buf[i] = '0';
            }
            return p + point;
        }
        // dd.ddd
        System.arraycopy(buf, p + point, buf, p + point + 1, nd - point);
        buf[p + point] = '.';
        return p + nd + 1;
    }

    private static int text(String s, char[] buf, int at) {
        s.getChars(0, s.length(), buf, at);
        return at + s.length();
    }

    /** "00" to "99": two digits per division when writing integers. */
    private static final char[] PAIRS = new char[200];
    private static final long[] POWERS = new long[19];

    static {
        for (int i = 0; i < 100; i++) {
            PAIRS[2 * i] = (char) ('0' + i / 10);
            PAIRS[2 * i + 1] = (char) ('0' + i % 10);
        }
        POWERS[0] = 1;
        for (int i = 1; i < POWERS.length; i++) {
            POWERS[i] = POWERS[i - 1] * 10;
        }
    }

    /**
     * The decimal digits of {@code v} ≥ 0 at {@code at}; returns the end. Two digits per step,
     * in int arithmetic once the rest fits: counters and timestamps are most of an answer's text.
     */
    public static int writeLong(long v, char[] buf, int at) {
        int n = 1;
        while (n < POWERS.length && v >= POWERS[n]) {
            n++;
        }
        int end = at + n;
        int i = end;
        while (v > Integer.MAX_VALUE) {
            long q = v / 100;
            int r = (int) (v - q * 100);
            buf[--i] = PAIRS[2 * r + 1];
            buf[--i] = PAIRS[2 * r];
            v = q;
        }
        int iv = (int) v;
        while (iv >= 100) {
            int q = iv / 100;
            int r = iv - q * 100;
            buf[--i] = PAIRS[2 * r + 1];
            buf[--i] = PAIRS[2 * r];
            iv = q;
        }
        if (iv >= 10) {
            buf[--i] = PAIRS[2 * iv + 1];
            buf[--i] = PAIRS[2 * iv];
        } else {
            buf[--i] = (char) ('0' + iv);
        }
        return end;
    }
}
