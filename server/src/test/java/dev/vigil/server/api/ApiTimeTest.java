package dev.vigil.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ApiTimeTest {
    @Test
    void timesAsFloatSecondsOrRfc3339() {
        assertEquals(4000, ApiTime.parseTime("4"));
        assertEquals(1_700_000_000_500L, ApiTime.parseTime("1700000000.5"));
        assertEquals(1000, ApiTime.parseTime("1.0004"));
        assertEquals(-1500, ApiTime.parseTime("-1.5"));
        assertEquals(1_435_781_451_781L, ApiTime.parseTime("2015-07-01T20:10:51.781Z"));
        assertEquals(1_435_781_451_781L - 3_600_000, ApiTime.parseTime("2015-07-01T20:10:51.781+01:00"));
        // ms-magnitude values are huge second values, never an error (Grafana's exemplar probe)
        assertEquals(1_700_000_000_000_000L, ApiTime.parseTime("1700000000000"));
        assertEquals(ApiTime.MIN_TIME_MS, ApiTime.parseTime(ApiTime.MIN_TIME_TEXT));
        assertEquals(ApiTime.MAX_TIME_MS, ApiTime.parseTime(ApiTime.MAX_TIME_TEXT));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ApiTime.parseTime("abc"));
        assertEquals("cannot parse \"abc\" to a valid timestamp", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ApiTime.parseTime(""));
        assertThrows(IllegalArgumentException.class, () -> ApiTime.parseTime("1d"));
        assertThrows(IllegalArgumentException.class, () -> ApiTime.parseTime(" 1"));
    }

    @Test
    void plainDecimalsAndGoSpellingsParseAlike() {
        assertEquals(1000, ApiTime.parseTime("1."));
        assertEquals(500, ApiTime.parseTime(".5"));
        assertEquals(1_700_000_000_000L, ApiTime.parseTime("1700000000"));
        assertEquals(1_700_000_000_000L, ApiTime.parseTime("+1700000000"));
        assertEquals(1_700_000_000_000L, ApiTime.parseTime("17e8"));
        assertEquals(Double.valueOf(0.25), ApiTime.parseGoFloat("0.25"));
        assertEquals(Double.POSITIVE_INFINITY, ApiTime.parseGoFloat("+Inf"));
        assertEquals(null, ApiTime.parseGoFloat("."));
        assertEquals(null, ApiTime.parseGoFloat("1.2.3"));
        assertEquals(null, ApiTime.parseGoFloat(""));
        assertThrows(IllegalArgumentException.class, () -> ApiTime.parseTime("."));
        assertThrows(IllegalArgumentException.class, () -> ApiTime.parseTime("1..5"));
    }

    @Test
    void durations() {
        assertEquals(15_000, ApiTime.parseDuration("15"));
        assertEquals(500, ApiTime.parseDuration("0.5"));
        assertEquals(60_000, ApiTime.parseDuration("1m"));
        assertEquals(5_400_000, ApiTime.parseDuration("1h30m"));
        assertEquals(86_400_000L * 7, ApiTime.parseDuration("1w"));
        assertEquals(100, ApiTime.parseDuration("100ms"));
        assertEquals(0, ApiTime.parseDuration("0"));
        assertEquals("cannot parse \"1ns\" to a valid duration",
                assertThrows(IllegalArgumentException.class, () -> ApiTime.parseDuration("1ns")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> ApiTime.parseDuration("30m1h"));
        assertThrows(IllegalArgumentException.class, () -> ApiTime.parseDuration(""));
        assertThrows(IllegalArgumentException.class, () -> ApiTime.parseDuration("1e30"));
    }

    @Test
    void timestampsHaveThreeDecimalsOnlyWhenNeeded() {
        assertEquals("4", ApiTime.timestamp(4000));
        assertEquals("1.500", ApiTime.timestamp(1500));
        assertEquals("1.005", ApiTime.timestamp(1005));
        assertEquals("1.050", ApiTime.timestamp(1050));
        assertEquals("1435781451.781", ApiTime.timestamp(1435781451781L));
        assertEquals("-1.500", ApiTime.timestamp(-1500));
        assertEquals("-0.500", ApiTime.timestamp(-500));
        assertEquals("0", ApiTime.timestamp(0));
    }
}
