package dev.vigil.bench.jmh;

import dev.vigil.tsdb.text.GoFloat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One sample value written into a char array as the query API's points take it (Go's shortest
 * 'f'/'e' digits, {@code GoFloat.write}), over values shaped like a dashboard's: per-second rates
 * (many decimals), gauges with few decimals, counters (integers), ratios in [0, 1). The formatter
 * before our own Schubfach was timed beside it at commit 5f3ac3b (docs/PERFORMANCE-query.md).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GoFloatBench {
    @Param({"rate", "gauge", "counter", "ratio"})
    public String values;

    private final double[] v = new double[4096];
    private final char[] chars = new char[64];
    private int i;

    @Setup
    public void setUp() {
        SplittableRandom r = new SplittableRandom(42);
        for (int k = 0; k < v.length; k++) {
            v[k] = switch (values) {
                case "rate" -> r.nextLong(0, 10_000_000) / 60.0;
                case "gauge" -> r.nextLong(0, 100_000) / 100.0;
                case "counter" -> (double) r.nextLong(0, 1L << 40);
                default -> r.nextDouble();
            };
        }
    }

    @Benchmark
    public int format() {
        return GoFloat.write(v[i++ & (v.length - 1)], chars, 0);
    }
}
