package dev.vigil.query.ast;

/** A unary {@code -} or {@code +}. */
public record UnaryExpr(char op, Expr expr) implements Expr {
    @Override
    public ValueType type() {
        return expr.type();
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
