package dev.vigil.query.rules.template;

import dev.vigil.query.rules.template.Lexer.Kind;
import dev.vigil.query.rules.template.Lexer.Token;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Builds the {@link Node} tree from tokens, checking function names as Go does at parse time. */
final class Parser {
    private final String name;
    private final String text;
    private final List<Token> tokens;
    private final Set<String> functions;
    private int i;

    private Parser(String name, String text, List<Token> tokens, Set<String> functions) {
        this.name = name;
        this.text = text;
        this.tokens = tokens;
        this.functions = functions;
    }

    static List<Node> parse(String name, String text, Set<String> functions) {
        Parser p = new Parser(name, text, Lexer.lex(name, text), functions);
        List<Node> nodes = new ArrayList<>();
        String end = p.list(nodes);
        if (end != null) {
            throw p.error(p.tokens.get(p.i - 1), "unexpected {{" + end + "}}");
        }
        return nodes;
    }

    /** Parses nodes until EOF (returns null) or an {@code end}/{@code else} action (returns which, with the else's tokens left). */
    private String list(List<Node> out) {
        while (true) {
            Token t = tokens.get(i);
            switch (t.kind()) {
                case EOF -> {
                    return null;
                }
                case TEXT -> {
                    i++;
                    out.add(new Node.Text(t.text()));
                }
                case OPEN -> {
                    i++;
                    Token k = tokens.get(i);
                    if (k.kind() == Kind.IDENT) {
                        switch (k.text()) {
                            case "end" -> {
                                i++;
                                expect(Kind.CLOSE);
                                return "end";
                            }
                            case "else" -> {
                                i++;
                                return "else";
                            }
                            case "if", "with", "range" -> {
                                i++;
                                out.add(branch(k));
                                continue;
                            }
                            case "define", "template", "block", "break", "continue" ->
                                throw error(k, "{{" + k.text() + "}} is not supported in rule templates");
                            default -> {
                            }
                        }
                    }
                    Node.Pipeline pipe = pipeline(k);
                    expect(Kind.CLOSE);
                    out.add(new Node.Action(pipe));
                }
                default -> throw error(t, "unexpected " + t.text());
            }
        }
    }

    private Node branch(Token kw) {
        Node.Pipeline pipe = pipeline(kw);
        expect(Kind.CLOSE);
        List<Node> body = new ArrayList<>();
        String end = list(body);
        if (end == null) {
            throw error(kw, "unexpected EOF");
        }
        List<Node> otherwise = List.of();
        if (end.equals("else")) {
            Token next = tokens.get(i);
            if (next.kind() == Kind.IDENT && (next.text().equals("if") || next.text().equals("with")) && !kw.text().equals("range")) {
                // {{else if x}} is {{else}}{{if x}}…{{end}}{{end}} sharing the one end.
                i++;
                otherwise = List.of(branch(next));
            } else {
                expect(Kind.CLOSE);
                List<Node> els = new ArrayList<>();
                String end2 = list(els);
                if (!"end".equals(end2)) {
                    throw error(kw, end2 == null ? "unexpected EOF" : "expected end; found {{else}}");
                }
                otherwise = els;
            }
        }
        return new Node.Branch(kw.text(), pipe, body, otherwise);
    }

    private Node.Pipeline pipeline(Token at) {
        List<String> vars = new ArrayList<>();
        boolean declare = false;
        // Declarations: $x := …, $x = …, $i, $v := … (range).
        int save = i;
        while (tokens.get(i).kind() == Kind.VAR) {
            Token v = tokens.get(i);
            Token n = tokens.get(i + 1);
            if (n.kind() == Kind.DECLARE || n.kind() == Kind.ASSIGN) {
                vars.add(v.text());
                declare = n.kind() == Kind.DECLARE;
                i += 2;
                break;
            }
            if (n.kind() == Kind.COMMA && tokens.get(i + 2).kind() == Kind.VAR) {
                vars.add(v.text());
                i += 2;
                continue;
            }
            break;
        }
        if (vars.isEmpty() || tokens.get(i - 1).kind() == Kind.COMMA) {
            vars.clear();
            i = save;
        }
        List<Node.Command> cmds = new ArrayList<>();
        while (true) {
            cmds.add(command());
            if (tokens.get(i).kind() != Kind.PIPE) {
                break;
            }
            i++;
        }
        return new Node.Pipeline(at.column(), vars, declare, cmds);
    }

