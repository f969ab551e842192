package dev.vigil.query.parser;

import dev.vigil.query.text.GoText;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.antlr.v4.runtime.CommonToken;
import org.antlr.v4.runtime.Token;

/**
 * The PromQL scanner: turns a query into tokens for {@link PromQLParser}.
 *
 * <p>Scanning is context dependent, as in Prometheus: inside braces every word is an identifier
 * and only matcher operators and strings are allowed; right after {@code [} comes a duration; a
 * number directly followed by a unit is a duration. On the first lexical error scanning stops:
 * the token list then ends with an EOF token at the error, and {@link #error()} tells what went
 * wrong. String tokens carry their unescaped value as text; {@link #source(Token)} gives the
 * source text of any token.
 */
final class Lexer {
    private static final int EOF_CHAR = -1;

    private static final Map<String, Integer> KEYWORDS = Map.ofEntries(
            Map.entry("and", PromQLParser.LAND), Map.entry("or", PromQLParser.LOR),
            Map.entry("unless", PromQLParser.LUNLESS), Map.entry("atan2", PromQLParser.ATAN2),
            Map.entry("sum", PromQLParser.SUM), Map.entry("avg", PromQLParser.AVG),
            Map.entry("count", PromQLParser.COUNT), Map.entry("min", PromQLParser.MIN),
            Map.entry("max", PromQLParser.MAX), Map.entry("group", PromQLParser.GROUP),
            Map.entry("stddev", PromQLParser.STDDEV), Map.entry("stdvar", PromQLParser.STDVAR),
            Map.entry("topk", PromQLParser.TOPK), Map.entry("bottomk", PromQLParser.BOTTOMK),
            Map.entry("count_values", PromQLParser.COUNT_VALUES), Map.entry("quantile", PromQLParser.QUANTILE),
            Map.entry("offset", PromQLParser.OFFSET), Map.entry("by", PromQLParser.BY),
            Map.entry("without", PromQLParser.WITHOUT), Map.entry("on", PromQLParser.ON),
            Map.entry("ignoring", PromQLParser.IGNORING), Map.entry("group_left", PromQLParser.GROUP_LEFT),
            Map.entry("group_right", PromQLParser.GROUP_RIGHT), Map.entry("bool", PromQLParser.BOOL),
            Map.entry("start", PromQLParser.START), Map.entry("end", PromQLParser.END),
            Map.entry("inf", PromQLParser.NUMBER), Map.entry("nan", PromQLParser.NUMBER));

    /** A lexical error: what, and the char offset it is reported at. */
    record LexError(String message, int offset) {}

    private final String input;
    private final List<Token> tokens = new ArrayList<>();
    private int pos;
    private int start;
    private int width;
    private int parenDepth;
    private int maxParenDepth;
    private boolean braceOpen;
    private boolean bracketOpen;
    private boolean gotColon;
    private char quote;
    private LexError error;
    /** Source text of string tokens, whose token text is the unescaped value. */
    private final Map<Token, String> sources = new java.util.IdentityHashMap<>();

    private Lexer(String input) {
        this.input = input;
    }

    /** Scans all of {@code input}; never throws. */
    static Lexer scan(String input) {
        Lexer l = new Lexer(input);
        l.run();
        return l;
    }

    List<Token> tokens() {
        return tokens;
    }

    LexError error() {
        return error;
    }

    int maxParenDepth() {
        return maxParenDepth;
    }

    String source(Token t) {
        String s = sources.get(t);
        return s != null ? s : t.getText();
    }

    private void run() {
        while (error == null) {
            if (!step()) {
                break;
            }
        }
        CommonToken eof = new CommonToken(Token.EOF, "");
        int at = error != null ? error.offset : input.length();
        eof.setStartIndex(at);
        eof.setStopIndex(at - 1);
        eof.setTokenIndex(tokens.size());
        tokens.add(eof);
    }

    // ---- character primitives (code points, so a surrogate pair is one character) ----

    private int next() {
        if (pos >= input.length()) {
            width = 0;
            return EOF_CHAR;
        }
        int c = input.codePointAt(pos);
        width = Character.charCount(c);
        pos += width;
        return c;
    }

    private int peek() {
        int c = next();
        backup();
        return c;
    }

