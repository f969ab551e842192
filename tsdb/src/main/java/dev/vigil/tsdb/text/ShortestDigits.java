package dev.vigil.tsdb.text;

import java.math.BigInteger;

/**
 * The shortest decimal digits that read back as a double, nearest to it when several qualify
 * (ties to an even last digit), written as chars without making a String. This is what Go's
 * {@code strconv.FormatFloat(f, fmt, -1, 64)} prints before choosing a notation.
 *
 * <p>The method is Giulietti's Schubfach (the one Java 19's {@code Double.toString} adopted): the
 * double's rounding interval is scaled by a 126-bit power of ten so that its bounds fall near
 * integers, then the one candidate with a digit fewer, or the two with the current count, are
 * tested against the bounds. Unlike Java's, it may answer a single digit ({@code 5e-324}), as Go
 * does. The powers of ten are computed exactly with {@link BigInteger} once, at class load.
 */
public final class ShortestDigits {
    private static final int P = 53;
    private static final int Q_MIN = -1074;
    private static final long C_MIN = 1L << (P - 1);
    private static final long T_MASK = C_MIN - 1;
    private static final int K_MIN = -324;
    private static final int K_MAX = 292;
    private static final long MASK_63 = Long.MAX_VALUE;
    /** g(k) = floor(10^-k × 2^-r) + 1 with r so that 2^125 ≤ g < 2^126, split 63 + 63 bits. */
    private static final long[] G = powersOfTen();

    private ShortestDigits() {
    }

    /**
     * Writes the digits of finite, positive {@code abs} into {@code digits} from {@code off} (17
     * free), without leading or trailing zeros, and returns {@code count << 16 | (point + 0x8000)}: the
     * value is 0.d1…dcount × 10^point. Use {@link #count(int)} and {@link #point(int)}.
     */
    public static int write(double abs, char[] digits, int off) {
        long bits = Double.doubleToRawLongBits(abs);
        long t = bits & T_MASK;
        int bq = (int) (bits >>> (P - 1)) & 0x7FF;
        if (bq != 0) {
            int mq = -Q_MIN + 1 - bq;
            long c = C_MIN | t;
            // An integer below 2^53: its own digits are the shortest.
            if (0 < mq && mq < P && (c >> mq) << mq == c) {
                return writeDigits(c >> mq, 0, digits, off);
            }
            return toDecimal(-mq, c, digits, off);
        }
        return toDecimal(Q_MIN, t, digits, off);
    }

    /** The digit count of {@link #write}'s answer. */
    public static int count(int packed) {
        return packed >>> 16;
    }

    /** The decimal point's position of {@link #write}'s answer: value = 0.digits × 10^point. */
    public static int point(int packed) {
        return (packed & 0xFFFF) - 0x8000;
    }

    private static int writeDigits(long f, int e, char[] digits, int off) {
        // Up to 16 trailing zeros (1e16 is 10000000000000000 × 10^0): eight, four, two, one at a time.
        if (f != 0) {
            while (f % 100_000_000 == 0) {
                f /= 100_000_000;
                e += 8;
            }
            if (f % 10_000 == 0) {
                f /= 10_000;
                e += 4;
            }
            if (f % 100 == 0) {
                f /= 100;
                e += 2;
            }
            if (f % 10 == 0) {
                f /= 10;
                e++;
            }
        }
        int n = GoFloat.writeLong(f, digits, off) - off;
        return n << 16 | (e + n + 0x8000);
    }

    /** The shortest, nearest decimal in the rounding interval of c × 2^q, written to digits. */
    private static int toDecimal(int q, long c, char[] digits, int off) {
        // The interval's bounds are included when c is even (reading back rounds half to even).
        int out = (int) c & 1;
        long cb = c << 2;
        long cbr = cb + 2;
        long cbl;
        int k;
        if (c != C_MIN || q == Q_MIN) {
            cbl = cb - 2;
            k = flog10pow2(q);
        } else {
            // At a power of two the interval below is half as wide.
            cbl = cb - 1;
            k = flog10threeQuartersPow2(q);
        }
        int h = q + flog2pow10(-k) + 2;
        int i = 2 * (k - K_MIN);
        long g1 = G[i];
        long g0 = G[i + 1];
        // 4 × v, its lower and upper bound, scaled by 10^-k: integers plus a sticky fraction bit.
        long vb = scaledRoundOdd(g1, g0, cb << h);
        long vbl = scaledRoundOdd(g1, g0, cbl << h);
        long vbr = scaledRoundOdd(g1, g0, cbr << h);
        long s = vb >> 2;
        if (s >= 10) {
            // One digit fewer: when exactly one of the two neighbours is inside, it is the answer.
            long sp10 = s / 10 * 10;
            long tp10 = sp10 + 10;
            boolean upin = vbl + out <= sp10 << 2;
            boolean wpin = (tp10 << 2) + out <= vbr;
            if (upin != wpin) {
                return writeDigits(upin ? sp10 : tp10, k, digits, off);
            }
        }
        long tt = s + 1;
        boolean uin = vbl + out <= s << 2;
        boolean win = (tt << 2) + out <= vbr;
        if (uin != win) {
            return writeDigits(uin ? s : tt, k, digits, off);
        }
        // Both inside: the nearer, the even one on a tie.
        long cmp = vb - (s + tt << 1);
        return writeDigits(cmp < 0 || cmp == 0 && (s & 1) == 0 ? s : tt, k, digits, off);
    }

    /** (g × cp) >> 127 for the 126-bit g = g1 × 2^63 + g0, its lowest bit set when bits were dropped. */
    private static long scaledRoundOdd(long g1, long g0, long cp) {
        long x1 = Math.multiplyHigh(g0, cp);
        long y0 = g1 * cp;
        long y1 = Math.multiplyHigh(g1, cp);
        long z = (y0 >>> 1) + x1;
        long vbp = y1 + (z >>> 63);
        return vbp | (z & MASK_63) + MASK_63 >>> 63;
    }

    private static long[] powersOfTen() {
        long[] g = new long[2 * (K_MAX - K_MIN + 1)];
        for (int k = K_MIN; k <= K_MAX; k++) {
            int f = flog2pow10(-k);
            // 10^-k × 2^(125 - f), floored, plus one: never below the exact value.
            BigInteger v;
            if (k <= 0) {
                BigInteger p = BigInteger.TEN.pow(-k);
                v = 125 - f >= 0 ? p.shiftLeft(125 - f) : p.shiftRight(f - 125);
            } else {
                v = BigInteger.ONE.shiftLeft(125 - f).divide(BigInteger.TEN.pow(k));
            }
            v = v.add(BigInteger.ONE);
            if (v.bitLength() != 126) {
                throw new AssertionError("g(" + k + ") has " + v.bitLength() + " bits");
            }
            int i = 2 * (k - K_MIN);
            g[i] = v.shiftRight(63).longValue();
            g[i + 1] = v.longValue() & MASK_63;
        }
        return g;
    }

    /** floor(log10(2^q)). */
    static int flog10pow2(int q) {
        return (int) (q * 661_971_961_083L >> 41);
    }

    /** floor(log10(3/4 × 2^q)). */
    static int flog10threeQuartersPow2(int q) {
        return (int) (q * 661_971_961_083L - 274_743_187_321L >> 41);
    }

    /** floor(log2(10^e)). */
    static int flog2pow10(int e) {
        return (int) (e * 913_124_641_741L >> 38);
    }
}
