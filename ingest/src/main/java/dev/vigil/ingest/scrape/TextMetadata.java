package dev.vigil.ingest.scrape;

import dev.vigil.tsdb.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the {@code # HELP} and {@code # TYPE} lines of a text-format body for the metadata API.
 * The sample parser skips comments; this looks only at lines that start with {@code #}.
 */
final class TextMetadata {
    private TextMetadata() {
    }

    static void scan(byte[] b, Map<String, Metadata> out) {
        Map<String, String> help = new HashMap<>();
        Map<String, String> type = new HashMap<>();
        int pos = 0;
        while (pos < b.length) {
            int eol = pos;
            while (eol < b.length && b[eol] != '\n') {
                eol++;
            }
            if (eol - pos > 7 && b[pos] == '#') {
                comment(b, pos + 1, eol, help, type);
            }
            pos = eol + 1;
        }
        for (Map.Entry<String, String> e : type.entrySet()) {
            out.put(e.getKey(), new Metadata(e.getValue(), help.getOrDefault(e.getKey(), ""), ""));
        }
        for (Map.Entry<String, String> e : help.entrySet()) {
            out.putIfAbsent(e.getKey(), new Metadata("unknown", e.getValue(), ""));
        }
    }

    private static void comment(byte[] b, int p, int end, Map<String, String> help, Map<String, String> type) {
        while (p < end && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        boolean isHelp = startsWith(b, p, end, "HELP");
        if (!isHelp && !startsWith(b, p, end, "TYPE")) {
            return;
        }
        p += 4;
        if (p >= end || (b[p] != ' ' && b[p] != '\t')) {
            return;
        }
        while (p < end && (b[p] == ' ' || b[p] == '\t')) {
            p++;
        }
        int nameStart = p;
        while (p < end && b[p] != ' ' && b[p] != '\t') {
            p++;
        }
        if (p == nameStart) {
            return;
        }
        String name = new String(b, nameStart, p - nameStart, StandardCharsets.UTF_8);
        if (p < end) {
            p++; // one separator; the rest is the text
        }
        int textEnd = end > p && b[end - 1] == '\r' ? end - 1 : end;
        String text = new String(b, p, Math.max(0, textEnd - p), StandardCharsets.UTF_8);
        if (isHelp) {
            help.putIfAbsent(name, unescape(text));
        } else {
            String t = text.strip().toLowerCase(java.util.Locale.ROOT);
            // The text format's "untyped" is Prometheus's "unknown" once scraped.
            type.putIfAbsent(name, t.equals("untyped") ? "unknown" : t);
        }
    }

    private static boolean startsWith(byte[] b, int p, int end, String s) {
        if (end - p < s.length()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (b[p + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                if (n == 'n') {
                    out.append('\n');
                } else if (n == '\\') {
                    out.append('\\');
                } else {
                    out.append('\\').append(n);
                }
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
