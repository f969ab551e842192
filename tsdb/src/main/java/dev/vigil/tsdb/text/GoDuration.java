package dev.vigil.tsdb.text;

/** Durations written as Prometheus writes them ({@code 1h30m}, {@code 90d}, {@code 0s}): one formatter and parser for every module. */
public final class GoDuration {
    private static final java.util.regex.Pattern PARSED = java.util.regex.Pattern.compile(
            "(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?");
    private static final long SECOND = 1000;
    private static final long MINUTE = 60 * SECOND;
    private static final long HOUR = 60 * MINUTE;
    private static final long DAY = 24 * HOUR;
    private static final long WEEK = 7 * DAY;
    private static final long YEAR = 365 * DAY;

    private GoDuration() {
    }

    /** A Prometheus duration ({@code 5m}, {@code 1h30m}, {@code 0}) in ms, or -1 when malformed or overflowing. */
    public static long parse(String s) {
        if (s.equals("0")) {
            return 0;
        }
        java.util.regex.Matcher m = PARSED.matcher(s);
        if (s.isEmpty() || !m.matches()) {
            return -1;
        }
        long[] unitMs = {YEAR, WEEK, DAY, HOUR, MINUTE, SECOND, 1};
        long total = 0;
        try {
            for (int i = 0; i < unitMs.length; i++) {
                String g = m.group(i + 1);
                if (g != null) {
                    total = Math.addExact(total, Math.multiplyExact(Long.parseLong(g), unitMs[i]));
                }
            }
        } catch (ArithmeticException | NumberFormatException e) {
            return -1;
        }
        return total;
    }

    /** A duration in ms, largest units first. */
    public static String format(long ms) {
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        long rest = ms;
        // Years and weeks only when exact: 90d reads better than 12w6d.
        if (rest % YEAR == 0) {
            rest = unit(sb, rest, YEAR, "y");
        }
        if (rest % WEEK == 0) {
            rest = unit(sb, rest, WEEK, "w");
        }
        rest = unit(sb, rest, DAY, "d");
        rest = unit(sb, rest, HOUR, "h");
        rest = unit(sb, rest, MINUTE, "m");
        rest = unit(sb, rest, SECOND, "s");
        unit(sb, rest, 1, "ms");
        return sb.toString();
    }

    /** Go's {@code time.Duration} String() of whole milliseconds: {@code 2h0m0s}, {@code 1.5s}, {@code 500ms}. */
    public static String timeDuration(long ms) {
        if (ms == 0) {
            return "0s";
        }
        StringBuilder sb = new StringBuilder();
        if (ms < 0) {
            sb.append('-');
            ms = -ms;
        }
        if (ms < SECOND) {
            return sb.append(ms).append("ms").toString();
        }
        long h = ms / HOUR;
        long m = ms / MINUTE % 60;
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            sb.append(m).append('m');
        }
        sb.append(ms / SECOND % 60);
        long frac = ms % SECOND;
        if (frac > 0) {
            sb.append('.').append(frac / 100);
            if (frac % 100 > 0) {
                sb.append(frac / 10 % 10);
                if (frac % 10 > 0) {
                    sb.append(frac % 10);
                }
            }
        }
        return sb.append('s').toString();
    }

    private static long unit(StringBuilder sb, long rest, long mult, String name) {
        long v = rest / mult;
        if (v > 0) {
            sb.append(v).append(name);
            return rest - v * mult;
        }
        return rest;
    }
}
