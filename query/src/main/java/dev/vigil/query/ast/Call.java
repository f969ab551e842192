package dev.vigil.query.ast;

import java.util.List;

/** A function call; {@code returnType} comes from the function table at parse time. */
public record Call(String function, List<Expr> args, ValueType returnType) implements Expr {
    public Call {
        args = List.copyOf(args);
    }

    @Override
    public ValueType type() {
        return returnType;
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
