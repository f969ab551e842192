package dev.vigil.ingest.relabel;

/**
 * A regex that is only literal alternatives ({@code cluster}, {@code id|uid}, {@code go_gc_duration_seconds}):
 * matched by comparing strings, without running the regex engine. Null when the regex is anything else.
 */
final class Literals {
    private Literals() {
    }

    /** The alternatives, or null when the regex has any character with a meaning to RE2 but {@code |}. */
    static String[] of(String regex) {
        if (regex == null) {
            return null;
        }
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':' || c == '-'
                    || c == '|' || c == ' ' || c == '/' || c == '=' || c == ',' || c == ';' || c == '@' || c == '%')) {
                return null;
            }
        }
        return regex.split("\\|", -1);
    }

    /**
     * A literal every match starts with ({@code node_filesystem_} of {@code node_filesystem_.*;tmpfs}),
     * so most non-matching values are refused by a comparison; empty when there is none or when
     * the regex is too complex to tell (an alternation at the top, a class or an escape).
     */
    static String prefix(String regex) {
        if (regex == null || regex.indexOf('[') >= 0 || regex.indexOf('\\') >= 0) {
            return "";
        }
        int depth = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                return "";
            }
        }
        int end = 0;
        while (end < regex.length() && isPlain(regex.charAt(end))) {
            end++;
        }
        if (end < regex.length() && "*+?{".indexOf(regex.charAt(end)) >= 0) {
            end--; // the quantifier applies to the last literal character
        }
        return end <= 0 ? "" : regex.substring(0, end);
    }

    private static boolean isPlain(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == ':' || c == '-'
                || c == ' ' || c == '/' || c == '=' || c == ',' || c == ';' || c == '@' || c == '%';
    }

    static boolean startsWith(CharSequence s, String prefix) {
        if (s.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (s.charAt(i) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static boolean matches(String[] alternatives, CharSequence s) {
        for (String a : alternatives) {
            if (a.contentEquals(s)) {
                return true;
            }
        }
        return false;
    }
}
