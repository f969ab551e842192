package dev.vigil.query.ast;

import java.util.List;

/**
 * An aggregation such as {@code sum by (a) (x)} or {@code topk(3, x)}.
 *
 * @param op lower-case operator: sum, avg, count, min, max, group, stddev, stdvar, topk,
 *     bottomk, quantile, count_values
 * @param param the parameter of topk/bottomk/quantile/count_values, or null
 * @param grouping the labels of {@code by}/{@code without}; empty with {@code without=false}
 *     means one group for everything
 */
public record AggregateExpr(String op, Expr expr, Expr param, List<String> grouping, boolean without) implements Expr {
    public AggregateExpr {
        grouping = List.copyOf(grouping);
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
