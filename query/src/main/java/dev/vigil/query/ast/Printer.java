package dev.vigil.query.ast;

import dev.vigil.query.ast.VectorMatching.Cardinality;
import dev.vigil.query.text.GoText;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.text.GoFloat;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prints an expression in PromQL's canonical single-line form, e.g.
 * {@code sum by (job) (rate(up[5m]))}: the form Prometheus 2.x gives for a parsed query, so
 * printing and parsing again yields an equal tree.
 */
public final class Printer {
    private Printer() {}

    public static String print(Expr e) {
        StringBuilder sb = new StringBuilder();
        print(sb, e);
        return sb.toString();
    }

    /** Longest line {@link #pretty} keeps on one line, in UTF-8 bytes. */
    static final int MAX_LINE = 100;

    /**
     * The indented multi-line form that {@code /api/v1/format_query} returns: an expression
     * whose canonical form is longer than 100 bytes is split over lines, two spaces per level.
     * Linear in the output: the one-line form is printed once and each node's part reused.
     */
    public static String pretty(Expr e) {
        StringBuilder flat = new StringBuilder();
        Map<Expr, int[]> spans = new IdentityHashMap<>();
        print(flat, e, spans);
        Layout layout = new Layout(flat.toString(), spans);
        StringBuilder out = new StringBuilder(flat.length() + 16);
        layout.pretty(out, e, 0, true);
        return out.toString();
    }

    /** The one-line text with where each node's part lies, in chars and in UTF-8 bytes. */
    private static final class Layout {
        private final String text;
        private final Map<Expr, int[]> spans;
        private final int[] bytesBefore;

        Layout(String text, Map<Expr, int[]> spans) {
            this.text = text;
            this.spans = spans;
            this.bytesBefore = new int[text.length() + 1];
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                int n = c < 0x80 ? 1 : c < 0x800 ? 2 : Character.isSurrogate(c) ? 2 : 3;
                bytesBefore[i + 1] = bytesBefore[i] + n;
            }
        }

        private String flat(Expr e) {
            int[] s = spans.get(e);
            return text.substring(s[0], s[1]);
        }

        private boolean split(Expr e) {
            int[] s = spans.get(e);
            return bytesBefore[s[1]] - bytesBefore[s[0]] > MAX_LINE;
        }

        private void indent(StringBuilder out, int level, boolean indent) {
            if (indent) {
                out.append("  ".repeat(level));
            }
        }

