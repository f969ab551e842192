package dev.vigil.tsdb.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Go's renderings as promtool prints them ({@code fmt.Sprintf("%g")}, {@code time.Duration.String()}). */
class GoFormatTest {
    @Test
    void percentG() {
        assertEquals("1", GoFormat.g(1));
        assertEquals("0.5", GoFormat.g(0.5));
        assertEquals("123456", GoFormat.g(123456));
        assertEquals("1e+06", GoFormat.g(1_000_000));
        assertEquals("1.234567e+06", GoFormat.g(1_234_567));
        assertEquals("0.0001", GoFormat.g(0.0001));
        assertEquals("1e-05", GoFormat.g(0.00001));
        assertEquals("-2.5e+100", GoFormat.g(-2.5e100));
        assertEquals("0.1", GoFormat.g(0.1));
        assertEquals("NaN", GoFormat.g(Double.NaN));
        assertEquals("+Inf", GoFormat.g(Double.POSITIVE_INFINITY));
        assertEquals("-Inf", GoFormat.g(Double.NEGATIVE_INFINITY));
        assertEquals("0", GoFormat.g(0));
    }

    @Test
    void durations() {
        assertEquals("2h0m0s", GoFormat.duration(7_200_000));
        assertEquals("1m30s", GoFormat.duration(90_000));
        assertEquals("1.5s", GoFormat.duration(1_500));
        assertEquals("999ms", GoFormat.duration(999));
        assertEquals("0s", GoFormat.duration(0));
        assertEquals("54h0m0s", GoFormat.duration(54 * 3_600_000L));
        assertEquals("1.05s", GoFormat.duration(1_050));
        assertEquals("1.005s", GoFormat.duration(1_005));
        assertEquals("-1m0.5s", GoFormat.duration(-60_500));
        assertEquals("-500ms", GoFormat.duration(-500));
    }

    @Test
    void timesAndSizesAsPromtoolListPrintsThem() {
        assertEquals("2023-11-14 23:59:00 +0000 UTC", GoFormat.time(1_700_006_340_001L));
        assertEquals("1KiB86B", GoFormat.bytes(1110));
        assertEquals("876B", GoFormat.bytes(876));
        assertEquals("1KiB", GoFormat.bytes(1024));
        assertEquals("2MiB3B", GoFormat.bytes(2 * 1024 * 1024 + 3));
        assertEquals("0B", GoFormat.bytes(0));
    }
}