    private void backup() {
        pos -= width;
        width = 0;
    }

    private boolean accept(String valid) {
        int c = next();
        if (c != EOF_CHAR && valid.indexOf(c) >= 0) {
            return true;
        }
        backup();
        return false;
    }

    private void acceptRun(String valid) {
        while (accept(valid)) {
            // consume
        }
    }

    private void emit(int type) {
        emit(type, input.substring(start, pos));
    }

    private void emit(int type, String text) {
        CommonToken t = new CommonToken(type, text);
        t.setStartIndex(start);
        t.setStopIndex(pos - 1);
        t.setTokenIndex(tokens.size());
        t.setLine(1);
        t.setCharPositionInLine(start);
        tokens.add(t);
        start = pos;
    }

    private void ignore() {
        start = pos;
    }

    private boolean fail(String message) {
        error = new LexError(message, start);
        return false;
    }

    /** Scans one token (or skips space/comment); false at the end or on error. */
    private boolean step() {
        if (braceOpen) {
            return insideBraces();
        }
        if (input.startsWith("#", pos)) {
            lineComment();
            return true;
        }
        int r = next();
        switch (r) {
            case EOF_CHAR -> {
                if (parenDepth != 0) {
                    return fail("unclosed left parenthesis");
                } else if (bracketOpen) {
                    return fail("unclosed left bracket");
                }
                return false;
            }
            case ',' -> emit(PromQLParser.COMMA);
            case ' ', '\t', '\n', '\r' -> skipSpaces();
            case '*' -> emit(PromQLParser.MUL);
            case '/' -> emit(PromQLParser.DIV);
            case '%' -> emit(PromQLParser.MOD);
            case '+' -> emit(PromQLParser.ADD);
            case '-' -> emit(PromQLParser.SUB);
            case '^' -> emit(PromQLParser.POW);
            case '@' -> emit(PromQLParser.AT);
            case '=' -> {
                int t = peek();
                if (t == '=') {
                    next();
                    emit(PromQLParser.EQLC);
                } else if (t == '~') {
                    return fail("unexpected character after '=': " + GoText.quoteRune(t));
                } else {
                    emit(PromQLParser.EQL);
                }
            }
            case '!' -> {
                int t = next();
                if (t == '=') {
                    emit(PromQLParser.NEQ);
                } else {
                    return fail("unexpected character after '!': " + GoText.quoteRune(t));
                }
            }
            case '<' -> {
                if (peek() == '=') {
                    next();
                    emit(PromQLParser.LTE);
                } else {
                    emit(PromQLParser.LSS);
                }
            }
            case '>' -> {
                if (peek() == '=') {
                    next();
                    emit(PromQLParser.GTE);
                } else {
                    emit(PromQLParser.GTR);
                }
            }
            case '"', '\'' -> {
                quote = (char) r;
                return string();
            }
            case '`' -> {
                quote = '`';
                return rawString();
            }
            case '(' -> {
                emit(PromQLParser.LEFT_PAREN);
                parenDepth++;
                maxParenDepth = Math.max(maxParenDepth, parenDepth);
            }
            case ')' -> {
                emit(PromQLParser.RIGHT_PAREN);
                parenDepth--;
                if (parenDepth < 0) {
                    // The error takes the place of the parenthesis and is reported just after it.
                    tokens.remove(tokens.size() - 1);
                    return fail("unexpected right parenthesis ')'");
                }
            }
            case '{' -> {
                emit(PromQLParser.LEFT_BRACE);
                braceOpen = true;
            }
            case '[' -> {
                if (bracketOpen) {
                    return fail("unexpected left bracket '['");
                }
                gotColon = false;
                emit(PromQLParser.LEFT_BRACKET);
                while (isSpace(peek())) {
                    next();
                }
                ignore();
                bracketOpen = true;
                return duration();
            }
            case ']' -> {
                if (!bracketOpen) {
                    return fail("unexpected right bracket ']'");
                }
                emit(PromQLParser.RIGHT_BRACKET);
                bracketOpen = false;
            }
            default -> {
                if (isDigit(r) || (r == '.' && isDigit(peek()))) {
                    backup();
                    return numberOrDuration();
                }
                if (isAlpha(r) || r == ':') {
                    if (!bracketOpen) {
                        backup();
                        keywordOrIdentifier();
                        return true;
                    }
                    if (gotColon) {
                        return fail("unexpected colon " + GoText.quoteRune(r));
                    }
                    emit(PromQLParser.COLON);
                    gotColon = true;
                    return true;
                }
                return fail("unexpected character: " + GoText.quoteRune(r));
            }
        }
        return true;
    }

