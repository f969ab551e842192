package dev.vigil.query.eval;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

/** The calendar functions ({@code hour}, {@code day_of_week}, ...): fields of a Unix time in UTC. */
final class DateFunctions {
    private DateFunctions() {}

    /** Go's float64 to int64 conversion on amd64: out of range and NaN give the minimum int64. */
    static long goInt64(double v) {
        if (Double.isNaN(v) || v >= 0x1p63 || v < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) v;
    }

    static double dateField(String f, long epochSeconds) {
        ZonedDateTime t;
        try {
            t = Instant.ofEpochSecond(epochSeconds).atZone(ZoneOffset.UTC);
        } catch (java.time.DateTimeException e) {
            return Double.NaN;
        }
        return switch (f) {
            case "days_in_month" -> t.toLocalDate().lengthOfMonth();
            case "day_of_month" -> t.getDayOfMonth();
            case "day_of_week" -> t.getDayOfWeek().getValue() % 7;
            case "day_of_year" -> t.getDayOfYear();
            case "hour" -> t.getHour();
            case "minute" -> t.getMinute();
            case "month" -> t.getMonthValue();
            default -> t.getYear();
        };
    }
}
