package dev.vigil.query.parser;

import dev.vigil.query.ast.AggregateExpr;
import dev.vigil.query.ast.BinaryExpr;
import dev.vigil.query.ast.Call;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.MatrixSelector;
import dev.vigil.query.ast.ParenExpr;
import dev.vigil.query.ast.SubqueryExpr;
import dev.vigil.query.ast.UnaryExpr;
import dev.vigil.query.ast.ValueType;
import dev.vigil.query.ast.VectorMatching;
import dev.vigil.query.ast.VectorMatching.Cardinality;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.query.text.GoText;
import dev.vigil.tsdb.Matcher;
import java.util.List;

/**
 * Type checks a built AST the way Prometheus does after a successful parse: argument types and
 * counts of calls and aggregations, operand types of binary and unary operators, where
 * {@code bool} and vector matching may appear, and that a selector cannot match everything.
 * Reports the first error in Prometheus's order (children before their parent).
 */
final class Checker {
    private final AstBuilder ast;
    private final Syntax syntax;

    Checker(AstBuilder ast, Syntax syntax) {
        this.ast = ast;
        this.syntax = syntax;
    }

    ValueType check(Expr node) {
        if (node instanceof AggregateExpr n) {
            expect(n.expr(), ValueType.VECTOR, "aggregation expression");
            switch (n.op()) {
                case "topk", "bottomk", "quantile" -> expect(n.param(), ValueType.SCALAR, "aggregation parameter");
                case "count_values" -> expect(n.param(), ValueType.STRING, "aggregation parameter");
                default -> { }
            }
        } else if (node instanceof BinaryExpr n) {
            binary(n);
        } else if (node instanceof Call n) {
            call(n);
        } else if (node instanceof ParenExpr n) {
            check(n.expr());
        } else if (node instanceof UnaryExpr n) {
            ValueType t = check(n.expr());
            if (t != ValueType.SCALAR && t != ValueType.VECTOR) {
                throw error(n, "unary expression only allowed on expressions of type scalar or instant vector, got "
                        + GoText.quote(t.text));
            }
        } else if (node instanceof SubqueryExpr n) {
            ValueType t = check(n.expr());
            if (t != ValueType.VECTOR) {
                throw error(n, "subquery is only allowed on instant vector, got " + internalName(t) + " instead");
            }
        } else if (node instanceof MatrixSelector n) {
            check(n.selector());
        } else if (node instanceof VectorSelector n) {
            selector(n);
        }
        return node.type();
    }

    private void binary(BinaryExpr n) {
        ValueType lt = check(n.lhs());
        ValueType rt = check(n.rhs());
        String op = n.op();
        int opStart = ast.opStarts.getOrDefault(n, ast.start(n));
        VectorMatching written = ast.writtenMatching.get(n);
        if (n.returnBool() && !AstBuilder.isComparison(op)) {
            throw syntax.error(opStart, "bool modifier can only be used on comparison operators");
        }
        if (AstBuilder.isComparison(op) && !n.returnBool() && lt == ValueType.SCALAR && rt == ValueType.SCALAR) {
            throw syntax.error(opStart, "comparisons between scalars must use BOOL modifier");
        }
        if (written != null && written.on()) {
            for (String l : written.matchingLabels()) {
                if (written.include().contains(l)) {
                    throw syntax.error(opStart, "label " + GoText.quote(l) + " must not occur in ON and GROUP clause at once");
                }
            }
        }
        if (lt != ValueType.SCALAR && lt != ValueType.VECTOR) {
            throw error(n.lhs(), "binary expression must contain only scalar and instant vector types");
        }
        if (rt != ValueType.SCALAR && rt != ValueType.VECTOR) {
            throw error(n.rhs(), "binary expression must contain only scalar and instant vector types");
        }
        boolean setOp = AstBuilder.isSetOperator(op);
        if (lt != ValueType.VECTOR || rt != ValueType.VECTOR) {
            if (written != null && !written.matchingLabels().isEmpty()) {
                throw error(n, "vector matching only allowed between instant vectors");
            }
        } else if (setOp && written != null
                && (written.card() == Cardinality.ONE_TO_MANY || written.card() == Cardinality.MANY_TO_ONE)) {
            throw error(n, "no grouping allowed for " + GoText.quote(op) + " operation");
        }
        if ((lt == ValueType.SCALAR || rt == ValueType.SCALAR) && setOp) {
            throw error(n, "set operator " + GoText.quote(op) + " not allowed in binary scalar expression");
        }
    }

    private void call(Call n) {
        Functions.Function f = Functions.get(n.function()).orElseThrow();
        int nargs = f.argTypes().size();
        int got = n.args().size();
        String name = GoText.quote(f.name());
        if (f.variadic() == 0) {
            if (nargs != got) {
                throw error(n, "expected " + nargs + " argument(s) in call to " + name + ", got " + got);
            }
        } else {
            int na = nargs - 1;
            if (na > got) {
                throw error(n, "expected at least " + na + " argument(s) in call to " + name + ", got " + got);
            } else if (f.variadic() > 0 && na + f.variadic() < got) {
                throw error(n, "expected at most " + (na + f.variadic()) + " argument(s) in call to " + name + ", got " + got);
            }
        }
        List<Expr> args = n.args();
        for (int i = 0; i < args.size(); i++) {
            if (i >= nargs && f.variadic() == 0) {
                break;
            }
            expect(args.get(i), f.argType(i), "call to function " + name);
        }
    }

    private void selector(VectorSelector n) {
        List<Matcher> ms = n.matchers();
        if (n.name() != null) {
            for (int i = 0; i < ms.size() - 1; i++) {
                if (ms.get(i).name().equals("__name__")) {
                    throw error(n, "metric name must not be set twice: " + GoText.quote(n.name()) + " or "
                            + GoText.quote(ms.get(i).value()));
                }
            }
            return;
        }
        for (Matcher m : ms) {
            if (!m.matchesEmpty()) {
                return;
            }
        }
        throw error(n, "vector selector must contain at least one non-empty matcher");
    }

    private void expect(Expr node, ValueType want, String context) {
        ValueType t = check(node);
        if (t != want) {
            throw error(node, "expected type " + want.text + " in " + context + ", got " + t.text);
        }
    }

    private dev.vigil.query.ParseException error(Expr at, String what) {
        return syntax.error(ast.start(at), what);
    }

    /** The short type names Prometheus uses in a few messages. */
    private static String internalName(ValueType t) {
        return switch (t) {
            case SCALAR -> "scalar";
            case VECTOR -> "vector";
            case MATRIX -> "matrix";
            case STRING -> "string";
        };
    }
}
