package dev.vigil.query.rules.template;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a template into text and action tokens as Go's text/template lexer does: {@code {{} and
 * {@code }}} delimit actions, {@code {{-} and {@code -}}} trim the white space beside them, and
 * {@code {{/* … *}{@code /}}} is a comment.
 */
final class Lexer {
    /** Token kinds. */
    enum Kind { TEXT, OPEN, CLOSE, IDENT, VAR, FIELD, STRING, NUMBER, LPAREN, RPAREN, PIPE, DECLARE, ASSIGN, COMMA, EOF }

    /** A token; {@code column} counts from 1 on its line, as Go reports positions. */
    record Token(Kind kind, String text, int line, int column, int pos) {
    }

    private final String name;
    private final String src;
    private final List<Token> out = new ArrayList<>();
    private int pos;

    private Lexer(String name, String src) {
        this.name = name;
        this.src = src;
    }

    String src() {
        return src;
    }

    static List<Token> lex(String name, String src) {
        Lexer l = new Lexer(name, src);
        l.run();
        return l.out;
    }

    private void run() {
        StringBuilder text = new StringBuilder();
        while (pos < src.length()) {
            int open = src.indexOf("{{", pos);
            if (open < 0) {
                text.append(src, pos, src.length());
                pos = src.length();
                break;
            }
            text.append(src, pos, open);
            int p = open + 2;
            boolean trimLeft = p + 1 < src.length() && src.charAt(p) == '-' && isSpace(src.charAt(p + 1));
            if (trimLeft) {
                int e = text.length();
                while (e > 0 && isSpace(text.charAt(e - 1))) {
                    e--;
                }
                text.setLength(e);
                p += 2;
            }
            flushText(text, open);
            while (p < src.length() && isSpace(src.charAt(p))) {
                p++;
            }
            if (src.startsWith("/*", p)) {
                int end = src.indexOf("*/", p + 2);
                if (end < 0) {
                    throw error(open, "unclosed comment");
                }
                p = end + 2;
                while (p < src.length() && isSpace(src.charAt(p))) {
                    p++;
                }
                boolean trimRight = src.startsWith("-}}", p);
                if (!trimRight && !src.startsWith("}}", p)) {
                    throw error(p, "comment ends before closing delimiter");
                }
                pos = p + (trimRight ? 3 : 2);
                if (trimRight) {
                    skipSpace();
                }
                continue;
            }
            add(Kind.OPEN, "{{", open);
            pos = p;
            action();
        }
        flushText(text, pos);
        add(Kind.EOF, "", pos);
    }

    private void skipSpace() {
        while (pos < src.length() && isSpace(src.charAt(pos))) {
            pos++;
        }
    }

    private void flushText(StringBuilder text, int at) {
        if (text.length() > 0) {
            add(Kind.TEXT, text.toString(), at - text.length());
            text.setLength(0);
        }
    }

    private void action() {
        while (true) {
            if (pos >= src.length()) {
                throw error(pos, "unclosed action");
            }
            char c = src.charAt(pos);
            if (isSpace(c)) {
                if (src.startsWith(" -}}", pos) || src.startsWith("\t-}}", pos) || src.startsWith("\n-}}", pos)) {
                    add(Kind.CLOSE, "}}", pos);
                    pos += 4;
                    skipSpace();
                    return;
                }
                pos++;
                continue;
            }
            if (src.startsWith("}}", pos)) {
                add(Kind.CLOSE, "}}", pos);
                pos += 2;
                return;
            }
            int start = pos;
            switch (c) {
                case '(' -> single(Kind.LPAREN);
                case ')' -> single(Kind.RPAREN);
                case '|' -> single(Kind.PIPE);
                case ',' -> single(Kind.COMMA);
                case '=' -> single(Kind.ASSIGN);
                case ':' -> {
                    if (!src.startsWith(":=", pos)) {
                        throw error(pos, "expected :=");
                    }
                    pos += 2;
                    add(Kind.DECLARE, ":=", start);
                }
                case '"' -> quoted();
                case '`' -> {
                    int end = src.indexOf('`', pos + 1);
                    if (end < 0) {
                        throw error(pos, "unterminated raw quoted string");
                    }
                    add(Kind.STRING, src.substring(pos + 1, end), start);
                    pos = end + 1;
                }
                case '\'' -> {
                    int end = src.indexOf('\'', pos + 1);
                    if (end < 0) {
                        throw error(pos, "unterminated character constant");
                    }
                    add(Kind.NUMBER, Long.toString(src.codePointAt(pos + 1)), start);
                    pos = end + 1;
                }
                case '$' -> {
                    pos++;
                    word();
                    add(Kind.VAR, src.substring(start, pos), start);
                }
                case '.' -> {
                    if (pos + 1 < src.length() && Character.isDigit(src.charAt(pos + 1))) {
                        number();
                    } else {
                        pos++;
                        word();
                        add(Kind.FIELD, src.substring(start, pos), start);
                    }
                }
                default -> {
                    if (Character.isDigit(c) || c == '-' || c == '+') {
                        number();
                    } else if (Character.isLetter(c) || c == '_') {
                        word();
                        add(Kind.IDENT, src.substring(start, pos), start);
                    } else {
                        throw error(pos, "unexpected \"" + c + "\" in command");
                    }
                }
            }
        }
    }

    private void single(Kind k) {
        add(k, String.valueOf(src.charAt(pos)), pos);
        pos++;
    }

    private void word() {
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
    }

    private void number() {
        int start = pos;
        pos++;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '.'
                || ((src.charAt(pos) == '-' || src.charAt(pos) == '+') && "eEpP".indexOf(src.charAt(pos - 1)) >= 0))) {
            pos++;
        }
        add(Kind.NUMBER, src.substring(start, pos), start);
    }

    private void quoted() {
        int start = pos;
        StringBuilder sb = new StringBuilder();
        pos++;
        while (true) {
            if (pos >= src.length() || src.charAt(pos) == '\n') {
                throw error(start, "unterminated quoted string");
            }
            char c = src.charAt(pos++);
            if (c == '"') {
                break;
            }
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            char e = src.charAt(pos++);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case '\\' -> sb.append('\\');
                case '"' -> sb.append('"');
                case '\'' -> sb.append('\'');
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000b');
                case 'x' -> {
                    sb.append((char) Integer.parseInt(src.substring(pos, pos + 2), 16));
                    pos += 2;
                }
                case 'u' -> {
                    sb.append((char) Integer.parseInt(src.substring(pos, pos + 4), 16));
                    pos += 4;
                }
                default -> throw error(pos - 2, "invalid syntax");
            }
        }
        add(Kind.STRING, sb.toString(), start);
    }

    private void add(Kind k, String text, int at) {
        out.add(new Token(k, text, line(at), column(at), at));
    }

    private int line(int at) {
        int n = 1;
        for (int i = 0; i < at && i < src.length(); i++) {
            if (src.charAt(i) == '\n') {
                n++;
            }
        }
        return n;
    }

    private int column(int at) {
        int nl = src.lastIndexOf('\n', Math.max(0, at - 1));
        return at - nl;
    }

    private TemplateException error(int at, String what) {
        return new TemplateException("template: " + name + ":" + line(at) + ": " + what);
    }

    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
