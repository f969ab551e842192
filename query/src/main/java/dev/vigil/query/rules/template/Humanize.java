package dev.vigil.query.rules.template;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Prometheus's humanize* template functions, digit for digit (Go's {@code %.4g}). */
final class Humanize {
    private static final String[] BIG = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
    private static final String[] SMALL = {"m", "u", "n", "p", "f", "a", "z", "y"};
    private static final String[] BINARY = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private Humanize() {
    }

    private static String g4(double v) {
        return GoFormat.general(v, 4);
    }

    static String humanize(double v) {
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        String prefix = "";
        if (Math.abs(v) >= 1) {
            for (String p : BIG) {
                if (Math.abs(v) < 1000) {
                    break;
                }
                prefix = p;
                v /= 1000;
            }
            return g4(v) + prefix;
        }
        for (String p : SMALL) {
            if (Math.abs(v) >= 1) {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return g4(v) + prefix;
    }

    static String humanize1024(double v) {
        if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        String prefix = "";
        for (String p : BINARY) {
            if (Math.abs(v) < 1024) {
                break;
            }
            prefix = p;
            v /= 1024;
        }
        return g4(v) + prefix;
    }

    static String duration(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        if (v == 0) {
            return g4(v) + "s";
        }
        if (Math.abs(v) >= 1) {
            String sign = "";
            if (v < 0) {
                sign = "-";
                v = -v;
            }
            long d = (long) v;
            long seconds = d % 60;
            long minutes = (d / 60) % 60;
            long hours = (d / 3600) % 24;
            long days = d / 86400;
            if (days != 0) {
                return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (hours != 0) {
                return sign + hours + "h " + minutes + "m " + seconds + "s";
            }
            if (minutes != 0) {
                return sign + minutes + "m " + seconds + "s";
            }
            return sign + g4(v) + "s";
        }
        String prefix = "";
        for (String p : SMALL) {
            if (Math.abs(v) >= 1) {
                break;
            }
            prefix = p;
            v *= 1000;
        }
        return g4(v) + prefix + "s";
    }

    static String percentage(double v) {
        return g4(v * 100) + "%";
    }

    /** Go's {@code time.Time.String()} in UTC: fraction without trailing zeros. */
    static String timestamp(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return g4(v);
        }
        double ns = v * 1e9;
        if (ns > Long.MAX_VALUE || ns < Long.MIN_VALUE) {
            throw new TemplateException(GoFormat.print(v) + " cannot be represented as a nanoseconds timestamp since it overflows int64");
        }
        long nanos = (long) ns;
        // model.TimeFromUnixNano keeps milliseconds only.
        long ms = Math.floorDiv(nanos, 1_000_000L);
        return goTime(ms);
    }

    static String goTime(long ms) {
        Instant t = Instant.ofEpochMilli(ms);
        StringBuilder sb = new StringBuilder(SECONDS.format(t.atOffset(ZoneOffset.UTC)));
        int frac = (int) Math.floorMod(ms, 1000L);
        if (frac != 0) {
            String f = String.format("%03d", frac);
            while (f.endsWith("0")) {
                f = f.substring(0, f.length() - 1);
            }
            sb.append('.').append(f);
        }
        return sb.append(" +0000 UTC").toString();
    }
}
