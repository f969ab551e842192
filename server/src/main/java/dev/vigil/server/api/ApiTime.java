package dev.vigil.server.api;

import dev.vigil.query.text.GoText;
import dev.vigil.tsdb.text.GoDuration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Time and duration parameters as the Prometheus API reads them: a float of unix seconds first
 * (rounded to ms), then RFC 3339; durations as float seconds or {@code 1h30m}-style. Sample
 * timestamps are written back as unix seconds with millisecond decimals.
 */
public final class ApiTime {
    /** Prometheus's {@code minTime}/{@code maxTime} in ms: the defaults of start/end. */
    public static final long MIN_TIME_MS = (Long.MIN_VALUE / 1000 + 62135596801L) * 1000;
    public static final long MAX_TIME_MS = (Long.MAX_VALUE / 1000 - 62135596801L) * 1000 + 999;
    /** The RFC 3339 spellings of min/max time, which clients echo back. */
    static final String MIN_TIME_TEXT = "-292273086-05-16T16:47:06Z";
    static final String MAX_TIME_TEXT = "292277025-08-18T07:12:54.999999999Z";

    /** What Go's strconv.ParseFloat accepts in decimal (hex floats are rare enough to skip). */
    private static final Pattern FLOAT = Pattern.compile(
            "[+-]?(?:(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?|(?i:inf|infinity|nan))");

    private ApiTime() {
    }

    /** Parses a float or a {@code [+-]Inf/NaN} as Go would; null when it is not one. */
    static Double parseGoFloat(String s) {
        if (isPlainDecimal(s)) {
            // What clients send (1700000000 or 1700000000.5), without the regex's matcher.
            return Double.parseDouble(s);
        }
        if (!FLOAT.matcher(s).matches()) {
            return null;
        }
        String t = s.toLowerCase(java.util.Locale.ROOT);
        String body = t.startsWith("+") || t.startsWith("-") ? t.substring(1) : t;
        boolean neg = t.startsWith("-");
        if (body.equals("nan")) {
            return Double.NaN;
        }
        if (body.startsWith("inf")) {
            return neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        return Double.parseDouble(s);
    }

    /** Digits with at most one dot among them and at least one digit: a float {@link #FLOAT} accepts. */
    private static boolean isPlainDecimal(String s) {
        boolean dot = false;
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == '.' && !dot) {
                dot = true;
            } else {
                return false;
            }
        }
        return digit;
    }

    /**
     * A timestamp in ms.
     *
     * @throws IllegalArgumentException with Prometheus's message {@code cannot parse "x" to a valid timestamp}
     */
    public static long parseTime(String s) {
        Double f = parseGoFloat(s);
        if (f != null && !f.isNaN() && !f.isInfinite()) {
            // Go: whole seconds, then the fraction rounded to ms; large values saturate.
            double whole = f < 0 ? Math.ceil(f) : Math.floor(f);
            // Go's math.Round: halves away from zero.
            long fracMs = (long) Math.copySign(Math.floor(Math.abs((f - whole) * 1000) + 0.5), f);
            return saturatingAdd(saturatingMul((long) whole, 1000), fracMs);
        }
        if (f == null) {
            try {
                OffsetDateTime t = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                return Math.multiplyExact(t.toEpochSecond(), 1000) + t.getNano() / 1_000_000;
            } catch (DateTimeParseException | ArithmeticException e) {
                // fall through
            }
            if (s.equals(MIN_TIME_TEXT)) {
                return MIN_TIME_MS;
            }
            if (s.equals(MAX_TIME_TEXT)) {
                return MAX_TIME_MS;
            }
        }
        throw new IllegalArgumentException("cannot parse " + GoText.quote(s) + " to a valid timestamp");
    }

    /**
     * A duration in ms: float seconds ({@code 15}, {@code 0.5}) or {@code 1h30m}; rounding below
     * a millisecond truncates, as Prometheus's ms timestamps do.
     */
    public static long parseDuration(String s) {
        Double f = parseGoFloat(s);
        if (f != null) {
            double ns = f * 1e9;
            if (f.isNaN() || ns > Long.MAX_VALUE || ns < Long.MIN_VALUE) {
                throw new IllegalArgumentException("cannot parse " + GoText.quote(s) + " to a valid duration. It overflows int64");
            }
            return (long) ns / 1_000_000;
        }
        long ms = parsePromDuration(s);
        if (ms < 0) {
            throw new IllegalArgumentException("cannot parse " + GoText.quote(s) + " to a valid duration");
        }
        return ms;
    }

    /** A Prometheus duration ({@code 5m}, {@code 1h30m}, {@code 0}) in ms, or −1 when malformed. */
    public static long parsePromDuration(String s) {
        return GoDuration.parse(s);
    }

    private static long saturatingMul(long a, long b) {
        long r = a * b;
        if (a != 0 && (r / b != a)) {
            return a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return a > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
        }
        return r;
    }

    /**
     * Appends a millisecond timestamp as Prometheus writes it: unix seconds, plus a dot and
     * exactly three digits only when the millisecond part is not zero ({@code 4}, {@code 1.005}).
     */
    public static void appendTimestamp(long ms, StringBuilder out) {
        if (ms < 0) {
            out.append('-');
            ms = -ms;
        }
        out.append(ms / 1000);
        long frac = ms % 1000;
        if (frac != 0) {
            out.append('.');
            if (frac < 100) {
                out.append('0');
            }
            if (frac < 10) {
                out.append('0');
            }
            out.append(frac);
        }
    }

    public static String timestamp(long ms) {
        StringBuilder sb = new StringBuilder(20);
        appendTimestamp(ms, sb);
        return sb.toString();
    }
}
