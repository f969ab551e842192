package dev.vigil.query.eval;

import java.util.function.DoubleUnaryOperator;

/** The element-wise math functions of PromQL ({@code abs}, {@code ln}, {@code asinh}, ...), with Go's results at the edges. */
final class MathFunctions {
    private MathFunctions() {}

    /** The function named {@code f} as an operator on one value, or null if it is not a plain math function. */
    static DoubleUnaryOperator of(String f) {
        return switch (f) {
            case "abs" -> Math::abs;
            case "ceil" -> Math::ceil;
            case "floor" -> Math::floor;
            case "exp" -> Math::exp;
            case "sqrt" -> Math::sqrt;
            case "ln" -> Math::log;
            case "log2" -> v -> goLog2(v);
            case "log10" -> Math::log10;
            case "sin" -> Math::sin;
            case "cos" -> Math::cos;
            case "tan" -> Math::tan;
            case "asin" -> Math::asin;
            case "acos" -> Math::acos;
            case "atan" -> Math::atan;
            case "sinh" -> Math::sinh;
            case "cosh" -> Math::cosh;
            case "tanh" -> Math::tanh;
            case "asinh" -> MathFunctions::asinh;
            case "acosh" -> MathFunctions::acosh;
            case "atanh" -> v -> (v < -1 || v > 1) ? Double.NaN : (v == 1 ? Double.POSITIVE_INFINITY : v == -1 ? Double.NEGATIVE_INFINITY : (v == 0 ? v : 0.5 * Math.log1p(2 * v / (1 - v))));
            case "deg" -> v -> v * 180 / Math.PI;
            case "rad" -> v -> v * Math.PI / 180;
            case "sgn" -> v -> v < 0 ? -1 : v > 0 ? 1 : v;
            default -> null;
        };
    }

    private static final double LARGE = 0x1p28;
    private static final double LN2 = Math.log(2);

    /** Inverse hyperbolic sine, by the same piecewise formulas as Go's math.Asinh. */
    private static double asinh(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double a = Math.abs(v);
        double r;
        if (a > LARGE) {
            r = Math.log(a) + LN2;
        } else if (a > 2) {
            r = Math.log(2 * a + 1 / (Math.sqrt(a * a + 1) + a));
        } else if (a < 0x1p-28) {
            r = a;
        } else {
            r = Math.log1p(a + a * a / (1 + Math.sqrt(1 + a * a)));
        }
        return Math.copySign(r, v);
    }

    /** Inverse hyperbolic cosine, by the same piecewise formulas as Go's math.Acosh. */
    private static double acosh(double v) {
        if (v < 1 || Double.isNaN(v)) {
            return Double.NaN;
        }
        if (v == 1) {
            return 0;
        }
        if (v >= LARGE) {
            return Double.isInfinite(v) ? v : Math.log(v) + LN2;
        }
        if (v > 2) {
            return Math.log(2 * v - 1 / (v + Math.sqrt(v * v - 1)));
        }
        double t = v - 1;
        return Math.log1p(t + Math.sqrt(2 * t + t * t));
    }

    /** Go's Log2 is exact for powers of two. */
    private static double goLog2(double v) {
        if (v > 0 && !Double.isInfinite(v)) {
            int exp = Math.getExponent(v);
            if (v == Math.scalb(1.0, exp)) {
                return exp;
            }
        }
        return Math.log(v) / Math.log(2);
    }
}
