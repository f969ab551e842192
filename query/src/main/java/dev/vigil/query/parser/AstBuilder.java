package dev.vigil.query.parser;

import com.google.re2j.PatternSyntaxException;
import dev.vigil.query.ParseException;
import dev.vigil.query.ast.AggregateExpr;
import dev.vigil.query.ast.At;
import dev.vigil.query.ast.BinaryExpr;
import dev.vigil.query.ast.Call;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.MatrixSelector;
import dev.vigil.query.ast.NumberLiteral;
import dev.vigil.query.ast.ParenExpr;
import dev.vigil.query.ast.StringLiteral;
import dev.vigil.query.ast.SubqueryExpr;
import dev.vigil.query.ast.UnaryExpr;
import dev.vigil.query.ast.ValueType;
import dev.vigil.query.ast.VectorMatching;
import dev.vigil.query.ast.VectorMatching.Cardinality;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.query.text.GoText;
import dev.vigil.tsdb.Matcher;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.antlr.v4.runtime.Token;

/**
 * Builds the immutable AST from the parse tree, raising the errors Prometheus raises while
 * parsing (bad durations, numbers and regexes, misplaced offset/@/range, unknown functions,
 * aggregation arity). It records where each node starts so {@link Checker} can point at it.
 */
final class AstBuilder extends PromQLParserBaseVisitor<Expr> {
    /** Where nodes start (char offsets), by identity. */
    final Map<Expr, Integer> starts = new IdentityHashMap<>();
    /** Where a binary expression's operator is. */
    final Map<Expr, Integer> opStarts = new IdentityHashMap<>();
    /** The matching clause of a binary expression as written, before it is dropped for scalars. */
    final Map<Expr, VectorMatching> writtenMatching = new IdentityHashMap<>();

    private final Syntax syntax;

    AstBuilder(Syntax syntax) {
        this.syntax = syntax;
    }

    /** Tree depth of each node, checked as the tree grows so a deep tree is refused early. */
    private final Map<Expr, Integer> depths = new IdentityHashMap<>();

    private <E extends Expr> E at(E e, int start) {
        starts.put(e, start);
        int d = 1;
        if (e instanceof BinaryExpr b) {
            d += Math.max(depth(b.lhs()), depth(b.rhs()));
        } else if (e instanceof UnaryExpr u) {
            d += depth(u.expr());
        } else if (e instanceof ParenExpr p) {
            d += depth(p.expr());
        } else if (e instanceof SubqueryExpr s) {
            d += depth(s.expr());
        } else if (e instanceof MatrixSelector) {
            d = 2;
        } else if (e instanceof AggregateExpr a) {
            d += Math.max(depth(a.expr()), a.param() == null ? 0 : depth(a.param()));
        } else if (e instanceof Call c) {
            int m = 0;
            for (Expr arg : c.args()) {
                m = Math.max(m, depth(arg));
            }
            d += m;
        }
        if (d > Parser.MAX_DEPTH) {
            throw new ParseException(1, 1, "expression nested too deeply: more than " + Parser.MAX_DEPTH + " levels");
        }
        depths.put(e, d);
        return e;
    }

    private int depth(Expr e) {
        return depths.getOrDefault(e, 1);
    }

    int start(Expr e) {
        return starts.getOrDefault(e, 0);
    }

    private static int pos(Token t) {
        return t.getStartIndex();
    }

    @Override
    public Expr visitStart(PromQLParser.StartContext ctx) {
        return visit(ctx.expr());
    }

    @Override
    public Expr visitParenExpr(PromQLParser.ParenExprContext ctx) {
        return at(new ParenExpr(visit(ctx.expr())), pos(ctx.LEFT_PAREN().getSymbol()));
    }

    @Override
    public Expr visitNumberExpr(PromQLParser.NumberExprContext ctx) {
        Token t = ctx.NUMBER().getSymbol();
        return at(new NumberLiteral(number(t)), pos(t));
    }

    @Override
    public Expr visitStringExpr(PromQLParser.StringExprContext ctx) {
        Token t = ctx.STRING().getSymbol();
        return at(new StringLiteral(t.getText()), pos(t));
    }

    @Override
    public Expr visitUnaryExpr(PromQLParser.UnaryExprContext ctx) {
        Expr operand = visit(ctx.expr());
        boolean minus = ctx.op.getType() == PromQLParser.SUB;
        if (operand instanceof NumberLiteral n) {
            // A sign on a literal folds into the literal, so "-1" prints back as written.
            starts.remove(n);
            return at(new NumberLiteral(minus ? -n.value() : n.value()), pos(ctx.op));
        }
        return at(new UnaryExpr(minus ? '-' : '+', operand), pos(ctx.op));
    }

