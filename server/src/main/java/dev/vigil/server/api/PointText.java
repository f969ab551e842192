package dev.vigil.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vigil.tsdb.text.GoFloat;
import java.io.IOException;

/**
 * Writes points {@code [<seconds>,"<value>"]} one after another for one answer, each as one raw
 * JSON value built in a reused char array. A value equal to the previous point's (a constant
 * gauge, a counter that did not move, a flat rate: common in Flink series) reuses its text
 * instead of formatting it again, and a timestamp one step after the previous one is that
 * text advanced by the step.
 */
final class PointText {
    /** '[', a timestamp (sign, 19 digits, '.', 3), ",\"", a value, "\"]". */
    private final char[] chars = new char[32 + GoFloat.MAX_CHARS];
    private final char[] value = new char[GoFloat.MAX_CHARS];
    private int valueLength = -1;
    private long valueBits;
    /** The previous point's whole seconds and their text; length 0 when there is none. */
    private final char[] secondsText = new char[20];
    private int secondsLength;
    private long seconds;

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
    private int timestamp(long ms, char[] c, int at) {
        if (ms < 0) {
            // Long.MIN_VALUE has no positive counterpart; such a time never reaches an answer.
            c[at++] = '-';
            ms = -ms;
            secondsLength = 0;
        }
        long s = ms / 1000;
        if (secondsLength == 0 || s < seconds || !advanceSeconds(s - seconds)) {
            secondsLength = GoFloat.writeLong(s, secondsText, 0);
        }
        seconds = s;
        System.arraycopy(secondsText, 0, c, at, secondsLength);
        at += secondsLength;
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

    /**
     * Adds {@code d} ≥ 0 to the seconds' text in place, as the points of a range answer are one
     * step apart: a few digits change, not ten. False when the sum needs another digit (the
     * text is then written afresh).
     */
    private boolean advanceSeconds(long d) {
        int i = secondsLength - 1;
        while (d != 0) {
            if (i < 0) {
                return false;
            }
            int digit = secondsText[i] - '0' + (int) (d % 10);
            d /= 10;
            if (digit >= 10) {
                digit -= 10;
                d++;
            }
            secondsText[i--] = (char) ('0' + digit);
        }
        return true;
    }
}
