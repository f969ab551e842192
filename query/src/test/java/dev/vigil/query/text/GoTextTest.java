package dev.vigil.query.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.tsdb.text.GoFloat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoTextTest {
    @ParameterizedTest
    @CsvSource({"1h30m,5400000,1h30m", "90m,5400000,1h30m", "100ms,100,100ms", "1y,31536000000,1y", "2w,1209600000,2w",
        "14d,1209600000,2w", "8d,691200000,8d", "1y2w3d4h5m6s7ms,33019506007,382d4h5m6s7ms", "3600s,3600000,1h",
        "0s,0,0s", "1s500ms,1500,1s500ms"})
    void durations(String in, long ms, String printed) {
        assertEquals(ms, GoText.parseDuration(in));
        assertEquals(printed, GoText.formatDuration(ms));
    }

    @ParameterizedTest
    @CsvSource({"5m1h", "1hs", "5y1hs", "1m1m", "5", "m", "1.5h"})
    void badDurations(String in) {
        assertEquals("not a valid duration string: \"" + in + "\"",
                assertThrows(IllegalArgumentException.class, () -> GoText.parseDuration(in)).getMessage());
    }

    @ParameterizedTest
    @CsvSource({"1,1", "0.5,0.5", "100000,100000", "1000000,1e+06", "12345678.9,1.23456789e+07", "0.0001,0.0001",
        "0.00001,1e-05", "-2.5,-2.5", "1e21,1e+21", "1.7976931348623157e308,1.7976931348623157e+308"})
    void floats(double v, String printed) {
        assertEquals(printed, GoFloat.g(v));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '^', value = {
        "^a\"b\\c^|^\"a\\\"b\\\\c\"^", "^é\t\n^|^\"é\\t\\n\"^", "^\u0000\u007f\u00a0^|^\"\\x00\\x7f\\u00a0\"^"})
    void quoting(String in, String want) {
        assertEquals(want, GoText.quote(in));
    }
}
