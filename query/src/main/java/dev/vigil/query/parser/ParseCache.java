package dev.vigil.query.parser;

import dev.vigil.query.ast.Expr;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parsed trees of recently seen query texts. A dashboard sends the same texts on every
 * refresh, and parsing one (lexer, ANTLR, type check, regex compilation) costs a small query
 * about a tenth of its time. Trees are immutable, so one serves every caller. Bounded in entries
 * and in the length of the texts it keeps; texts that fail to parse are not kept.
 */
public final class ParseCache {
    /** Longer texts are parsed every time: they are rare, and the cache's memory stays small. */
    static final int MAX_TEXT = 4096;

    private final Map<String, Expr> recent;

    public ParseCache(int entries) {
        this.recent = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Expr> eldest) {
                return size() > entries;
            }
        };
    }

    /** {@link Parser#parse}, answered from the cache when the text was parsed before. */
    public Expr parse(String input) {
        if (input.length() > MAX_TEXT) {
            return Parser.parse(input);
        }
        synchronized (recent) {
            Expr e = recent.get(input);
            if (e != null) {
                return e;
            }
        }
        Expr e = Parser.parse(input);
        synchronized (recent) {
            recent.put(input, e);
        }
        return e;
    }
}
