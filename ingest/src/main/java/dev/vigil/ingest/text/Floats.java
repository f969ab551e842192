package dev.vigil.ingest.text;

import ch.randelshofer.fastdoubleparser.JavaDoubleParser;

/**
 * Float parsing with the exposition format's rules: the accepted syntax is that
 * of the reference text parser (decimal, {@code Inf}/{@code Infinity}/{@code NaN} in any case, an
 * optional sign except on NaN; no hex, no underscores; out of range is an error, not infinity).
 */
public final class Floats {
    private static final double[] POW10 = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    };

    private Floats() {
    }

    /** Marker returned by {@link #parse} for a malformed number; test with {@link #isInvalid}. */
    private static final long INVALID_BITS = 0x7ff8dead0000beefL;

    /** A NaN with a private payload, distinct from every NaN a sample can carry. */
    public static final double INVALID = Double.longBitsToDouble(INVALID_BITS);

    public static boolean isInvalid(double d) {
        return Double.doubleToRawLongBits(d) == INVALID_BITS;
    }

    /** Parses {@code b[off, off+len)}; returns {@link #INVALID} when it is not a float. */
    public static double parse(byte[] b, int off, int len) {
        if (len <= 0) {
            return INVALID;
        }
        int i = off;
        int end = off + len;
        boolean neg = false;
        int c = b[i];
        if (c == '+' || c == '-') {
            neg = c == '-';
            i++;
            if (i == end) {
                return INVALID;
            }
            c = b[i];
        }
        if (c == 'i' || c == 'I') {
            int n = end - i;
            if ((n == 3 && equalsIgnoreCase(b, i, "inf")) || (n == 8 && equalsIgnoreCase(b, i, "infinity"))) {
                return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            }
            return INVALID;
        }
        if (c == 'n' || c == 'N') {
            // A sign before NaN is rejected, as the reference parser does.
            if (i == off && end - i == 3 && equalsIgnoreCase(b, i, "nan")) {
                return Double.NaN;
            }
            return INVALID;
        }
        long mantissa = 0;
        int digits = 0; // significant digits accumulated into mantissa
        int dropped = 0; // significant digits beyond 19, only shift the exponent
        int fracDigits = 0;
        boolean sawDigit = false;
        boolean sawDot = false;
        for (; i < end; i++) {
            c = b[i];
            if (c >= '0' && c <= '9') {
                sawDigit = true;
                if (digits == 0 && c == '0') {
                    if (sawDot) {
                        fracDigits++;
                    }
                    continue;
                }
                if (digits < 19) {
                    mantissa = mantissa * 10 + (c - '0');
                    digits++;
                    if (sawDot) {
                        fracDigits++;
                    }
                } else {
                    dropped++;
                    if (!sawDot) {
                        fracDigits--;
                    }
                }
            } else if (c == '.' && !sawDot) {
                sawDot = true;
            } else {
                break;
            }
        }
        if (!sawDigit) {
            return INVALID;
        }
        int exp = 0;
        if (i < end) {
            c = b[i];
            if (c != 'e' && c != 'E') {
                return INVALID;
            }
            i++;
            boolean expNeg = false;
            if (i < end && (b[i] == '+' || b[i] == '-')) {
                expNeg = b[i] == '-';
                i++;
            }
            if (i == end) {
                return INVALID;
            }
            for (; i < end; i++) {
                c = b[i];
                if (c < '0' || c > '9') {
                    return INVALID;
                }
                if (exp < 100_000) {
                    exp = exp * 10 + (c - '0');
                }
            }
            if (expNeg) {
                exp = -exp;
            }
        }
        if (mantissa == 0) {
            return neg ? -0.0 : 0.0;
        }
        int e10 = exp - fracDigits;
        double d;
        long product;
        if (dropped == 0 && digits <= 15 && e10 >= -22 && e10 <= 22) {
            // Both operands are exact doubles, so one IEEE operation rounds correctly.
            d = e10 >= 0 ? mantissa * POW10[e10] : mantissa / POW10[-e10];
        } else if (dropped == 0 && digits <= 18 && e10 >= 0 && e10 <= 18
                && Math.multiplyHigh(mantissa, POW10L[e10]) == 0 && (product = mantissa * POW10L[e10]) != 0) {
            // An integer below 2^64 (Java's -9.223372036854776E18, a gauge Flink reports on every
            // task): exact in 64 bits, so one rounding to double is the correctly rounded value.
            d = unsignedToDouble(product);
        } else {
            // 16-17 significant digits or a large exponent: most of Flink's fractions
            // (0.6693766461673411, 4.7092048E7). The syntax was checked above, so the library's
            // correctly rounded byte parser (Eisel-Lemire, exact fallback) sees only decimals it
            // accepts; it needs no String per value as the JDK's parser does.
            d = JavaDoubleParser.parseDouble(b, off, len);
            if (Double.isInfinite(d)) {
                return INVALID; // out of range is an error, never a silent infinity
            }
            return d;
        }
        return neg ? -d : d;
    }

    private static final long[] POW10L = {
        1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L,
        10_000_000_000L, 100_000_000_000L, 1_000_000_000_000L, 10_000_000_000_000L, 100_000_000_000_000L,
        1_000_000_000_000_000L, 10_000_000_000_000_000L, 100_000_000_000_000_000L, 1_000_000_000_000_000_000L,
    };

    /**
     * {@code v} read as unsigned, correctly rounded: halving keeps the lowest bit as a sticky bit,
     * so rounding the 63-bit half and doubling it rounds like the 64-bit value would.
     */
    static double unsignedToDouble(long v) {
        if (v >= 0) {
            return (double) v;
        }
        return (double) ((v >>> 1) | (v & 1)) * 2.0;
    }

    /** Parses a decimal long like the timestamp field ({@code [+-]?[0-9]+}, no overflow). */
    public static boolean isLong(byte[] b, int off, int len) {
        if (len <= 0) {
            return false;
        }
        int i = off;
        int end = off + len;
        boolean neg = false;
        if (b[i] == '+' || b[i] == '-') {
            neg = b[i] == '-';
            i++;
            if (i == end) {
                return false;
            }
        }
        long v = 0;
        for (; i < end; i++) {
            int c = b[i];
            if (c < '0' || c > '9') {
                return false;
            }
            // Accumulate negatively so Long.MIN_VALUE fits.
            if (v < (Long.MIN_VALUE + (c - '0')) / 10) {
                return false;
            }
            v = v * 10 - (c - '0');
        }
        return neg || v != Long.MIN_VALUE;
    }

    /** The value of a string accepted by {@link #isLong}. */
    public static long parseLong(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        boolean neg = false;
        if (b[i] == '+' || b[i] == '-') {
            neg = b[i] == '-';
            i++;
        }
        long v = 0;
        for (; i < end; i++) {
            v = v * 10 - (b[i] - '0');
        }
        return neg ? v : -v;
    }

    private static boolean equalsIgnoreCase(byte[] b, int off, String lower) {
        for (int k = 0; k < lower.length(); k++) {
            if ((b[off + k] | 0x20) != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
