package dev.vigil.query.ast;

import dev.vigil.tsdb.Matcher;
import java.util.List;

/**
 * An instant vector selector {@code name{matchers} offset d @ t}.
 *
 * @param name the metric name as written before the braces, or null; it is also present in
 *     {@code matchers} as a {@code __name__} equality matcher
 * @param matchers all matchers, including the one for the name
 * @param offsetMs the offset in ms (negative allowed), 0 when absent
 * @param at the {@code @} modifier, or null
 */
public record VectorSelector(String name, List<Matcher> matchers, long offsetMs, At at) implements Expr {
    public VectorSelector {
        matchers = List.copyOf(matchers);
    }

    @Override
    public ValueType type() {
        return ValueType.VECTOR;
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
