package dev.vigil.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AnswerDiffTest {
    private static String matrix(String series) {
        return "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" + series + "]}}";
    }

    @Test
    void equalAnswersInAnotherOrderDifferByNothing() {
        String a = matrix("{\"metric\":{\"a\":\"1\",\"b\":\"2\"},\"values\":[[1,\"1.5\"],[2,\"NaN\"]]},{\"metric\":{\"a\":\"2\"},\"values\":[[1,\"3\"]]}");
        String b = matrix("{\"metric\":{\"a\":\"2\"},\"values\":[[1,\"3\"]]},{\"metric\":{\"b\":\"2\",\"a\":\"1\"},\"values\":[[1,\"1.5\"],[2,\"NaN\"]]}");
        assertEquals(0, AnswerDiff.maxRelative(a, b));
    }

    @Test
    void theLargestRelativeDifferenceOfMatchingPointsIsReported() {
        String a = matrix("{\"metric\":{\"a\":\"1\"},\"values\":[[1,\"100\"],[2,\"10\"]]}");
        String b = matrix("{\"metric\":{\"a\":\"1\"},\"values\":[[1,\"99\"],[2,\"5\"]]}");
        assertEquals(0.5, AnswerDiff.maxRelative(a, b), 1e-12);
    }

    @Test
    void aSeriesOrPointInOneAnswerOnlyIsAnInfiniteDifference() {
        String a = matrix("{\"metric\":{\"a\":\"1\"},\"values\":[[1,\"1\"],[2,\"1\"]]}");
        assertEquals(Double.POSITIVE_INFINITY, AnswerDiff.maxRelative(a, matrix("{\"metric\":{\"a\":\"1\"},\"values\":[[1,\"1\"]]}")));
        assertEquals(Double.POSITIVE_INFINITY, AnswerDiff.maxRelative(a, matrix("{\"metric\":{\"a\":\"2\"},\"values\":[[1,\"1\"],[2,\"1\"]]}")));
    }

    @Test
    void scalarsLabelListsAndFailuresAreCompared() {
        String s1 = "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[5,\"4\"]}}";
        String s2 = "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[5,\"2\"]}}";
        assertEquals(0.5, AnswerDiff.maxRelative(s1, s2), 1e-12);
        assertEquals(0, AnswerDiff.maxRelative("{\"status\":\"success\",\"data\":[\"x\",\"y\"]}", "{\"status\":\"success\",\"data\":[\"y\",\"x\"]}"));
        assertEquals(Double.POSITIVE_INFINITY, AnswerDiff.maxRelative("{\"status\":\"success\",\"data\":[\"x\"]}", "{\"status\":\"success\",\"data\":[\"y\"]}"));
        assertEquals(Double.NaN, AnswerDiff.maxRelative("not json", s1));
    }
}
