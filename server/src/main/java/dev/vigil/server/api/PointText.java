package dev.vigil.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.tsdb.text.GoFloat;
import java.io.IOException;

/**
 * Writes points {@code [<seconds>,"<value>"]} one after another for one answer, each as one raw
 * JSON value built in a reused char array. A value equal to the previous point's (a constant
 * gauge, a counter that did not move, a flat rate: common in Flink series) reuses its text
 * instead of formatting it again.
 */
final class PointText {
    /** '[', a timestamp (sign, 19 digits, '.', 3), ",\"", a value, "\"]". */
    private final char[] chars = new char[32 + GoFloat.MAX_CHARS];
    private final char[] value = new char[GoFloat.MAX_CHARS];
    private int valueLength = -1;
    private long valueBits;

    /** {@code [<t>,"<v>"]}: digits, signs, '.', 'e', "NaN", "Inf", nothing JSON escapes. */
    void write(JsonGenerator g, long t, double v) throws IOException {
        long bits = Double.doubleToRawLongBits(v);
        if (valueLength < 0 || bits != valueBits) {
            valueLength = GoFloat.write(v, value, 0);
            valueBits = bits;
        }
        char[] c = chars;
        c[0] = '[';
        int n = timestamp(t, c, 1);
        c[n++] = ',';
        c[n++] = '"';
        System.arraycopy(value, 0, c, n, valueLength);
        n += valueLength;
        c[n++] = '"';
        c[n++] = ']';
        g.writeRawValue(c, 0, n);
    }

    /** Milliseconds as {@link ApiTime#appendTimestamp} writes them, into {@code c}. */
    private static int timestamp(long ms, char[] c, int at) {
        if (ms < 0) {
            // Long.MIN_VALUE has no positive counterpart; such a time never reaches an answer.
            c[at++] = '-';
            ms = -ms;
        }
        at = digits(ms / 1000, c, at);
        int frac = (int) (ms % 1000);
        if (frac != 0) {
            // Exactly three digits, as Prometheus writes them: 1.500, 1.005.
            c[at++] = '.';
            c[at++] = (char) ('0' + frac / 100);
            c[at++] = (char) ('0' + frac / 10 % 10);
            c[at++] = (char) ('0' + frac % 10);
        }
        return at;
    }

    private static int digits(long v, char[] c, int at) {
        int n = 1;
        for (long q = v; q >= 10; q /= 10) {
            n++;
        }
        for (int i = at + n - 1; i >= at; i--) {
            c[i] = (char) ('0' + v % 10);
            v /= 10;
        }
        return at + n;
    }
}
