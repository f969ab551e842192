package dev.vigil.query.ast;

/** A number literal such as {@code 1}, {@code 0x1f}, {@code 1e-3}, {@code Inf}, {@code NaN}. */
public record NumberLiteral(double value) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.SCALAR;
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
