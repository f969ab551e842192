package dev.vigil.query.parser;

import dev.vigil.query.ParseException;
import dev.vigil.query.text.GoText;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RuleContext;
import org.antlr.v4.runtime.Token;

/**
 * Error reporting for one query: positions as {@code line:column} (1-based; the column counts
 * UTF-8 bytes, as Prometheus does) and Prometheus's wording for unexpected tokens, e.g.
 * {@code unexpected identifier "b" in label matching, expected string}.
 */
final class Syntax {
    private final String input;
    private final List<Token> tokens;

    Syntax(String input, List<Token> tokens) {
        this.input = input;
        this.tokens = tokens;
    }

    ParseException error(int offset, String what) {
        int line = 1;
        int lineStart = 0;
        int end = Math.min(Math.max(offset, 0), input.length());
        for (int i = 0; i < end; i++) {
            if (input.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int col = input.substring(lineStart, end).getBytes(StandardCharsets.UTF_8).length + 1;
        return new ParseException(line, col, what);
    }

    ParseException unexpected(Token t, String context, String expected) {
        StringBuilder sb = new StringBuilder("unexpected ").append(describe(t));
        if (!context.isEmpty()) {
            sb.append(" in ").append(context);
        }
        if (!expected.isEmpty()) {
            sb.append(", expected ").append(expected);
        }
        return error(t.getStartIndex(), sb.toString());
    }

    /** The parser stopped at {@code t} in rule context {@code ctx}: say what was expected there. */
    ParseException unexpectedIn(Token t, RuleContext ctx) {
        int i = t.getTokenIndex();
        int open = groupListStart(i);
        if (open >= 0) {
            // A "(" after group_left/group_right always opens a label list: find where it breaks.
            int j = open + 1;
            boolean wantLabel = true;
            while (tokens.get(j).getType() != PromQLParser.RIGHT_PAREN) {
                Token u = tokens.get(j);
                if (wantLabel) {
                    if (!isLabelToken(u)) {
                        return unexpected(u, "grouping opts", "label");
                    }
                } else if (u.getType() != PromQLParser.COMMA) {
                    return unexpected(u, "grouping opts", "\",\" or \")\"");
                }
                wantLabel = !wantLabel;
                j++;
            }
            if (j + 1 > i) {
                t = tokens.get(j + 1);
                i = j + 1;
            }
        }
        if ((t.getType() == PromQLParser.ADD || t.getType() == PromQLParser.SUB) && i + 1 < tokens.size()
                && !startsOperand(tokens.get(i + 1).getType()) && prefixPosition(i - 1)) {
            // A failed prediction names the sign where the operand after it is at fault.
            t = tokens.get(i + 1);
            i++;
        }
        int prev = i > 0 ? tokens.get(i - 1).getType() : -1;
        int prev2 = i > 1 ? tokens.get(i - 2).getType() : -1;
        PromQLParser.GroupingLabelsContext grouping = grouping(ctx);
        if (grouping != null && grouping.LEFT_PAREN() == null) {
            return unexpected(t, "grouping opts", "\"(\"");
        }
        int enclosing = innermost(ctx);
        if (prev == PromQLParser.COMMA && nearestList(ctx) == PromQLParser.RULE_callBody) {
            return error(tokens.get(i - 1).getStartIndex(), "trailing commas not allowed in function call args");
        }
        if (inside(ctx, PromQLParser.RULE_labelMatchers)) {
            return switch (prev) {
                case PromQLParser.LEFT_BRACE, PromQLParser.COMMA -> unexpected(t, "label matching", "identifier or \"}\"");
                case PromQLParser.IDENTIFIER -> unexpected(t, "label matching", "label matching operator");
                case PromQLParser.EQL, PromQLParser.NEQ, PromQLParser.EQL_REGEX, PromQLParser.NEQ_REGEX ->
                        unexpected(t, "label matching", "string");
                default -> unexpected(t, "label matching", "\",\" or \"}\"");
            };
        }
        if (inside(ctx, PromQLParser.RULE_groupingLabels)) {
            return switch (prev) {
                case PromQLParser.LEFT_PAREN, PromQLParser.COMMA -> unexpected(t, "grouping opts", "label");
                default -> unexpected(t, "grouping opts", "\",\" or \")\"");
            };
        }
        if (isGroupSide(prev)) {
            return unexpected(t, "grouping opts", "\"(\"");
        }
        int prev3 = i > 2 ? tokens.get(i - 3).getType() : -1;
        if (prev == PromQLParser.DURATION && prev2 == PromQLParser.LEFT_BRACKET) {
            return unexpected(t, "subquery or range", "\":\" or \"]\"");
        }
        if (prev == PromQLParser.COLON) {
            return unexpected(t, "subquery selector", "duration or \"]\"");
        }
        if (prev == PromQLParser.DURATION && prev2 == PromQLParser.COLON) {
            return unexpected(t, "subquery selector", "\"]\"");
        }
        if ((ctx instanceof PromQLParser.OffsetExprContext o && o.DURATION() == null)
                || (prev == PromQLParser.OFFSET && endsOperand(prev2))
                || (prev == PromQLParser.SUB && prev2 == PromQLParser.OFFSET && endsOperand(prev3))) {
            return unexpected(t, "offset", "duration");
        }
        boolean atFunction = prev == PromQLParser.START || prev == PromQLParser.END;
        if (prev == PromQLParser.AT || ((prev == PromQLParser.SUB || prev == PromQLParser.ADD || atFunction) && prev2 == PromQLParser.AT)
                || (prev == PromQLParser.LEFT_PAREN && (prev2 == PromQLParser.START || prev2 == PromQLParser.END)
                        && prev3 == PromQLParser.AT)) {
            return unexpected(t, "@", "timestamp");
        }
        if (enclosing == AGGREGATION) {
            return unexpected(t, "aggregation", "");
        }
        return unexpected(t, "", "");
    }

    private static final int AGGREGATION = -2;

    /** The index of the "(" of a group_left/group_right label list that token {@code i} may be in, or -1. */
    private int groupListStart(int i) {
        int k = Math.min(i, tokens.size() - 1);
        while (k > 0) {
            int type = tokens.get(k).getType();
            if (type == PromQLParser.LEFT_PAREN) {
                return isGroupSide(tokens.get(k - 1).getType()) ? k : -1;
            }
            if (k != i && type != PromQLParser.COMMA && !isLabelToken(tokens.get(k))) {
                return -1;
            }
            k--;
        }
        return -1;
    }

    /** A token that may name a label in a grouping list. */
    private static boolean isLabelToken(Token t) {
        int type = t.getType();
        boolean word = type == PromQLParser.IDENTIFIER || type == PromQLParser.METRIC_IDENTIFIER
                || isAggregator(type) || (isKeyword(type) && type != PromQLParser.WITHOUT) || type == PromQLParser.LAND || type == PromQLParser.LOR
                || type == PromQLParser.LUNLESS || type == PromQLParser.START || type == PromQLParser.END
                || type == PromQLParser.ATAN2;
        return word && Lexer.isLabel(t.getText());
    }

    /** Whether a sign after token {@code k} is a unary sign. */
    private boolean prefixPosition(int k) {
        if (k < 0) {
            return true;
        }
        int type = tokens.get(k).getType();
        if (type == PromQLParser.RIGHT_PAREN) {
            // The end of an on(...)/ignoring(...)/group_left(...) list.
            int j = k - 1;
            while (j > 0 && (tokens.get(j).getType() == PromQLParser.COMMA || isLabelToken(tokens.get(j)))) {
                j--;
            }
            if (j < 1 || tokens.get(j).getType() != PromQLParser.LEFT_PAREN) {
                return false;
            }
            int before = tokens.get(j - 1).getType();
            return isGroupSide(before) || before == PromQLParser.ON || before == PromQLParser.IGNORING;
        }
        return (isOperator(type) && type != PromQLParser.AT) || type == PromQLParser.LEFT_PAREN
                || type == PromQLParser.COMMA || type == PromQLParser.BOOL;
    }

    private static boolean startsOperand(int type) {
        return switch (type) {
            case PromQLParser.IDENTIFIER, PromQLParser.METRIC_IDENTIFIER, PromQLParser.NUMBER, PromQLParser.STRING,
                    PromQLParser.LEFT_PAREN, PromQLParser.LEFT_BRACE, PromQLParser.ADD, PromQLParser.SUB,
                    PromQLParser.BY, PromQLParser.WITHOUT, PromQLParser.OFFSET, PromQLParser.START, PromQLParser.END,
                    PromQLParser.LAND, PromQLParser.LOR, PromQLParser.LUNLESS -> true;
            default -> isAggregator(type);
        };
    }

    private static boolean isGroupSide(int type) {
        return type == PromQLParser.GROUP_LEFT || type == PromQLParser.GROUP_RIGHT;
    }

    /** Whether a token can end an operand, so that a following "offset" is the modifier. */
    private static boolean endsOperand(int type) {
        return switch (type) {
            case PromQLParser.RIGHT_PAREN, PromQLParser.RIGHT_BRACKET, PromQLParser.RIGHT_BRACE,
                    PromQLParser.IDENTIFIER, PromQLParser.METRIC_IDENTIFIER, PromQLParser.NUMBER,
                    PromQLParser.STRING, PromQLParser.DURATION, PromQLParser.BY, PromQLParser.WITHOUT,
                    PromQLParser.START, PromQLParser.END, PromQLParser.OFFSET -> true;
            default -> isAggregator(type);
        };
    }

    /** The innermost enclosing construct that has its own error wording. */
    private static int innermost(RuleContext ctx) {
        for (RuleContext c = ctx; c != null; c = c.parent) {
            if (c instanceof PromQLParser.AggregateExprContext) {
                return AGGREGATION;
            }
            int r = c.getRuleIndex();
            if (r == PromQLParser.RULE_labelMatchers || r == PromQLParser.RULE_groupingLabels) {
                return r;
            }
        }
        return -1;
    }

    /** The innermost enclosing comma-separated list. */
    private static int nearestList(RuleContext ctx) {
        for (RuleContext c = ctx; c != null; c = c.parent) {
            int r = c.getRuleIndex();
            if (r == PromQLParser.RULE_callBody || r == PromQLParser.RULE_labelMatchers
                    || r == PromQLParser.RULE_groupingLabels) {
                return r;
            }
        }
        return -1;
    }

    private static PromQLParser.GroupingLabelsContext grouping(RuleContext ctx) {
        for (RuleContext c = ctx; c != null; c = c.parent) {
            if (c instanceof PromQLParser.GroupingLabelsContext g) {
                return g;
            }
            if (c.getRuleIndex() == PromQLParser.RULE_expr) {
                return null;
            }
        }
        return null;
    }

    private static boolean inside(RuleContext ctx, int rule) {
        for (RuleContext c = ctx; c != null; c = c.parent) {
            if (c.getRuleIndex() == rule) {
                return true;
            }
            if (c instanceof ParserRuleContext && c.getRuleIndex() == PromQLParser.RULE_expr) {
                return false;
            }
        }
        return false;
    }

    static boolean isAggregator(int type) {
        return switch (type) {
            case PromQLParser.AVG, PromQLParser.BOTTOMK, PromQLParser.COUNT, PromQLParser.COUNT_VALUES,
                    PromQLParser.GROUP, PromQLParser.MAX, PromQLParser.MIN, PromQLParser.QUANTILE,
                    PromQLParser.STDDEV, PromQLParser.STDVAR, PromQLParser.SUM, PromQLParser.TOPK -> true;
            default -> false;
        };
    }

    private static boolean isOperator(int type) {
        return switch (type) {
            case PromQLParser.ADD, PromQLParser.DIV, PromQLParser.EQLC, PromQLParser.EQL_REGEX, PromQLParser.GTE,
                    PromQLParser.GTR, PromQLParser.LAND, PromQLParser.LOR, PromQLParser.LSS, PromQLParser.LTE,
                    PromQLParser.LUNLESS, PromQLParser.MOD, PromQLParser.MUL, PromQLParser.NEQ,
                    PromQLParser.NEQ_REGEX, PromQLParser.POW, PromQLParser.SUB, PromQLParser.AT,
                    PromQLParser.ATAN2 -> true;
            default -> false;
        };
    }

    private static boolean isKeyword(int type) {
        return switch (type) {
            case PromQLParser.BOOL, PromQLParser.BY, PromQLParser.GROUP_LEFT, PromQLParser.GROUP_RIGHT,
                    PromQLParser.IGNORING, PromQLParser.OFFSET, PromQLParser.ON, PromQLParser.WITHOUT -> true;
            default -> false;
        };
    }

    /** How Prometheus names a token in "unexpected …" messages. */
    String describe(Token t) {
        int type = t.getType();
        String text = type == PromQLParser.STRING ? sourceOf(t) : t.getText();
        if (type == Token.EOF) {
            return "end of input";
        }
        if (isKeyword(type)) {
            return "<" + text + ">";
        }
        if (type == PromQLParser.AT) {
            // The reference names this one oddly; kept, since clients match on these messages.
            return "\"<Item 57385>\" <op:@>";
        }
        if (isOperator(type)) {
            return "<op:" + text + ">";
        }
        if (isAggregator(type)) {
            return "<aggr:" + text + ">";
        }
        return switch (type) {
            case PromQLParser.IDENTIFIER -> "identifier " + GoText.quote(text);
            case PromQLParser.METRIC_IDENTIFIER -> "metric identifier " + GoText.quote(text);
            case PromQLParser.NUMBER -> "number " + shortQuote(text);
            case PromQLParser.DURATION -> "duration " + shortQuote(text);
            case PromQLParser.STRING -> "string " + shortQuote(text);
            default -> GoText.quote(text);
        };
    }

    private String sourceOf(Token t) {
        return input.substring(t.getStartIndex(), t.getStopIndex() + 1);
    }

    /** Go's {@code %.10q...} for long values. */
    private static String shortQuote(String s) {
        if (s.length() <= 10) {
            return GoText.quote(s);
        }
        int end = s.offsetByCodePoints(0, Math.min(10, s.codePointCount(0, s.length())));
        return GoText.quote(s.substring(0, end)) + "...";
    }
}
