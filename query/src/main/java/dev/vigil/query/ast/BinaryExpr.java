package dev.vigil.query.ast;

/**
 * A binary operation.
 *
 * @param op the operator as written: + - * / % ^ == != &gt; &lt; &gt;= &lt;= and or unless atan2
 * @param returnBool the {@code bool} modifier of a comparison
 * @param matching how vectors are matched; null when at least one side is a scalar
 */
public record BinaryExpr(String op, Expr lhs, Expr rhs, boolean returnBool, VectorMatching matching) implements Expr {
    @Override
    public ValueType type() {
        return lhs.type() == ValueType.SCALAR && rhs.type() == ValueType.SCALAR ? ValueType.SCALAR : ValueType.VECTOR;
    }

    /**
     * Canonical PromQL as {@code /api/v1/format_query} returns it: one line, split over indented
     * lines beyond 100 bytes; {@code Printer.print} always gives the single line.
     */
    @Override
    public String toString() {
        return Printer.pretty(this);
    }
}
