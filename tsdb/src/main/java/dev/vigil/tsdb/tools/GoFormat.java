package dev.vigil.tsdb.tools;

import dev.vigil.tsdb.text.GoDuration;
import dev.vigil.tsdb.text.GoFloat;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Go's renderings that promtool's output uses: {@code %g} of a float, a duration, a UTC time, a byte size. */
public final class GoFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss '+0000 UTC'").withZone(ZoneOffset.UTC);

    private GoFormat() {
    }

    /** Go's {@code %g}: the shortest digits, with an exponent below 1e-4 and from 1e6. */
    public static String g(double v) {
        return GoFloat.g(v);
    }

    /** Go's {@code time.Duration} string of milliseconds, as {@code 2h0m0s} or {@code 1.5s}. */
    public static String duration(long ms) {
        return GoDuration.timeDuration(ms);
    }

    /** A millisecond timestamp as Go prints a UTC time of whole seconds (promtool drops the milliseconds). */
    public static String time(long ms) {
        return TIME.format(Instant.ofEpochMilli(ms));
    }

    /** Bytes as Go's units.Base2Bytes prints them: every non-zero binary unit, largest first ({@code 1KiB86B}). */
    public static String bytes(long n) {
        if (n == 0) {
            return "0B";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < units.length && n != 0; i++) {
            long part = n % 1024;
            if (part != 0) {
                sb.insert(0, part + units[i]);
            }
            n /= 1024;
        }
        return sb.toString();
    }
}
