package dev.vigil.query.ast;

/**
 * A subquery {@code expr[range:step] offset d @ t}.
 *
 * @param stepMs the resolution in ms, 0 when omitted (the engine's default evaluation interval)
 */
public record SubqueryExpr(Expr expr, long rangeMs, long stepMs, long offsetMs, At at) implements Expr {
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