    private boolean insideBraces() {
        if (input.startsWith("#", pos)) {
            lineComment();
            return true;
        }
        int r = next();
        switch (r) {
            case EOF_CHAR -> {
                return fail("unexpected end of input inside braces");
            }
            case ' ', '\t', '\n', '\r' -> skipSpaces();
            case ',' -> emit(PromQLParser.COMMA);
            case '"', '\'' -> {
                quote = (char) r;
                return string();
            }
            case '`' -> {
                quote = '`';
                return rawString();
            }
            case '=' -> {
                if (next() == '~') {
                    emit(PromQLParser.EQL_REGEX);
                } else {
                    backup();
                    emit(PromQLParser.EQL);
                }
            }
            case '!' -> {
                int nr = next();
                if (nr == '~') {
                    emit(PromQLParser.NEQ_REGEX);
                } else if (nr == '=') {
                    emit(PromQLParser.NEQ);
                } else {
                    return fail("unexpected character after '!' inside braces: " + GoText.quoteRune(nr));
                }
            }
            case '{' -> {
                return fail("unexpected left brace '{'");
            }
            case '}' -> {
                emit(PromQLParser.RIGHT_BRACE);
                braceOpen = false;
            }
            default -> {
                if (isAlpha(r)) {
                    while (isAlphaNumeric(next())) {
                        // absorb
                    }
                    backup();
                    emit(PromQLParser.IDENTIFIER);
                    return true;
                }
                return fail("unexpected character inside braces: " + GoText.quoteRune(r));
            }
        }
        return true;
    }

    private void skipSpaces() {
        while (isSpace(peek())) {
            next();
        }
        ignore();
    }

    private void lineComment() {
        pos++;
        int r;
        do {
            r = next();
        } while (r != EOF_CHAR && r != '\r' && r != '\n');
        backup();
        ignore();
    }

    // ---- strings ----

    private boolean string() {
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        while (true) {
            int c = next();
            if (c == '\\') {
                if (!escape(value)) {
                    return false;
                }
                continue;
            }
            if (c == EOF_CHAR || c == '\n') {
                return fail("unterminated quoted string");
            }
            if (c == quote) {
                break;
            }
            if (c <= 0xFFFF && Character.isSurrogate((char) c)) {
                return fail("invalid UTF-8 rune");
            }
            appendUtf8(value, c);
        }
        stringToken(GoText.decodeUtf8(value.toByteArray()));
        return true;
    }

    private void stringToken(String value) {
        String src = input.substring(start, pos);
        emit(PromQLParser.STRING, value);
        sources.put(tokens.get(tokens.size() - 1), src);
    }

    /** An escape sequence after a backslash, as Go's scanner reads them. */
    private boolean escape(ByteArrayOutputStream value) {
        int ch = next();
        int n;
        int base;
        int max;
        switch (ch) {
            case 'a' -> { value.write(7); return true; }
            case 'b' -> { value.write(8); return true; }
            case 'f' -> { value.write(12); return true; }
            case 'n' -> { value.write('\n'); return true; }
            case 'r' -> { value.write('\r'); return true; }
            case 't' -> { value.write('\t'); return true; }
            case 'v' -> { value.write(11); return true; }
            case '\\' -> { value.write('\\'); return true; }
            case '0', '1', '2', '3', '4', '5', '6', '7' -> { n = 3; base = 8; max = 255; }
            case 'x' -> { ch = next(); n = 2; base = 16; max = 255; }
            case 'u' -> { ch = next(); n = 4; base = 16; max = Character.MAX_CODE_POINT; }
            case 'U' -> { ch = next(); n = 8; base = 16; max = Character.MAX_CODE_POINT; }
            case EOF_CHAR -> { return fail("escape sequence not terminated"); }
            default -> {
                if (ch == quote) {
                    value.write(ch);
                    return true;
                }
                return fail("unknown escape sequence " + GoText.unicodeRune(ch));
            }
        }
        long x = 0;
        while (n > 0) {
            int d = digitVal(ch);
            if (d >= base) {
                if (ch == EOF_CHAR) {
                    return fail("escape sequence not terminated");
                }
                return fail("illegal character " + GoText.unicodeRune(ch) + " in escape sequence");
            }
            x = x * base + d;
            n--;
            if (n > 0) {
                ch = next();
            }
        }
        if (x > max || (0xD800 <= x && x < 0xE000)) {
            return fail("escape sequence is an invalid Unicode code point");
        }
        if (base == 8 || max == 255) {
            value.write((int) x); // \ooo and \xhh are bytes, as in Go
        } else {
            appendUtf8(value, (int) x);
        }
        return true;
    }

