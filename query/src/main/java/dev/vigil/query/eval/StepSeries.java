package dev.vigil.query.eval;

import dev.vigil.tsdb.Labels;
import java.util.Arrays;

/**
 * One series of an intermediate result: labels and one value per evaluation step.
 *
 * <p>A step without a value holds {@link #ABSENT}, a signalling NaN with a payload no arithmetic
 * can produce (arithmetic quiets NaNs) and that selectors never let through from storage, so a
 * single array carries both value and presence.
 */
final class StepSeries {
    static final long ABSENT_BITS = 0x7ff400000000a5a5L;
    static final double ABSENT = Double.longBitsToDouble(ABSENT_BITS);

    Labels labels;
    final double[] v;

    StepSeries(Labels labels, double[] v) {
        this.labels = labels;
        this.v = v;
    }

    static double[] absentArray(int steps) {
        double[] a = new double[steps];
        Arrays.fill(a, ABSENT);
        return a;
    }

    static boolean absent(double v) {
        return Double.doubleToRawLongBits(v) == ABSENT_BITS;
    }

    static boolean present(double v) {
        return Double.doubleToRawLongBits(v) != ABSENT_BITS;
    }

    int count() {
        int n = 0;
        for (double x : v) {
            if (present(x)) {
                n++;
            }
        }
        return n;
    }
}