    private Node.Command command() {
        Token first = tokens.get(i);
        List<Node.Arg> args = new ArrayList<>();
        while (true) {
            Token t = tokens.get(i);
            if (t.kind() == Kind.CLOSE || t.kind() == Kind.PIPE || t.kind() == Kind.RPAREN || t.kind() == Kind.EOF) {
                break;
            }
            args.add(operand());
        }
        if (args.isEmpty()) {
            throw error(tokens.get(i), "missing value for command");
        }
        Token last = tokens.get(i - 1);
        int end = last.kind() == Kind.STRING ? text.indexOf(text.charAt(last.pos()), last.pos() + 1) + 1
                : last.pos() + last.text().length();
        String source = text.substring(first.pos(), Math.max(first.pos(), Math.min(end, text.length()))).strip();
        return new Node.Command(args, first.line(), first.column() - 1, source);
    }

    private Node.Arg operand() {
        Token t = tokens.get(i++);
        Node.Arg a = switch (t.kind()) {
            case STRING -> new Node.Literal(t.text());
            case NUMBER -> new Node.Literal(number(t));
            case VAR -> new Node.Variable(t.text(), fields());
            case FIELD -> {
                List<String> path = new ArrayList<>();
                if (!t.text().equals(".")) {
                    path.add(t.text().substring(1));
                }
                path.addAll(fields());
                yield new Node.Field(path);
            }
            case LPAREN -> {
                Node.Pipeline p = pipeline(t);
                expect(Kind.RPAREN);
                yield new Node.Sub(p, fields());
            }
            case IDENT -> switch (t.text()) {
                case "true" -> new Node.Literal(Boolean.TRUE);
                case "false" -> new Node.Literal(Boolean.FALSE);
                case "nil" -> new Node.Literal(null);
                default -> {
                    if (!functions.contains(t.text())) {
                        throw error(t, "function \"" + t.text() + "\" not defined");
                    }
                    yield new Node.Function(t.text());
                }
            };
            default -> throw error(t, "unexpected \"" + t.text() + "\" in operand");
        };
        return a;
    }

    /** Field names directly attached to the previous operand ({@code $labels.job}). */
    private List<String> fields() {
        List<String> out = new ArrayList<>();
        while (tokens.get(i).kind() == Kind.FIELD && adjacent(tokens.get(i - 1), tokens.get(i))
                && !tokens.get(i).text().equals(".")) {
            out.add(tokens.get(i).text().substring(1));
            i++;
        }
        return out;
    }

    private static boolean adjacent(Token a, Token b) {
        int len = a.kind() == Kind.RPAREN ? 1 : a.text().length();
        return a.line() == b.line() && a.column() + len == b.column();
    }

    private Object number(Token t) {
        String s = t.text().replace("_", "");
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseLong(s.substring(2), 16);
            }
            if (s.matches("[-+]?[0-9]+")) {
                return Long.parseLong(s);
            }
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw error(t, "bad number syntax: \"" + t.text() + "\"");
        }
    }

    private void expect(Kind k) {
        Token t = tokens.get(i);
        if (t.kind() != k) {
            throw error(t, "unexpected \"" + t.text() + "\" in " + (k == Kind.CLOSE ? "command" : "parenthesized pipeline"));
        }
        i++;
    }

    private TemplateException error(Token t, String what) {
        return new TemplateException("template: " + name + ":" + t.line() + ": " + what);
    }
}
