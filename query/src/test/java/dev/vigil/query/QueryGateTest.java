package dev.vigil.query;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import org.junit.jupiter.api.Test;

/** The shared query slots: a full gate times out in the queue, a late admission in its stage. */
class QueryGateTest {
    @Test
    void aFullGateTimesOutInTheQueueAndFreesOnClose() {
        QueryGate g = new QueryGate(1, 60_000);
        QueryGate.Admission a = g.enter(0);
        QueryException e = assertThrows(QueryException.class, () -> g.enter(50));
        assertEquals(QueryException.ErrorType.TIMEOUT, e.errorType());
        assertEquals("query timed out in query queue", e.getMessage());
        a.close();
        a.close(); // twice frees once
        QueryGate.Admission b = g.enter(50);
        assertThrows(QueryException.class, () -> g.enter(50), "still one slot, not two");
        b.close();
    }

    @Test
    void aLateAdmissionSaysWhereItRanOutOfTime() throws Exception {
        QueryGate g = new QueryGate(2, 60_000);
        try (QueryGate.Admission a = g.enter(20)) {
            assertDoesNotThrow(() -> a.check("series selection"), "a fresh deadline has not passed");
            Thread.sleep(40);
            QueryException e = assertThrows(QueryException.class, () -> a.check("series selection"));
            assertEquals(QueryException.ErrorType.TIMEOUT, e.errorType());
            assertEquals("query timed out in series selection", e.getMessage());
            QueryException t = assertThrows(QueryException.class, () -> {
                for (int i = 0; i < 256; i++) {
                    a.tick("label names lookup");
                }
            });
            assertEquals("query timed out in label names lookup", t.getMessage());
        }
    }

    @Test
    void aRequestCannotOutwaitTheConfiguredTimeout() {
        QueryGate g = new QueryGate(1, 50);
        try (QueryGate.Admission a = g.enter(0)) {
            // Bounded by the gate's 50 ms, not the hour asked for (generous: a loaded machine).
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(60),
                    () -> assertThrows(QueryException.class, () -> g.enter(3_600_000)));
        }
    }
}