    @Override
    public Expr visitSelectorExpr(PromQLParser.SelectorExprContext ctx) {
        String name = ctx.metricIdentifier() == null ? null : ctx.metricIdentifier().getStart().getText();
        List<Matcher> matchers = new ArrayList<>();
        if (ctx.labelMatchers() != null) {
            for (PromQLParser.LabelMatcherContext m : ctx.labelMatchers().labelMatcher()) {
                matchers.add(matcher(m));
            }
        }
        if (name != null) {
            matchers.add(Matcher.eq("__name__", name));
        }
        return at(new VectorSelector(name, matchers, 0, null), pos(ctx.getStart()));
    }

    @Override
    public Expr visitLabelMatcher(PromQLParser.LabelMatcherContext ctx) {
        matcher(ctx);
        return null;
    }

    private Matcher matcher(PromQLParser.LabelMatcherContext m) {
        Token label = m.IDENTIFIER().getSymbol();
        Matcher.Type type = switch (m.matchOp().getStart().getType()) {
            case PromQLParser.EQL -> Matcher.Type.EQ;
            case PromQLParser.NEQ -> Matcher.Type.NEQ;
            case PromQLParser.EQL_REGEX -> Matcher.Type.RE;
            default -> Matcher.Type.NRE;
        };
        String value = m.STRING().getText();
        if (type == Matcher.Type.RE || type == Matcher.Type.NRE) {
            if (value.length() > Parser.MAX_REGEX_LENGTH) {
                throw syntax.error(pos(label), "regular expression too long: " + value.length()
                        + " characters, at most " + Parser.MAX_REGEX_LENGTH);
            }
            String wrapped = "^(?:" + value + ")$";
            for (int i = 0; i < wrapped.length(); i++) {
                char c = wrapped.charAt(i);
                if (c >= 0xDC80 && c <= 0xDCFF) { // a byte that is not UTF-8 (see GoText.decodeUtf8)
                    throw syntax.error(pos(label), "error parsing regexp: invalid UTF-8: `"
                            + wrapped.substring(i).replaceAll("[\\uDC80-\\uDCFF]", "\uFFFD") + "`");
                }
            }
        }
        try {
            return Matcher.of(type, label.getText(), value);
        } catch (PatternSyntaxException e) {
            throw syntax.error(pos(label), e.getMessage());
        } catch (StackOverflowError e) {
            throw syntax.error(pos(label), "error parsing regexp: expression nests too deeply");
        }
    }

    @Override
    public Expr visitMatrixExpr(PromQLParser.MatrixExprContext ctx) {
        Expr base = visit(ctx.expr());
        long range = duration(ctx.range);
        int bracket = pos(ctx.LEFT_BRACKET().getSymbol());
        if (!(base instanceof VectorSelector vs)) {
            throw syntax.error(bracket, "ranges only allowed for vector selectors");
        }
        if (vs.offsetMs() != 0) {
            throw syntax.error(bracket, "no offset modifiers allowed before range");
        }
        // Only a timestamp counts here, not start()/end(): the reference parser checks just that.
        if (vs.at() != null && vs.at().kind() == At.Kind.TIMESTAMP) {
            throw syntax.error(bracket, "no @ modifiers allowed before range");
        }
        return at(new MatrixSelector(vs, range), start(base));
    }

    @Override
    public Expr visitSubqueryExpr(PromQLParser.SubqueryExprContext ctx) {
        Expr base = visit(ctx.expr());
        long range = duration(ctx.range);
        long step = ctx.step == null ? 0 : duration(ctx.step);
        return at(new SubqueryExpr(base, range, step, 0, null), start(base));
    }

