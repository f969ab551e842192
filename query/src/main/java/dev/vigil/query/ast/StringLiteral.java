package dev.vigil.query.ast;

/** A string literal, escapes already resolved. */
public record StringLiteral(String value) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.STRING;
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
