package dev.vigil.query.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlidingQuantileTest {
    private static final double[] SPECIAL = {Double.NaN, 0.0, -0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1.5, 1.5, -3};

    @Test
    void slidingWindowGivesTheSortedAnswer() {
        Random rnd = new Random(11);
        for (int round = 0; round < 200; round++) {
            int len = 1 + rnd.nextInt(80);
            double[] v = new double[len];
            for (int i = 0; i < len; i++) {
                v[i] = rnd.nextInt(4) == 0 ? SPECIAL[rnd.nextInt(SPECIAL.length)] : rnd.nextInt(20) / 4.0;
            }
            SlidingQuantile sq = new SlidingQuantile();
            int from = 0;
            int to = 0;
            while (to < len) {
                int nto = Math.min(len, to + rnd.nextInt(4));
                int nfrom = Math.min(nto, from + rnd.nextInt(4));
                for (int i = to; i < nto; i++) {
                    sq.add(v[i]);
                }
                for (int i = from; i < nfrom; i++) {
                    sq.remove(v[i]);
                }
                from = nfrom;
                to = nto;
                if (from == to) {
                    if (to < len) {
                        continue;
                    }
                    break;
                }
                for (double q : new double[] {0, 0.25, 0.5, 0.95, 0.99, 1, -1, 2, Double.NaN}) {
                    double[] copy = Arrays.copyOfRange(v, from, to);
                    double want = Quantiles.quantile(q, copy, copy.length);
                    double got = sq.quantile(q);
                    // NaN payloads depend on operand order in the hardware; the API prints every NaN alike.
                    assertEquals(Double.isNaN(want) ? "NaN" : Long.toHexString(Double.doubleToRawLongBits(want)),
                            Double.isNaN(got) ? "NaN" : Long.toHexString(Double.doubleToRawLongBits(got)),
                            "q=" + q + " window " + Arrays.toString(Arrays.copyOfRange(v, from, to)));
                }
            }
        }
    }
}
