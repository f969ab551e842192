package dev.vigil.bench.jmh;

import com.fasterxml.jackson.core.io.NumberOutput;

/**
 * GoFloat's query-API format as it was before its own Schubfach (Jackson's shortest string, read
 * back, then trial parses): what {@link GoFloatBench} compares against. Not used by the server.
 */
final class GoFloatBefore {
    private static final double TWO_53 = 9007199254740992d;
    private static final int API = 0;
    private static final int FIXED = 1;
    private static final int JSON = 2;
    private static final int G = 3;
    private static final int E = 4;

    private GoFloatBefore() {
    }

    static void append(double f, StringBuilder out) {
        append(f, out, API);
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
        if (!integer && mode != E && (mode != G || abs >= 1e-4 && abs < 1e6) && appendFewDecimals(f, abs, out)) {
            return;
        }
        String digits;
        int point;
        if (integer) {
            String all = Long.toString((long) abs);
            point = all.length();
            digits = stripZeros(all);
        } else {
            Decimal d = shortest(abs);
            digits = d.digits;
            point = d.point;
        }
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
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
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
            out.append(digits);
        } else if (point >= digits.length()) {
            out.append(digits);
            for (int i = digits.length(); i < point; i++) {
                out.append('0');
            }
        } else {
            out.append(digits, 0, point).append('.').append(digits, point, digits.length());
        }
    }

    private static final double[] POW10 = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};
    private static final long[] LONG_POW10 = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000};

    /**
     * Gauges and averages often have a few decimals (0.25, 12.5): when {@code abs} is exactly
     * the double nearest to m / 10^k for the smallest such k ≤ 6, those digits are its shortest
     * form, written here without the general path's string work. Below 2^50 / 10^k the double's
     * spacing is under a quarter of 10^-k, so rounding abs × 10^k finds m and no other k-decimal
     * number reads back as abs.
     *
     * @return false when abs has more decimals, leaving {@code out} unchanged
     */
    private static boolean appendFewDecimals(double f, double abs, StringBuilder out) {
        for (int k = 1; k < POW10.length; k++) {
            double scaled = abs * POW10[k];
            if (scaled >= 0x1p50) {
                return false;
            }
            double m = Math.rint(scaled);
            if (m / POW10[k] == abs) {
                long lm = (long) m;
                long frac = lm % LONG_POW10[k];
                if (f < 0) {
                    out.append('-');
                }
                out.append(lm / LONG_POW10[k]).append('.');
                for (long q = LONG_POW10[k - 1]; q > frac; q /= 10) {
                    out.append('0');
                }
                // The smallest k leaves no trailing zero in frac.
                out.append(frac);
                return true;
            }
        }
        return false;
    }

    /** Digits d1 d2 ... dn with the decimal point after position {@code point}: 0.d1...dn × 10^point. */
    private record Decimal(String digits, int point) {
    }

    /** The shortest digits that read back as {@code abs} (finite, positive), nearest first. */
    private static Decimal shortest(double abs) {
        // Jackson's Schubfach writer is the algorithm of Java 19's Double.toString (JDK-4511638):
        // shortest digits, where Java 17's own may print one or two more, which then had to be
        // dropped by trial parses (a third of a small query's time went there).
        String s = NumberOutput.toString(abs, true);
        // "ddd.ddd" or "d.dddE[-]x": the digits without the point, leading and trailing zeros,
        // read in one pass with one String made.
        int len = s.length();
        int e = s.indexOf('E');
        int mantEnd = e < 0 ? len : e;
        int exp = e < 0 ? 0 : Integer.parseInt(s, e + 1, len, 10);
        int dot = s.indexOf('.');
        char[] buf = new char[mantEnd];
        int nd = 0;
        int lead = 0;
        boolean leading = true;
        for (int i = 0; i < mantEnd; i++) {
            char c = s.charAt(i);
            if (c == '.') {
                continue;
            }
            if (leading && c == '0' && i < mantEnd - 1) {
                lead++;
                continue;
            }
            leading = false;
            buf[nd++] = c;
        }
        while (nd > 1 && buf[nd - 1] == '0') {
            nd--;
        }
        String digits = new String(buf, 0, nd);
        int point = dot - lead + exp;
        // Schubfach, like Java 19+, may print 2 digits where 1 reads back too (4.9E-324 vs Go's 5e-324).
        if (digits.length() == 2) {
            while (digits.length() > 1) {
                int n = digits.length() - 1;
                char dropped = digits.charAt(n);
                // A dropped 5 is a tie only in these digits, not in the exact value: try both ways.
                boolean evenUp = dropped > '5' || (dropped == '5' && (digits.charAt(n - 1) - '0') % 2 == 1);
                String[] tries = dropped == '5' ? new String[] {round(digits, evenUp), round(digits, !evenUp)}
                        : new String[] {round(digits, evenUp)};
                String found = null;
                int foundPoint = point;
                for (String cand : tries) {
                    int candPoint = cand.length() > n ? point + 1 : point; // 99.. rounded up to 100..
                    cand = stripZeros(cand);
                    if (Double.parseDouble("0." + cand + "E" + candPoint) == abs) {
                        found = cand;
                        foundPoint = candPoint;
                        break;
                    }
                }
                if (found == null) {
                    break;
                }
                digits = found;
                point = foundPoint;
            }
        }
        return new Decimal(digits, point);
    }

    /** Drops the last digit, rounding up or down; rounding up may carry into a new leading 1. */
    private static String round(String d, boolean up) {
        int n = d.length() - 1;
        char[] c = d.substring(0, n).toCharArray();
        if (!up) {
            return new String(c);
        }
        for (int i = n - 1; i >= 0; i--) {
            if (c[i] == '9') {
                c[i] = '0';
            } else {
                c[i]++;
                return new String(c);
            }
        }
        return "1" + new String(c);
    }

    private static String stripZeros(String d) {
        int end = d.length();
        while (end > 1 && d.charAt(end - 1) == '0') {
            end--;
        }
        return d.substring(0, end);
    }
}
