package dev.vigil.tsdb.text;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import java.util.function.DoubleConsumer;
import org.junit.jupiter.api.Test;

/**
 * GoFloat on its own Schubfach ({@link ShortestDigits}) writes what it wrote before on Jackson's
 * digits and trial parses ({@link GoFloatReference}), in every notation, for millions of doubles.
 */
class GoFloatAgainstReferenceTest {
    private static void same(double d) {
        assertEquals(GoFloatReference.format(d), GoFloat.format(d), () -> "format " + Double.doubleToRawLongBits(d));
        assertEquals(GoFloatReference.g(d), GoFloat.g(d), () -> "g " + Double.doubleToRawLongBits(d));
        assertEquals(GoFloatReference.formatFixed(d), GoFloat.formatFixed(d), () -> "fixed " + Double.doubleToRawLongBits(d));
        assertEquals(GoFloatReference.upperE(d), GoFloat.upperE(d), () -> "E " + Double.doubleToRawLongBits(d));
    }

    private static void times(int n, long seed, java.util.function.ToDoubleFunction<SplittableRandom> gen) {
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            same(gen.applyAsDouble(r));
        }
    }

    @Test
    void randomBitPatterns() {
        times(1_000_000, 1, r -> Double.longBitsToDouble(r.nextLong()));
    }

    @Test
    void gaugeLikeValues() {
        // Rates, ratios and averages: a few to many decimals over the magnitudes metrics have.
        times(1_000_000, 2, r -> r.nextDouble() * Math.pow(10, r.nextInt(-12, 25)));
        times(300_000, 3, r -> r.nextLong(-1_000_000, 1_000_000) / Math.pow(10, r.nextInt(1, 9)));
        times(300_000, 4, r -> (double) r.nextLong(1, 1_000_000) / r.nextLong(1, 1_000));
    }

    @Test
    void integersAroundAndBeyond2To53() {
        times(300_000, 5, r -> (double) r.nextLong());
        times(300_000, 6, r -> (double) (r.nextLong(1L << 53) + (1L << 52)));
        times(100_000, 7, r -> Math.scalb((double) r.nextLong(1, 1L << 53), r.nextInt(0, 970)));
    }

    @Test
    void subnormalsAndTheSmallest() {
        times(300_000, 8, r -> Double.longBitsToDouble(r.nextLong(1, 1L << 52)));
        for (long bits = 1; bits < 5_000; bits++) {
            same(Double.longBitsToDouble(bits));
        }
        same(Double.MIN_NORMAL);
        same(Math.nextDown(Double.MIN_NORMAL));
    }

    @Test
    void powersOfTwoAndTenAndTheirNeighbours() {
        DoubleConsumer around = d -> {
            same(d);
            same(-d);
            same(Math.nextUp(d));
            same(Math.nextDown(d));
        };
        for (int e = -1074; e <= 1023; e++) {
            around.accept(Math.scalb(1.0, e));
        }
        for (int e = -323; e <= 308; e++) {
            around.accept(Double.parseDouble("1e" + e));
            around.accept(Double.parseDouble("5e" + e));
            around.accept(Double.parseDouble("9.999999999999999e" + e));
        }
    }

    @Test
    void edgesOfTheNotations() {
        double[] edges = {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.MAX_VALUE,
            Double.MIN_VALUE, 1e21, 1e-7, 1e-6, 1e-4, 1e-5, 1e6, 999999.5, 0.1 + 0.2, 1.0 / 3, 2.0 / 3, 100, 1, 0.5,
            123456789012345678d, 9007199254740993d, 8.2718146029882655E18, 4.35, 0.3, 1e23, 5e-324, 2.2250738585072014E-308};
        for (double d : edges) {
            same(d);
            same(-d);
        }
        for (long ms = -100_000; ms < 100_000; ms += 7) {
            assertEquals(GoFloatReference.jsonSeconds(ms * 1_000_003L), GoFloat.jsonSeconds(ms * 1_000_003L));
        }
    }
}