        void pretty(StringBuilder out, Expr e, int level, boolean indent) {
            boolean split = split(e);
            if (e instanceof AggregateExpr a && split) {
                indent(out, level, indent);
                out.append(a.op());
                if (a.without()) {
                    out.append(" without (").append(String.join(", ", a.grouping())).append(") ");
                } else if (!a.grouping().isEmpty()) {
                    out.append(" by (").append(String.join(", ", a.grouping())).append(") ");
                }
                out.append("(\n");
                if (a.param() != null) {
                    pretty(out, a.param(), level + 1, true);
                    out.append(",\n");
                }
                pretty(out, a.expr(), level + 1, true);
                out.append('\n');
                indent(out, level, true);
                out.append(')');
            } else if (e instanceof BinaryExpr b && split) {
                // The operands carry the indentation; a unary sign before this drops the first one's.
                pretty(out, b.lhs(), level + 1, indent);
                out.append('\n');
                indent(out, level, true);
                out.append(b.op());
                if (b.returnBool()) {
                    out.append(" bool");
                }
                matching(out, b.matching());
                out.append('\n');
                pretty(out, b.rhs(), level + 1, true);
            } else if (e instanceof Call c && split) {
                indent(out, level, indent);
                out.append(c.function()).append("(\n");
                for (int i = 0; i < c.args().size(); i++) {
                    if (i > 0) {
                        out.append(",\n");
                    }
                    pretty(out, c.args().get(i), level + 1, true);
                }
                out.append('\n');
                indent(out, level, true);
                out.append(')');
            } else if (e instanceof ParenExpr p && split) {
                indent(out, level, indent);
                out.append("(\n");
                pretty(out, p.expr(), level + 1, true);
                out.append('\n');
                indent(out, level, true);
                out.append(')');
            } else if (e instanceof SubqueryExpr sq) {
                // Never indented, as the reference printer does.
                if (split) {
                    pretty(out, sq.expr(), level, indent);
                    out.append(text, spans.get(sq.expr())[1], spans.get(sq)[1]);
                } else {
                    out.append(flat(e));
                }
            } else if (e instanceof UnaryExpr u) {
                indent(out, level, indent);
                out.append(u.op());
                pretty(out, u.expr(), level, false);
            } else {
                indent(out, level, indent);
                out.append(flat(e));
            }
        }
    }

    private static void print(StringBuilder sb, Expr e) {
        print(sb, e, null);
    }

    /** Prints {@code e}; when {@code spans} is given, records where each node's text lies. */
    private static void print(StringBuilder sb, Expr e, Map<Expr, int[]> spans) {
        int start = sb.length();
        printNode(sb, e, spans);
        if (spans != null) {
            spans.put(e, new int[] {start, sb.length()});
        }
    }

    private static void printNode(StringBuilder sb, Expr e, Map<Expr, int[]> spans) {
        if (e instanceof NumberLiteral n) {
            sb.append(GoFloat.g(n.value()));
        } else if (e instanceof StringLiteral s) {
            sb.append(GoText.quote(s.value()));
        } else if (e instanceof VectorSelector vs) {
            selector(sb, vs, true);
        } else if (e instanceof MatrixSelector ms) {
            selector(sb, ms.selector(), false);
            sb.append('[').append(GoText.formatDuration(ms.rangeMs())).append(']');
            modifiers(sb, ms.selector().at(), ms.selector().offsetMs());
        } else if (e instanceof SubqueryExpr sq) {
            print(sb, sq.expr(), spans);
            sb.append('[').append(GoText.formatDuration(sq.rangeMs())).append(':');
            if (sq.stepMs() != 0) {
                sb.append(GoText.formatDuration(sq.stepMs()));
            }
            sb.append(']');
            modifiers(sb, sq.at(), sq.offsetMs());
        } else if (e instanceof Call c) {
            sb.append(c.function()).append('(');
            list(sb, c.args(), spans);
            sb.append(')');
        } else if (e instanceof AggregateExpr a) {
            sb.append(a.op());
            if (a.without()) {
                sb.append(" without (").append(String.join(", ", a.grouping())).append(") ");
            } else if (!a.grouping().isEmpty()) {
                sb.append(" by (").append(String.join(", ", a.grouping())).append(") ");
            }
            sb.append('(');
            if (a.param() != null) {
                print(sb, a.param(), spans);
                sb.append(", ");
            }
            print(sb, a.expr(), spans);
            sb.append(')');
        } else if (e instanceof BinaryExpr b) {
            print(sb, b.lhs(), spans);
            sb.append(' ').append(b.op());
            if (b.returnBool()) {
                sb.append(" bool");
            }
            matching(sb, b.matching());
            sb.append(' ');
            print(sb, b.rhs(), spans);
        } else if (e instanceof UnaryExpr u) {
            sb.append(u.op());
            print(sb, u.expr(), spans);
        } else if (e instanceof ParenExpr p) {
            sb.append('(');
            print(sb, p.expr(), spans);
            sb.append(')');
        }
    }

    private static void list(StringBuilder sb, List<Expr> args, Map<Expr, int[]> spans) {
        for (int i = 0; i < args.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            print(sb, args.get(i), spans);
        }
    }

    private static void matching(StringBuilder sb, VectorMatching vm) {
        if (vm == null || (vm.matchingLabels().isEmpty() && !vm.on())) {
            return;
        }
        sb.append(vm.on() ? " on (" : " ignoring (").append(String.join(", ", vm.matchingLabels())).append(')');
        if (vm.card() == Cardinality.MANY_TO_ONE || vm.card() == Cardinality.ONE_TO_MANY) {
            sb.append(vm.card() == Cardinality.MANY_TO_ONE ? " group_left (" : " group_right (")
                    .append(String.join(", ", vm.include())).append(')');
        }
    }

    private static void selector(StringBuilder sb, VectorSelector vs, boolean withModifiers) {
        List<String> labels = new ArrayList<>(vs.matchers().size());
        for (Matcher m : vs.matchers()) {
            if (m.name().equals("__name__") && m.type() == Matcher.Type.EQ && m.value().equals(vs.name())) {
                continue;
            }
            labels.add(matcher(m));
        }
        if (vs.name() != null) {
            sb.append(vs.name());
        }
        if (!labels.isEmpty()) {
            labels.sort(null);
            sb.append('{').append(String.join(",", labels)).append('}');
        }
        if (withModifiers) {
            modifiers(sb, vs.at(), vs.offsetMs());
        }
    }

    /** A matcher as PromQL prints it: {@code name="value"} with the value quoted Go-style. */
    public static String matcher(Matcher m) {
        return m.name() + m.type().symbol + GoText.quote(m.value());
    }

    private static void modifiers(StringBuilder sb, At at, long offsetMs) {
        if (at != null) {
            switch (at.kind()) {
                case START -> sb.append(" @ start()");
                case END -> sb.append(" @ end()");
                default -> sb.append(" @ ").append(BigDecimal.valueOf(at.timestampMs(), 3).toPlainString());
            }
        }
        if (offsetMs > 0) {
            sb.append(" offset ").append(GoText.formatDuration(offsetMs));
        } else if (offsetMs < 0) {
            sb.append(" offset -").append(GoText.formatDuration(-offsetMs));
        }
    }
}
