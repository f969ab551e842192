package dev.vigil.query.ast;

/** A range vector selector {@code sel[range]}; offset and {@code @} live on the inner selector. */
public record MatrixSelector(VectorSelector selector, long rangeMs) implements Expr {
    @Override
    public ValueType type() {
        return ValueType.MATRIX;
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
