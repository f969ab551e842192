package dev.vigil.query.text;

/**
 * Text formatting that PromQL inherits from its reference implementation: quoted strings and
 * runes with Go's escapes, and durations in PromQL's units.
 * Printed queries and error messages must read exactly the same, so tools that compare them
 * keep working.
 */
public final class GoText {
    private GoText() {}

    static final long SECOND = 1000;
    static final long MINUTE = 60 * SECOND;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    static final long WEEK = 7 * DAY;
    static final long YEAR = 365 * DAY;

    /** {@code s} in double quotes with Go's escapes (non-printable characters escaped). */
    public static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            appendEscaped(sb, c, '"');
        }
        return sb.append('"').toString();
    }

    /** A rune in single quotes with Go's escapes, as in {@code 'x'}. */
    public static String quoteRune(int c) {
        if (c < 0 || c > Character.MAX_CODE_POINT || Character.isSurrogate((char) c) && c <= 0xFFFF) {
            c = 0xFFFD;
        }
        StringBuilder sb = new StringBuilder("'");
        appendEscaped(sb, c, '\'');
        return sb.append('\'').toString();
    }

    /** A rune as {@code U+0063 'c'}, the way Go's {@code %#U} shows it. */
    public static String unicodeRune(int c) {
        if (c < 0) {
            c = 0xFFFD;
        }
        String hex = String.format("U+%04X", c);
        return isPrint(c) ? hex + " '" + new String(Character.toChars(c)) + "'" : hex;
    }

    private static void appendEscaped(StringBuilder sb, int c, char q) {
        if (c == q || c == '\\') {
            sb.append('\\').appendCodePoint(c);
            return;
        }
        if (isPrint(c)) {
            sb.appendCodePoint(c);
            return;
        }
        switch (c) {
            case 7 -> sb.append("\\a");
            case '\b' -> sb.append("\\b");
            case '\f' -> sb.append("\\f");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            case 11 -> sb.append("\\v");
            default -> {
                if (c < ' ' || c == 0x7f) {
                    sb.append(String.format("\\x%02x", c));
                } else if (c >= 0xDC80 && c <= 0xDCFF) {
                    sb.append(String.format("\\x%02x", c - 0xDC00)); // a byte that was not UTF-8
                } else if (Character.isSurrogate((char) c) && c <= 0xFFFF) {
                    sb.append("\\ufffd");
                } else if (c < 0x10000) {
                    sb.append(String.format("\\u%04x", c));
                } else {
                    sb.append(String.format("\\U%08x", c));
                }
            }
        }
    }

    /** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    public static boolean isPrint(int c) {
        if (c == ' ') {
            return true;
        }
        return switch (Character.getType(c)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER, Character.NON_SPACING_MARK,
                    Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK, Character.DECIMAL_DIGIT_NUMBER,
                    Character.LETTER_NUMBER, Character.OTHER_NUMBER, Character.CONNECTOR_PUNCTUATION,
                    Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                    Character.INITIAL_QUOTE_PUNCTUATION, Character.FINAL_QUOTE_PUNCTUATION,
                    Character.OTHER_PUNCTUATION, Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL,
                    Character.MODIFIER_SYMBOL, Character.OTHER_SYMBOL -> true;
            default -> false;
        };
    }

    /**
     * Decodes UTF-8, keeping each byte that is not part of a valid sequence as U+DC80..U+DCFF
     * (like Python's surrogateescape), so a string built from {@code \xff} escapes prints back
     * as written and never equals valid text.
     */
    public static String decodeUtf8(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            int n;
            int cp;
            if (c < 0x80) {
                sb.append((char) c);
                i++;
                continue;
            } else if (c >= 0xC2 && c <= 0xDF) {
                n = 1;
                cp = c & 0x1F;
            } else if (c >= 0xE0 && c <= 0xEF) {
                n = 2;
                cp = c & 0x0F;
            } else if (c >= 0xF0 && c <= 0xF4) {
                n = 3;
                cp = c & 0x07;
            } else {
                sb.append((char) (0xDC00 + c));
                i++;
                continue;
            }
            boolean ok = true;
            for (int k = 1; ok && k <= n; k++) {
                if (i + k >= b.length || (b[i + k] & 0xC0) != 0x80) {
                    ok = false;
                } else {
                    cp = (cp << 6) | (b[i + k] & 0x3F);
                }
            }
            int min = n == 1 ? 0x80 : n == 2 ? 0x800 : 0x10000;
            if (!ok || cp < min || cp > Character.MAX_CODE_POINT || (cp >= 0xD800 && cp <= 0xDFFF)) {
                sb.append((char) (0xDC00 + c));
                i++;
                continue;
            }
            sb.appendCodePoint(cp);
            i += n + 1;
        }
        return sb.toString();
    }

    /** A duration in ms as PromQL prints it, e.g. {@code 1h30m}, {@code 90d}, {@code 0s}. */
    public static String formatDuration(long ms) {
        return dev.vigil.tsdb.text.GoDuration.format(ms);
    }

    /**
     * Parses a PromQL duration ({@code 1h30m}; units y w d h m s ms, each at most once, in that
     * order) into ms.
     *
     * @throws IllegalArgumentException with the message to report
     */
    public static long parseDuration(String s) {
        if (s.equals("0")) {
            return 0;
        }
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        String[] units = {"y", "w", "d", "h", "m", "s", "ms"};
        long[] mults = {YEAR, WEEK, DAY, HOUR, MINUTE, SECOND, 1};
        int i = 0;
        int u = 0;
        long total = 0;
        boolean overflow = false;
        while (i < s.length()) {
            int j = i;
            while (j < s.length() && isAsciiDigit(s.charAt(j))) {
                j++;
            }
            if (j == i || j == s.length()) {
                throw invalidDuration(s);
            }
            int k = j;
            while (k < s.length() && Character.isLetter(s.charAt(k))) {
                k++;
            }
            String unit = s.substring(j, k);
            int found = -1;
            for (int x = u; x < units.length; x++) {
                if (units[x].equals(unit)) {
                    found = x;
                    break;
                }
            }
            if (found < 0) {
                throw invalidDuration(s);
            }
            String num = s.substring(i, j);
            long n;
            try {
                n = Long.parseLong(num);
            } catch (NumberFormatException e) {
                n = Long.MAX_VALUE;
            }
            if (n > Long.MAX_VALUE / mults[found]) {
                overflow = true;
            } else {
                total += n * mults[found];
                if (total < 0) {
                    overflow = true;
                }
            }
            u = found + 1;
            i = k;
        }
        // Prometheus keeps durations in ns: anything beyond ~292 years does not fit.
        if (overflow || total > Long.MAX_VALUE / 1_000_000L) {
            throw new IllegalArgumentException("duration out of range");
        }
        return total;
    }

    private static IllegalArgumentException invalidDuration(String s) {
        return new IllegalArgumentException("not a valid duration string: " + quote(s));
    }

    private static boolean isAsciiDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
