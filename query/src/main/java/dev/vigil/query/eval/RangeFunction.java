package dev.vigil.query.eval;

import static dev.vigil.query.eval.StepSeries.ABSENT;

import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import java.util.Locale;

/**
 * The functions of a range vector, each applied to the samples of one series inside one window
 * ({@code t[from..to)}, {@code v[from..to)}, never empty, stale markers already dropped).
 * Semantics are Prometheus 2.x's {@code promql/functions.go}.
 */
enum RangeFunction {
    RATE {
        @Override
        double apply(Window w, Args a) {
            return extrapolatedRate(w, a, true, true);
        }
    },
    INCREASE {
        @Override
        double apply(Window w, Args a) {
            return extrapolatedRate(w, a, true, false);
        }
    },
    DELTA {
        @Override
        double apply(Window w, Args a) {
            return extrapolatedRate(w, a, false, false);
        }
    },
    IRATE {
        @Override
        double apply(Window w, Args a) {
            return instantValue(w, true);
        }
    },
    IDELTA {
        @Override
        double apply(Window w, Args a) {
            return instantValue(w, false);
        }
    },
    DERIV {
        @Override
        double apply(Window w, Args a) {
            if (w.to - w.from < 2) {
                return ABSENT;
            }
            // Intercept near the data keeps the regression numerically stable.
            return linearRegression(w, w.t[w.from])[0];
        }
    },
    PREDICT_LINEAR {
        @Override
        double apply(Window w, Args a) {
            if (w.to - w.from < 2) {
                return ABSENT;
            }
            double[] si = linearRegression(w, a.stepTime);
            return si[0] * a.p0 + si[1];
        }
    },
    RESETS {
        @Override
        double apply(Window w, Args a) {
            int n = 0;
            double prev = w.v[w.from];
            for (int i = w.from + 1; i < w.to; i++) {
                double cur = w.v[i];
                if (cur < prev) {
                    n++;
                }
                prev = cur;
            }
            return n;
        }
    },
    CHANGES {
        @Override
        double apply(Window w, Args a) {
            int n = 0;
            double prev = w.v[w.from];
            for (int i = w.from + 1; i < w.to; i++) {
                double cur = w.v[i];
                if (cur != prev && !(Double.isNaN(cur) && Double.isNaN(prev))) {
                    n++;
                }
                prev = cur;
            }
            return n;
        }
    },
    AVG_OVER_TIME {
        @Override
        double apply(Window w, Args a) {
            Kahan mean = new Kahan();
            double count = 0;
            for (int i = w.from; i < w.to; i++) {
                double x = w.v[i];
                count++;
                if (Double.isInfinite(mean.sum)) {
                    if (Double.isInfinite(x) && (mean.sum > 0) == (x > 0)) {
                        continue;
                    }
                    if (!Double.isInfinite(x) && !Double.isNaN(x)) {
                        continue;
                    }
                }
                mean.add(x / count - mean.sum / count);
            }
            return Double.isInfinite(mean.sum) ? mean.sum : mean.value();
        }
    },
    COUNT_OVER_TIME {
        @Override
        double apply(Window w, Args a) {
            return w.to - w.from;
        }
    },
    LAST_OVER_TIME {
        @Override
        double apply(Window w, Args a) {
            return w.v[w.to - 1];
        }
    },
    MAX_OVER_TIME {
        @Override
        double apply(Window w, Args a) {
            double m = w.v[w.from];
            for (int i = w.from; i < w.to; i++) {
                if (w.v[i] > m || Double.isNaN(m)) {
                    m = w.v[i];
                }
            }
            return m;
        }
    },
    MIN_OVER_TIME {
        @Override
        double apply(Window w, Args a) {
            double m = w.v[w.from];
            for (int i = w.from; i < w.to; i++) {
                if (w.v[i] < m || Double.isNaN(m)) {
                    m = w.v[i];
                }
            }
            return m;
        }
    },
    SUM_OVER_TIME {
        @Override
        double apply(Window w, Args a) {
            Kahan sum = new Kahan();
            for (int i = w.from; i < w.to; i++) {
                sum.add(w.v[i]);
            }
            return Double.isInfinite(sum.sum) ? sum.sum : sum.value();
        }
    },
    QUANTILE_OVER_TIME {
        @Override
        double apply(Window w, Args a) {
            int n = w.to - w.from;
            if (a.scratch.length < n) {
                a.scratch = new double[Math.max(n, a.scratch.length * 2)];
            }
            System.arraycopy(w.v, w.from, a.scratch, 0, n);
            return Quantiles.quantile(a.p0, a.scratch, n);
        }
    },
    STDDEV_OVER_TIME {
        @Override
        double apply(Window w, Args a) {
            return Math.sqrt(variance(w));
        }
    },
    STDVAR_OVER_TIME {
        @Override
        double apply(Window w, Args a) {
            return variance(w);
        }
    },
    PRESENT_OVER_TIME {
        @Override
        double apply(Window w, Args a) {
            return 1;
        }
    },
    ABSENT_OVER_TIME {
        @Override
        double apply(Window w, Args a) {
            return 1;
        }
    },
    HOLT_WINTERS {
        @Override
        double apply(Window w, Args a) {
            double sf = a.p0;
            double tf = a.p1;
            if (sf <= 0 || sf >= 1) {
                throw new QueryException(ErrorType.EXECUTION,
                        "invalid smoothing factor. Expected: 0 < sf < 1, got: " + goF6(sf));
            }
            if (tf <= 0 || tf >= 1) {
                throw new QueryException(ErrorType.EXECUTION,
                        "invalid trend factor. Expected: 0 < tf < 1, got: " + goF6(tf));
            }
            int n = w.to - w.from;
            if (n < 2) {
                return ABSENT;
            }
            double s0 = 0;
            double s1 = w.v[w.from];
            double b = w.v[w.from + 1] - w.v[w.from];
            for (int i = 1; i < n; i++) {
                double x = sf * w.v[w.from + i];
                // Trend at i-1; the first trend is the initial slope itself.
                if (i - 1 != 0) {
                    b = tf * (s1 - s0) + (1 - tf) * b;
                }
                double y = (1 - sf) * (s1 + b);
                s0 = s1;
                s1 = x + y;
            }
            return s1;
        }
    };

