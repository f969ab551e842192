package dev.vigil.query.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.query.QueryOptions;
import dev.vigil.query.value.Matrix;
import dev.vigil.query.value.SeriesData;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import dev.vigil.tsdb.downsample.Rollups;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every function that reads rollups, compared with the same query on raw data over gauges and
 * counters with resets: exact where README "Downsampling" says exact, else within its tolerance.
 * The data's last hours stay in the head, so the queries join rollups and raw data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RollupQueryTest {
    static final long M = 60_000L;
    static final long H = 60 * M;
    static final long T0 = 1_699_999_200_000L; // a whole hour
    static final long HOURS = 30;
    /** Samples every 30 s, 7 s past the minute: none on a window boundary. */
    static final long SCRAPE = 30_000L;
    static final long PHASE = 7_000L;
    static final QueryOptions RAW = new QueryOptions(0, 0, 0);
    static final QueryOptions AUTO = new QueryOptions(0, 0, QueryOptions.AUTO);
    static final QueryOptions HOURLY = new QueryOptions(0, 0, Rollups.RES_1H);

    @TempDir
    static Path dir;
    AtomicLong now = new AtomicLong(T0);
    Db db;
    PromEngine engine;
    /** The largest increase of a counter between two scrapes. */
    static final double MAX_STEP = 10;

    @BeforeAll
    void write() throws Exception {
        db = Db.open(DbOptions.builder(dir).seriesRegistry(false).clock(now::get)
                .downsampleAfterMs(Rollups.DEFAULT_AFTER_MS).build());
        Random rnd = new Random(42);
        double[] counter = new double[3];
        double steady = 0;
        double rare = 0;
        for (long h = 0; h < HOURS; h++) {
            Appender a = db.appender();
            for (long t = T0 + h * H + PHASE; t < T0 + (h + 1) * H; t += SCRAPE) {
                for (int i = 0; i < 3; i++) {
                    Labels gl = Labels.of("__name__", "g", "i", "" + i);
                    a.append(0, gl, t, Math.round(rnd.nextGaussian() * 1000) / 10.0 + 50 * i);
                    // Counters reset now and then: at 3 h, 11 h and 20 h for i = 1, every 7 h for i = 2.
                    long k = (t - T0) / SCRAPE;
                    boolean reset = i == 1 && (k == 360 || k == 1320 || k == 2400) || i == 2 && k % 840 == 839;
                    counter[i] = reset ? rnd.nextInt(5) : counter[i] + rnd.nextInt((int) MAX_STEP);
                    a.append(0, Labels.of("__name__", "c", "i", "" + i), t, counter[i]);
                }
                // Goes up by one a hour, two minutes past it: in the first window of a [1h] range.
                if ((t - T0) % H == 2 * M + PHASE) {
                    rare++;
                }
                a.append(0, Labels.of("__name__", "rare"), t, rare);
                steady += 5;
                a.append(0, Labels.of("__name__", "steady"), t, steady);
                a.append(0, Labels.of("__name__", "constant"), t, 42);
            }
            a.commit();
            now.set(T0 + (h + 1) * H);
        }
        // 40 h later every block cut so far is old enough for rollups; the head stays raw.
        now.set(T0 + HOURS * H + Rollups.DEFAULT_AFTER_MS + H);
        db.runMaintenance();
        assertFalse(db.rollups().set(Rollups.RES_5M).blocks().isEmpty(), "rollups written");
        long rolledUpTo = db.rollups().set(Rollups.RES_1H).maxTime();
        assertTrue(rolledUpTo > T0 + 20 * H && rolledUpTo < T0 + HOURS * H, "rollups end before the data: " + rolledUpTo);
        engine = new PromEngine(db, EngineOptions.DEFAULT);
    }

    @AfterAll
    void close() throws Exception {
        db.close();
    }

    private List<SeriesData> range(String q, long step, QueryOptions o) {
        return ((Matrix) engine.range(q, T0 + 2 * H, T0 + HOURS * H, step, o).value()).series();
    }

    /** Same series, same steps, values within {@code tol(raw value, series)}. */
    private void compare(String q, long step, QueryOptions o, Tolerance tol) {
        compare(q, q, step, o, tol);
    }

    /** {@code rawQuery} on raw data against {@code q} with {@code o}, metric names aside. */
    private void compare(String rawQuery, String q, long step, QueryOptions o, Tolerance tol) {
        List<SeriesData> raw = range(rawQuery, step, RAW);
        List<SeriesData> roll = range(q, step, o);
        assertFalse(raw.isEmpty(), q);
        assertEquals(raw.size(), roll.size(), q + ": series");
        for (int s = 0; s < raw.size(); s++) {
            SeriesData a = raw.get(s);
            SeriesData b = roll.get(s);
            assertEquals(a.metric().without("__name__"), b.metric().without("__name__"), q);
            assertEquals(a.count(), b.count(), q + " " + a.metric() + ": steps");
            for (int k = 0; k < a.count(); k++) {
                assertEquals(a.timestamps()[k], b.timestamps()[k], q);
                double allowed = tol.of(a.values()[k], a.metric());
                assertEquals(a.values()[k], b.values()[k], allowed,
                        q + " " + a.metric() + " at " + (a.timestamps()[k] - T0) / M + " min");
            }
        }
    }

    interface Tolerance {
        double of(double raw, Labels series);
    }

    static final Tolerance EXACT = (v, s) -> 0;
    static final Tolerance ROUNDING = (v, s) -> Math.abs(v) * 1e-12 + 1e-9;

    @Test
    void countMaxAndGaugeMinSumAvgAreExactOverWholeWindows() {
        for (QueryOptions o : List.of(AUTO, HOURLY)) {
            long step = o == HOURLY ? H : 30 * M; // 1 h rollups need steps on the hour
            for (String f : List.of("count_over_time", "max_over_time")) {
                for (String m : List.of("g", "c", "steady", "constant")) {
                    compare(f + "(" + m + "[1h])", step, o, EXACT);
                }
            }
            compare("min_over_time(g[2h])", step, o, EXACT);
            compare("sum_over_time(g[1h])", step, o, ROUNDING);
            compare("avg_over_time(g[3h])", step, o, ROUNDING);
            compare("sum_over_time(constant[1h])", step, o, EXACT);
            compare("min_over_time(constant[1h])", step, o, EXACT);
        }
    }

    @Test
    void counterMinSumAvgAreEstimatedWithinOneWindowsIncrease() {
        // Series that only go up keep only max per window (docs/format/downsample.md): min is
        // off by at most the window's increase, each window's sum by its count times that.
        double perWindow5m = MAX_STEP * (5 * M / SCRAPE);
        compare("min_over_time(steady[1h])", 30 * M, AUTO, (v, s) -> 5 * (5 * M / SCRAPE));
        compare("min_over_time(c[1h])", 30 * M, AUTO, (v, s) -> perWindow5m);
        compare("avg_over_time(c[1h])", 30 * M, AUTO, (v, s) -> perWindow5m);
        compare("sum_over_time(c[1h])", 30 * M, AUTO, (v, s) -> perWindow5m * (H / SCRAPE));
    }

    @Test
    void rateAndIncreaseOfASteadyCounterAreExactAndOfOthersWithinTheDocumentedShare() {
        compare("rate(steady[1h])", 30 * M, AUTO, ROUNDING);
        compare("increase(steady[2h])", H, HOURLY, ROUNDING);
        // Counters with random steps and resets: within 2 × res / range of the increase over the
        // range plus one window's worth, README's tolerance (rollups see window ends only).
        compare("increase(c[1h])", 30 * M, AUTO, (v, s) -> v * 2 * 5.0 / 60 + MAX_STEP * 10);
        compare("rate(c[1h])", 30 * M, AUTO, (v, s) -> v * 2 * 5.0 / 60 + MAX_STEP * 10 / 3600.0);
        compare("increase(c[6h])", H, HOURLY, (v, s) -> v * 2 * 1.0 / 6 + MAX_STEP * 120);
    }

    @Test
    void rateFromRollupsReadsTheCounterWhereTheRangeStarts() {
        // An increase in the range's first window was extrapolated away (0 instead of 1 an hour,
        // the long-range run's "max rel diff 1.0"): the window ending at the range's start holds
        // the counter there, so only the raw sample interval is left to differ.
        compare("increase(rare[1h])", 30 * M, AUTO, (v, s) -> Math.abs(v) * 0.02);
        compare("rate(rare[1h])", H, AUTO, (v, s) -> Math.abs(v) * 0.02);
        compare("increase(rare[3h])", H, HOURLY, (v, s) -> Math.abs(v) * 0.02);
    }

    @Test
    void anInstantSelectorReadsTheMeanOfTheWindowEndingAtTheStep() {
        // What rollups answer for a selector equals avg_over_time over one window on raw data.
        compare("avg_over_time(g[5m])", "g", 30 * M, AUTO, ROUNDING);
        compare("avg_over_time(g[1h])", "g", H, HOURLY, ROUNDING);
        List<SeriesData> rolled = range("g", 30 * M, AUTO);
        assertEquals("g", rolled.get(0).metric().get("__name__"), "a selector keeps the name");
        assertNotEquals(range("g", 30 * M, RAW).get(0).values()[3], rolled.get(0).values()[3], "rollups were read");
    }

    @Test
    void functionsNotListedAndRawResolutionGiveTheRawAnswer() {
        for (String q : List.of("deriv(g[1h])", "last_over_time(g[1h])", "stddev_over_time(g[1h])", "irate(c[1h])",
                "changes(g[1h])", "resets(c[1h])", "delta(g[1h])", "quantile_over_time(0.5, g[1h])",
                "timestamp(g)", "present_over_time(g[1h])", "max_over_time(g[2h:30m])", "avg_over_time(g[2h:1h])")) {
            compare(q, 30 * M, AUTO, EXACT);
        }
        // Where no rollup reaches (the head's last hours), everything reads raw data.
        for (String q : List.of("g", "rate(c[30m])", "count_over_time(g[30m])")) {
            List<SeriesData> raw = ((Matrix) engine.range(q, T0 + 29 * H, T0 + HOURS * H, 30 * M, RAW).value()).series();
            List<SeriesData> auto = ((Matrix) engine.range(q, T0 + 29 * H, T0 + HOURS * H, 30 * M, AUTO).value()).series();
            assertEquals(raw.size(), auto.size());
            for (int s = 0; s < raw.size(); s++) {
                assertEquals(java.util.Arrays.toString(raw.get(s).values()), java.util.Arrays.toString(auto.get(s).values()), q);
            }
        }
        // A range that is no multiple of the resolution, or steps off the windows, read raw.
        compare("count_over_time(g[7m])", 30 * M, AUTO, EXACT);
        compare("rate(c[5m])", 30 * M, AUTO, EXACT);
    }
}
