package dev.vigil.server.scrape;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a systemd unit's {@code ExecStart=} value into arguments as systemd does for the cases a
 * Prometheus unit uses: a backslash at the end of a line continues it, whitespace separates words,
 * double or single quotes group a word (and are removed), and a backslash escapes the next character.
 */
final class ExecStart {
    private ExecStart() {
    }

    /** The words of {@code value}, the program first. */
    static List<String> split(String value) {
        String joined = value.replaceAll("\\\\\\r?\\n", " ");
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (int i = 0; i < joined.length(); i++) {
            char c = joined.charAt(i);
            if (c == '\\' && i + 1 < joined.length()) {
                word = word == null ? new StringBuilder() : word;
                word.append(joined.charAt(++i));
            } else if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unbalanced quote in ExecStart: " + value);
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