    private boolean rawString() {
        while (true) {
            int c = next();
            if (c == EOF_CHAR) {
                return fail("unterminated raw string");
            }
            if (c == quote) {
                break;
            }
            if (c <= 0xFFFF && Character.isSurrogate((char) c)) {
                return fail("invalid UTF-8 rune");
            }
        }
        stringToken(input.substring(start + 1, pos - 1));
        return true;
    }

    private static void appendUtf8(ByteArrayOutputStream out, int cp) {
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
    }

    private static int digitVal(int ch) {
        if ('0' <= ch && ch <= '9') {
            return ch - '0';
        } else if ('a' <= ch && ch <= 'f') {
            return ch - 'a' + 10;
        } else if ('A' <= ch && ch <= 'F') {
            return ch - 'A' + 10;
        }
        return 16;
    }

    // ---- numbers, durations, words ----

    private boolean duration() {
        if (scanNumber()) {
            return fail("missing unit character in duration");
        }
        if (!acceptRemainingDuration()) {
            return fail("bad duration syntax: " + GoText.quote(input.substring(start, pos)));
        }
        backup();
        emit(PromQLParser.DURATION);
        return true;
    }

    private boolean numberOrDuration() {
        if (scanNumber()) {
            emit(PromQLParser.NUMBER);
            return true;
        }
        if (acceptRemainingDuration()) {
            backup();
            emit(PromQLParser.DURATION);
            return true;
        }
        return fail("bad number or duration syntax: " + GoText.quote(input.substring(start, pos)));
    }

    private boolean acceptRemainingDuration() {
        if (!accept("smhdwy")) {
            return false;
        }
        accept("s"); // ms; impossible unit pairs are rejected when the duration is parsed
        while (accept("0123456789")) {
            acceptRun("0123456789");
            if (!accept("smhdw")) {
                return false;
            }
            accept("s");
        }
        return !isAlphaNumeric(next());
    }

    /** Scans something number-like; true when it is not followed by a letter or digit. */
    private boolean scanNumber() {
        String digits = "0123456789";
        if (accept("0") && accept("xX")) {
            digits = "0123456789abcdefABCDEF";
        }
        acceptRun(digits);
        if (accept(".")) {
            acceptRun(digits);
        }
        if (accept("eE")) {
            accept("+-");
            acceptRun("0123456789");
        }
        return !isAlphaNumeric(peek());
    }

    private void keywordOrIdentifier() {
        int r;
        do {
            r = next();
        } while (isAlphaNumeric(r) || r == ':');
        backup();
        String word = input.substring(start, pos);
        Integer kw = KEYWORDS.get(word.toLowerCase(Locale.ROOT));
        if (kw != null) {
            emit(kw);
        } else if (word.indexOf(':') < 0) {
            emit(PromQLParser.IDENTIFIER);
        } else {
            emit(PromQLParser.METRIC_IDENTIFIER);
        }
    }

    static boolean isSpace(int r) {
        return r == ' ' || r == '\t' || r == '\n' || r == '\r';
    }

    static boolean isDigit(int r) {
        return '0' <= r && r <= '9';
    }

    static boolean isAlpha(int r) {
        return r == '_' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z');
    }

    static boolean isAlphaNumeric(int r) {
        return isAlpha(r) || isDigit(r);
    }

    /** Whether {@code s} is a valid label name. */
    static boolean isLabel(String s) {
        if (s.isEmpty() || !isAlpha(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!isAlphaNumeric(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