    /** The samples of one series inside the current window. */
    static final class Window {
        long[] t = new long[16];
        double[] v = new double[16];
        int from;
        int to;
    }

    /** Per-step inputs besides the samples. */
    static final class Args {
        long rangeStart;
        long rangeEnd;
        long rangeMs;
        long stepTime;
        /** When the samples are rollup windows, their length: each stands for the time back to its window's start. */
        long windowMs;
        double p0;
        double p1;
        /** Reused by quantile_over_time, which sorts a copy of the window. */
        double[] scratch = new double[16];
    }

    abstract double apply(Window w, Args a);

    static RangeFunction of(String name) {
        try {
            return valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String goF6(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        return String.format(Locale.ROOT, "%.6f", d);
    }

    /** Neumaier-compensated running sum, as Prometheus's kahanSumInc. */
    private static final class Kahan {
        double sum;
        double c;

        void add(double inc) {
            double t = sum + inc;
            if (Math.abs(sum) >= Math.abs(inc)) {
                c += (sum - t) + inc;
            } else {
                c += (inc - t) + sum;
            }
            sum = t;
        }

        double value() {
            return sum + c;
        }
    }

    private static double variance(Window w) {
        double count = 0;
        Kahan mean = new Kahan();
        Kahan aux = new Kahan();
        for (int i = w.from; i < w.to; i++) {
            double x = w.v[i];
            count++;
            double delta = x - mean.value();
            mean.add(delta / count);
            aux.add(delta * (x - mean.value()));
        }
        return aux.value() / count;
    }

    /** Slope and intercept at {@code interceptTime} of the least-squares line (x in seconds). */
    private static double[] linearRegression(Window w, long interceptTime) {
        double n = 0;
        Kahan sumX = new Kahan();
        Kahan sumY = new Kahan();
        Kahan sumXY = new Kahan();
        Kahan sumX2 = new Kahan();
        double initY = w.v[w.from];
        boolean constY = true;
        for (int i = w.from; i < w.to; i++) {
            double y = w.v[i];
            if (constY && i > w.from && y != initY) {
                constY = false;
            }
            n += 1;
            double x = (w.t[i] - interceptTime) / 1e3;
            sumX.add(x);
            sumY.add(y);
            sumXY.add(x * y);
            sumX2.add(x * x);
        }
        if (constY) {
            if (Double.isInfinite(initY)) {
                return new double[] {Double.NaN, Double.NaN};
            }
            return new double[] {0, initY};
        }
        double sx = sumX.value();
        double sy = sumY.value();
        double covXY = sumXY.value() - sx * sy / n;
        double varX = sumX2.value() - sx * sx / n;
        double slope = covXY / varX;
        return new double[] {slope, sy / n - slope * sx / n};
    }

    private static double instantValue(Window w, boolean isRate) {
        if (w.to - w.from < 2) {
            return ABSENT;
        }
        double last = w.v[w.to - 1];
        double prev = w.v[w.to - 2];
        double result = isRate && last < prev ? last : last - prev;
        long dt = w.t[w.to - 1] - w.t[w.to - 2];
        if (dt == 0) {
            return ABSENT;
        }
        if (isRate) {
            result /= dt / 1000.0;
        }
        return result;
    }

    /** rate/increase/delta: counter-reset corrected difference, extrapolated to the window. */
    private static double extrapolatedRate(Window w, Args a, boolean isCounter, boolean isRate) {
        int n = w.to - w.from;
        if (n < 2) {
            return ABSENT;
        }
        double first = w.v[w.from];
        double result = w.v[w.to - 1] - first;
        if (isCounter) {
            double prev = first;
            for (int i = w.from + 1; i < w.to; i++) {
                double cur = w.v[i];
                if (cur < prev) {
                    result += prev;
                }
                prev = cur;
            }
        }
        double durationToStart = (w.t[w.from] - a.rangeStart) / 1000.0;
        double durationToEnd = (a.rangeEnd - w.t[w.to - 1]) / 1000.0;
        double sampled = (w.t[w.to - 1] - w.t[w.from]) / 1000.0;
        // Rollup windows are at least a window apart, however dense the raw samples joined to them.
        double avg = Math.max(sampled / (n - 1), a.windowMs / 1000.0);
        if (isCounter && result > 0 && first >= 0) {
            // A counter cannot go below zero: extrapolate at most to where it would be zero.
            double durationToZero = sampled * (first / result);
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        double threshold = avg * 1.1;
        double interval = sampled;
        interval += durationToStart < threshold ? durationToStart : avg / 2;
        interval += durationToEnd < threshold ? durationToEnd : avg / 2;
        double factor = interval / sampled;
        if (isRate) {
            factor /= a.rangeMs / 1000.0;
        }
        return result * factor;
    }
}
