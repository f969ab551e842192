package dev.vigil.query.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.query.Engine;
import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.query.QueryOptions;
import dev.vigil.query.value.Matrix;
import dev.vigil.query.value.Vector;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.testing.MemoryStorage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The engine's limits and options: timeout, sample budget, concurrency, lookback, resolution. */
class EngineLimitsTest {
    private static MemoryStorage storage(int series, int samples) throws Exception {
        MemoryStorage s = new MemoryStorage();
        Appender app = s.appender();
        for (int i = 0; i < series; i++) {
            for (int j = 0; j < samples; j++) {
                app.append(0, Labels.of("__name__", "m", "i", Integer.toString(i)), j * 15_000L, j);
            }
        }
        app.commit();
        return s;
    }

    @Test
    void tooManySamplesIsAnExecutionError() throws Exception {
        PromEngine e = new PromEngine(storage(20, 100), new EngineOptions(300_000, 60_000, 1000, 4));
        QueryException ex = assertThrows(QueryException.class,
                () -> e.range("m", 0, 99 * 15_000L, 15_000, QueryOptions.DEFAULT));
        assertEquals(ErrorType.EXECUTION, ex.errorType());
        assertEquals("query processing would load too many samples into memory in query execution", ex.getMessage());
        // Within budget the same engine answers.
        Matrix ok = (Matrix) e.range("sum(m)", 0, 99 * 15_000L, 15_000, QueryOptions.DEFAULT).value();
        assertEquals(1, ok.series().size());
    }

    @Test
    void slowQueryTimesOut() throws Exception {
        MemoryStorage base = storage(1, 10);
        // A store that takes 50 ms per querier makes a query with many selectors exceed 100 ms.
        Storage slow = new Storage() {
            @Override
            public dev.vigil.tsdb.Appender appender() {
                return base.appender();
            }

            @Override
            public Querier querier(long mint, long maxt) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                return base.querier(mint, maxt);
            }

            @Override
            public java.util.Map<String, dev.vigil.tsdb.Metadata> metadata() {
                return base.metadata();
            }

            @Override
            public void close() {
            }
        };
        PromEngine e = new PromEngine(slow, new EngineOptions(300_000, 100, 50_000_000, 4));
        QueryException ex = assertThrows(QueryException.class,
                () -> e.instant("m + m + m + m + m + m", 60_000, QueryOptions.DEFAULT));
        assertEquals(ErrorType.TIMEOUT, ex.errorType());
        assertEquals("query timed out in expression evaluation", ex.getMessage());
        // A per-query timeout below the engine's applies too.
        PromEngine roomy = new PromEngine(slow, EngineOptions.DEFAULT);
        assertThrows(QueryException.class, () -> roomy.instant("m + m + m + m", 60_000, new QueryOptions(60, 0)));
    }

    @Test
    void waitingForASlotCountsTowardTheTimeout() throws Exception {
        MemoryStorage base = storage(1, 10);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Storage blocking = new Storage() {
            @Override
            public dev.vigil.tsdb.Appender appender() {
                return base.appender();
            }

            @Override
            public Querier querier(long mint, long maxt) {
                entered.countDown();
                try {
                    release.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                return base.querier(mint, maxt);
            }

            @Override
            public java.util.Map<String, dev.vigil.tsdb.Metadata> metadata() {
                return base.metadata();
            }

            @Override
            public void close() {
            }
        };
        PromEngine e = new PromEngine(blocking, new EngineOptions(300_000, 200, 50_000_000, 1));
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> first = pool.submit(() -> e.instant("m", 60_000, new QueryOptions(10_000, 0)));
            assertTrue(entered.await(5, TimeUnit.SECONDS));
            QueryException ex = assertThrows(QueryException.class, () -> e.instant("m", 60_000, QueryOptions.DEFAULT));
            assertEquals(ErrorType.TIMEOUT, ex.errorType());
            assertEquals("query timed out in query queue", ex.getMessage());
            release.countDown();
            first.get(5, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void lookbackDeltaIsConfigurable() throws Exception {
        MemoryStorage s = storage(1, 1);
        PromEngine fiveMinutes = new PromEngine(s, EngineOptions.DEFAULT);
        assertEquals(1, ((Vector) fiveMinutes.instant("m", 300_000, QueryOptions.DEFAULT).value()).samples().size());
        assertEquals(0, ((Vector) fiveMinutes.instant("m", 300_001, QueryOptions.DEFAULT).value()).samples().size());
        PromEngine oneMinute = new PromEngine(s, new EngineOptions(60_000, 120_000, 50_000_000, 20));
        assertEquals(0, ((Vector) oneMinute.instant("m", 60_001, QueryOptions.DEFAULT).value()).samples().size());
        assertEquals(1, ((Vector) oneMinute.instant("m", 90_000, new QueryOptions(0, 120_000)).value()).samples().size());
    }

    @Test
    void rangeQueryArgumentsAreChecked() throws Exception {
        PromEngine e = new PromEngine(storage(1, 1), EngineOptions.DEFAULT);
        assertEquals(ErrorType.BAD_DATA, assertThrows(QueryException.class,
                () -> e.range("m[5m]", 0, 60_000, 15_000, QueryOptions.DEFAULT)).errorType());
        assertEquals(ErrorType.BAD_DATA, assertThrows(QueryException.class,
                () -> e.range("m", 0, 60_000, 0, QueryOptions.DEFAULT)).errorType());
        assertEquals(ErrorType.BAD_DATA, assertThrows(QueryException.class,
                () -> e.range("m", 60_000, 0, 15_000, QueryOptions.DEFAULT)).errorType());
        Engine.checkResolution(0, 11_000_000, 1000);
        QueryException ex = assertThrows(QueryException.class, () -> Engine.checkResolution(0, 11_001_000, 1000));
        assertTrue(ex.getMessage().startsWith("exceeded maximum resolution of 11,000 points per timeseries"));
    }
}
