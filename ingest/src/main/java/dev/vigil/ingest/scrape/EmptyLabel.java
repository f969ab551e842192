package dev.vigil.ingest.scrape;

/** Finds {@code name=""} inside the braces of one exposition line. */
final class EmptyLabel {
    private EmptyLabel() {
    }

    static boolean in(byte[] b, int start, int end, String name) {
        int open = -1;
        for (int p = start; p < end; p++) {
            if (b[p] == '{') {
                open = p;
                break;
            }
        }
        if (open < 0) {
            return false;
        }
        boolean quoted = false;
        for (int p = open + 1; p < end; p++) {
            byte x = b[p];
            if (quoted) {
                if (x == '\\') {
                    p++;
                } else if (x == '"') {
                    quoted = false;
                }
                continue;
            }
            if (x == '"') {
                quoted = true;
            } else if (x == '}') {
                return false;
            } else if (matchesAt(b, p, end, name)) {
                int q = skipBlanks(b, p + name.length(), end);
                if (q < end && b[q] == '=') {
                    q = skipBlanks(b, q + 1, end);
                    if (q + 1 < end && b[q] == '"' && b[q + 1] == '"') {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean matchesAt(byte[] b, int p, int end, String name) {
        if (p + name.length() > end || (b[p - 1] != '{' && b[p - 1] != ',' && b[p - 1] != ' ' && b[p - 1] != '\t')) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (b[p + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int skipBlanks(byte[] b, int p, int end) {
        while (p < end && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        return p;
    }
}