    @Override
    public Expr visitOffsetExpr(PromQLParser.OffsetExprContext ctx) {
        Expr base = visit(ctx.expr());
        long d = duration(ctx.DURATION().getSymbol());
        long offset = ctx.neg != null ? -d : d;
        int start = start(base);
        Expr result;
        if (base instanceof VectorSelector vs) {
            onceOffset(vs.offsetMs(), start);
            result = at(new VectorSelector(vs.name(), vs.matchers(), offset, vs.at()), start);
        } else if (base instanceof MatrixSelector ms) {
            VectorSelector vs = ms.selector();
            onceOffset(vs.offsetMs(), start);
            result = new MatrixSelector(at(new VectorSelector(vs.name(), vs.matchers(), offset, vs.at()), start), ms.rangeMs());
        } else if (base instanceof SubqueryExpr sq) {
            onceOffset(sq.offsetMs(), start);
            result = new SubqueryExpr(sq.expr(), sq.rangeMs(), sq.stepMs(), offset, sq.at());
        } else {
            throw syntax.error(start, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
        }
        return at(result, start);
    }

    private void onceOffset(long current, int start) {
        if (current != 0) {
            throw syntax.error(start, "offset may not be set multiple times");
        }
    }

    @Override
    public Expr visitAtExpr(PromQLParser.AtExprContext ctx) {
        Expr base = visit(ctx.expr());
        int start = start(base);
        At at;
        if (ctx.signedNumber() != null) {
            PromQLParser.SignedNumberContext sn = ctx.signedNumber();
            double ts = number(sn.NUMBER().getSymbol());
            if (sn.sign != null && sn.sign.getType() == PromQLParser.SUB) {
                ts = -ts;
            }
            if (Double.isNaN(ts) || Double.isInfinite(ts) || ts >= 0x1p63 || ts <= -0x1p63) {
                throw syntax.error(start, "timestamp out of bounds for @ modifier: " + goFixed6(ts));
            }
            at = At.timestamp(Math.round(ts * 1000.0));
        } else {
            at = ctx.atFn.getType() == PromQLParser.START ? At.START : At.END;
        }
        Expr result;
        if (base instanceof VectorSelector vs) {
            onceAt(vs.at(), start);
            result = at(new VectorSelector(vs.name(), vs.matchers(), vs.offsetMs(), at), start);
        } else if (base instanceof MatrixSelector ms) {
            VectorSelector vs = ms.selector();
            onceAt(vs.at(), start);
            result = new MatrixSelector(at(new VectorSelector(vs.name(), vs.matchers(), vs.offsetMs(), at), start), ms.rangeMs());
        } else if (base instanceof SubqueryExpr sq) {
            onceAt(sq.at(), start);
            result = new SubqueryExpr(sq.expr(), sq.rangeMs(), sq.stepMs(), sq.offsetMs(), at);
        } else {
            throw syntax.error(start, "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
        }
        return at(result, start);
    }

    private void onceAt(At current, int start) {
        if (current != null) {
            throw syntax.error(start, "@ <timestamp> may not be set multiple times");
        }
    }

    /** Go's {@code %f}: six decimals of the exact binary value. */
    private static String goFixed6(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        return new BigDecimal(v).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    }

    @Override
    public Expr visitBinaryExpr(PromQLParser.BinaryExprContext ctx) {
        Expr lhs = visit(ctx.expr(0));
        Expr rhs = visit(ctx.expr(1));
        String op = ctx.op.getText().toLowerCase(Locale.ROOT);
        PromQLParser.BinModifierContext mod = ctx.binModifier();
        boolean returnBool = mod.BOOL() != null;
        VectorMatching written = new VectorMatching(Cardinality.ONE_TO_ONE, List.of(), false, List.of());
        if (mod.onOrIgnoring != null) {
            boolean on = mod.onOrIgnoring.getType() == PromQLParser.ON;
            List<String> labels = labels(mod.groupingLabels(0));
            Cardinality card = Cardinality.ONE_TO_ONE;
            List<String> include = List.of();
            if (mod.side != null) {
                card = mod.side.getType() == PromQLParser.GROUP_LEFT ? Cardinality.MANY_TO_ONE : Cardinality.ONE_TO_MANY;
                if (mod.include != null) {
                    include = labels(mod.include);
                }
            }
            written = new VectorMatching(card, labels, on, include);
        }
        if (isSetOperator(op) && written.card() == Cardinality.ONE_TO_ONE) {
            written = new VectorMatching(Cardinality.MANY_TO_MANY, written.matchingLabels(), written.on(), written.include());
        }
        VectorMatching matching = lhs.type() == ValueType.VECTOR && rhs.type() == ValueType.VECTOR ? written : null;
        BinaryExpr e = at(new BinaryExpr(op, lhs, rhs, returnBool, matching), start(lhs));
        opStarts.put(e, pos(ctx.op));
        writtenMatching.put(e, written);
        return e;
    }

    static boolean isSetOperator(String op) {
        return op.equals("and") || op.equals("or") || op.equals("unless");
    }

    static boolean isComparison(String op) {
        return switch (op) {
            case "==", "!=", "<", "<=", ">", ">=" -> true;
            default -> false;
        };
    }

    private List<String> labels(PromQLParser.GroupingLabelsContext ctx) {
        List<String> out = new ArrayList<>();
        for (PromQLParser.MaybeLabelContext l : ctx.maybeLabel()) {
            out.add(label(l));
        }
        return out;
    }

    private String label(PromQLParser.MaybeLabelContext l) {
        String name = l.getStart().getText();
        if (!Lexer.isLabel(name)) {
            throw syntax.unexpected(l.getStart(), "grouping opts", "label");
        }
        return name;
    }

    @Override
    public Expr visitMaybeLabel(PromQLParser.MaybeLabelContext ctx) {
        label(ctx);
        return null;
    }

    @Override
    public Expr visitAggregateExpr(PromQLParser.AggregateExprContext ctx) {
        Token opToken = ctx.aggregateOp().getStart();
        String op = opToken.getText().toLowerCase(Locale.ROOT);
        List<Expr> args = args(ctx.callBody());
        List<String> grouping = List.of();
        boolean without = false;
        if (ctx.aggregateModifier() != null) {
            grouping = labels(ctx.aggregateModifier().groupingLabels());
            without = ctx.aggregateModifier().kind.getType() == PromQLParser.WITHOUT;
        }
        int start = pos(opToken);
        if (args.isEmpty()) {
            throw syntax.error(start, "no arguments for aggregate expression provided");
        }
        boolean withParam = switch (op) {
            case "topk", "bottomk", "count_values", "quantile" -> true;
            default -> false;
        };
        int desired = withParam ? 2 : 1;
        if (args.size() != desired) {
            throw syntax.error(start, "wrong number of arguments for aggregate expression provided, expected "
                    + desired + ", got " + args.size());
        }
        Expr param = withParam ? args.get(0) : null;
        return at(new AggregateExpr(op, args.get(desired - 1), param, grouping, without), start);
    }

    @Override
    public Expr visitCallExpr(PromQLParser.CallExprContext ctx) {
        Token name = ctx.IDENTIFIER().getSymbol();
        List<Expr> args = args(ctx.callBody());
        Functions.Function f = Functions.get(name.getText()).orElseThrow(
                () -> syntax.error(pos(name), "unknown function with name " + GoText.quote(name.getText())));
        return at(new Call(f.name(), args, f.returnType()), pos(name));
    }

    private List<Expr> args(PromQLParser.CallBodyContext body) {
        List<Expr> args = new ArrayList<>();
        for (PromQLParser.ExprContext e : body.expr()) {
            args.add(visit(e));
        }
        if (body.trailing != null) {
            throw syntax.error(pos(body.trailing), "trailing commas not allowed in function call args");
        }
        return args;
    }

    /** The error a duration token would raise, or null. */
    ParseException checkDuration(Token t) {
        try {
            duration(t);
            return null;
        } catch (ParseException e) {
            return e;
        }
    }

    private long duration(Token t) {
        long d;
        try {
            d = GoText.parseDuration(t.getText());
        } catch (IllegalArgumentException e) {
            throw syntax.error(pos(t), e.getMessage());
        }
        if (d == 0) {
            throw syntax.error(pos(t), "duration must be greater than 0");
        }
        return d;
    }

    /** A number literal as Prometheus reads it: an integer in base 10, 16 or 8, else a float. */
    private double number(Token t) {
        String s = t.getText();
        String lower = s.toLowerCase(Locale.ROOT);
        if (lower.equals("inf")) {
            return Double.POSITIVE_INFINITY;
        }
        if (lower.equals("nan")) {
            return Double.NaN;
        }
        try {
            if (lower.startsWith("0x")) {
                return Long.parseLong(s.substring(2), 16);
            }
            if (s.length() > 1 && s.charAt(0) == '0' && s.chars().allMatch(c -> c >= '0' && c <= '7')) {
                return Long.parseLong(s.substring(1), 8);
            }
            if (s.chars().allMatch(Lexer::isDigit)) {
                return Long.parseLong(s);
            }
        } catch (NumberFormatException e) {
            // Too large for an integer: read it as a float below.
        }
        String why = "invalid syntax";
        if (!lower.startsWith("0x")) {
            try {
                double v = Double.parseDouble(s);
                if (!Double.isInfinite(v)) {
                    return v;
                }
                why = "value out of range";
            } catch (NumberFormatException e) {
                // invalid syntax
            }
        }
        throw syntax.error(pos(t), "error parsing number: strconv.ParseFloat: parsing " + GoText.quote(s) + ": " + why);
    }
}
