package dev.vigil.query.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.query.QueryOptions;
import dev.vigil.query.value.Matrix;
import dev.vigil.query.value.Vector;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Queries whose grids cannot fit the sample budget are refused before evaluation, in Prometheus's words. */
class PointBudgetTest {
    private static final long T = 1_700_000_000_000L;
    private static final String TOO_MANY = "query processing would load too many samples into memory in query execution";
    /** Well under the second a user would wait; the refusal must not depend on the grid's length. */
    private static final Duration QUICK = Duration.ofSeconds(1);

    private static QueryException refused(Runnable query) {
        QueryException ex = assertTimeoutPreemptively(QUICK, () -> assertThrows(QueryException.class, query::run));
        assertEquals(ErrorType.EXECUTION, ex.errorType());
        assertEquals(TOO_MANY, ex.getMessage());
        return ex;
    }

    @ParameterizedTest
    @ValueSource(strings = {"max_over_time(vector(1)[30d:1ms])", "max_over_time(vector(1)[1000d:1ms])",
        "max_over_time(vector(1)[1000d:1ms] offset 1d)", "count_over_time(vector(time())[1000d:1ms] @ 100)",
        "max_over_time(max_over_time(vector(1)[30d:1ms])[1h:1m])", "vector(1) + on() max_over_time(vector(1)[30d:1ms])",
        "max_over_time(vector(1)[292y:1ms])"})
    void overlongSubqueriesAreRefusedAtOnce(String q) {
        PromEngine e = new PromEngine(new MemoryStorage(), EngineOptions.DEFAULT);
        refused(() -> e.instant(q, T, QueryOptions.DEFAULT));
        refused(() -> e.range(q, T - 3_600_000, T, 15_000, QueryOptions.DEFAULT));
    }

    @Test
    void theBudgetDecidesWhereTheLineIs() throws Exception {
        PromEngine e = new PromEngine(new MemoryStorage(), new EngineOptions(300_000, 60_000, 1000, 4));
        // 999 one-second steps and the one result fit a budget of 1,000 samples; 1,001 steps do not.
        Vector ok = (Vector) e.instant("count_over_time(vector(1)[998s:1s])", T, QueryOptions.DEFAULT).value();
        assertEquals(999, ok.samples().get(0).v());
        refused(() -> e.instant("count_over_time(vector(1)[1000s:1s])", T, QueryOptions.DEFAULT));
        // An instant query of a subquery returns its points, under the same rule.
        Matrix raw = (Matrix) e.instant("vector(1)[999s:1s]", T, QueryOptions.DEFAULT).value();
        assertEquals(1000, raw.series().get(0).count());
        refused(() -> e.instant("vector(1)[1000s:1s]", T, QueryOptions.DEFAULT));
        // A range query's own steps count too.
        refused(() -> e.range("vector(1)", 0, 1000_000, 1000, QueryOptions.DEFAULT));
    }

    @Test
    void aSubqueryPinnedWithAtIsCountedOnceNotPerStep() throws Exception {
        PromEngine e = new PromEngine(new MemoryStorage(), new EngineOptions(300_000, 60_000, 1000, 4));
        // Evaluated at one instant whatever the range query's length: 600 points, not 600 per step.
        Matrix m = (Matrix) e.range("count_over_time(vector(1)[599s:1s] @ 1700000000)", T - 600_000, T, 60_000,
                QueryOptions.DEFAULT).value();
        assertEquals(11, m.series().get(0).count());
        assertEquals(600, m.series().get(0).values()[0]);
    }

    @Test
    void sparseSeriesInASubqueryCostTheirWholeGrid() throws Exception {
        // Twenty series with one sample each: few present points, but twenty grids of 901 steps
        // (and twenty results).
        MemoryStorage s = new MemoryStorage();
        Appender app = s.appender();
        for (int i = 0; i < 20; i++) {
            app.append(0, Labels.of("__name__", "m", "i", Integer.toString(i)), T - 100_000, 1);
        }
        app.commit();
        PromEngine roomy = new PromEngine(s, new EngineOptions(300_000, 60_000, 20 * 901 + 20, 4));
        assertEquals(20, ((Vector) roomy.instant("count_over_time(m[900s:1s])", T, QueryOptions.DEFAULT).value()).samples().size());
        PromEngine tight = new PromEngine(s, new EngineOptions(300_000, 60_000, 20 * 901 + 19, 4));
        refused(() -> tight.instant("count_over_time(m[900s:1s])", T, QueryOptions.DEFAULT));
    }

    @Test
    void anUnboundedBudgetStillRefusesWhatNoArrayOrHeapCanHold() {
        PromEngine e = new PromEngine(new MemoryStorage(), new EngineOptions(300_000, 60_000, Long.MAX_VALUE, 4));
        refused(() -> e.instant("max_over_time(vector(1)[30d:1ms])", T, QueryOptions.DEFAULT));
        refused(() -> e.range("vector(1)", 0, Long.MAX_VALUE / 2, 1, QueryOptions.DEFAULT));
    }
}
