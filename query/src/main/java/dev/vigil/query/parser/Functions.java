package dev.vigil.query.parser;

import dev.vigil.query.ast.ValueType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The PromQL function table: each function's argument types, how many optional trailing
 * arguments it takes and its result type. The parser type-checks calls with it; the evaluator
 * looks functions up by the same names. Matches Prometheus 2.42 (holt_winters included).
 */
public final class Functions {
    /**
     * One function.
     *
     * @param argTypes the declared argument types; for a variadic function the last one repeats
     * @param variadic 0: exactly {@code argTypes.size()} arguments; n &gt; 0: the last argument
     *     may be given 0..n times (so it is optional when n = 1); -1: the last repeats without limit
     */
    public record Function(String name, List<ValueType> argTypes, int variadic, ValueType returnType) {
        public Function {
            argTypes = List.copyOf(argTypes);
        }

        /** The type argument {@code i} must have. */
        public ValueType argType(int i) {
            return argTypes.get(Math.min(i, argTypes.size() - 1));
        }
    }

    private static final ValueType V = ValueType.VECTOR;
    private static final ValueType S = ValueType.SCALAR;
    private static final ValueType M = ValueType.MATRIX;
    private static final ValueType STR = ValueType.STRING;

    private static final Map<String, Function> TABLE = new HashMap<>();

    static {
        f("abs", V, 0, V);
        f("absent", V, 0, V);
        f("absent_over_time", V, 0, M);
        f("acos", V, 0, V);
        f("acosh", V, 0, V);
        f("asin", V, 0, V);
        f("asinh", V, 0, V);
        f("atan", V, 0, V);
        f("atanh", V, 0, V);
        f("avg_over_time", V, 0, M);
        f("ceil", V, 0, V);
        f("changes", V, 0, M);
        f("clamp", V, 0, V, S, S);
        f("clamp_max", V, 0, V, S);
        f("clamp_min", V, 0, V, S);
        f("cos", V, 0, V);
        f("cosh", V, 0, V);
        f("count_over_time", V, 0, M);
        f("days_in_month", V, 1, V);
        f("day_of_month", V, 1, V);
        f("day_of_week", V, 1, V);
        f("day_of_year", V, 1, V);
        f("deg", V, 0, V);
        f("delta", V, 0, M);
        f("deriv", V, 0, M);
        f("exp", V, 0, V);
        f("floor", V, 0, V);
        f("histogram_count", V, 0, V);
        f("histogram_sum", V, 0, V);
        f("histogram_fraction", V, 0, S, S, V);
        f("histogram_quantile", V, 0, S, V);
        f("holt_winters", V, 0, M, S, S);
        f("hour", V, 1, V);
        f("idelta", V, 0, M);
        f("increase", V, 0, M);
        f("irate", V, 0, M);
        f("label_replace", V, 0, V, STR, STR, STR, STR);
        f("label_join", V, -1, V, STR, STR, STR);
        f("last_over_time", V, 0, M);
        f("ln", V, 0, V);
        f("log10", V, 0, V);
        f("log2", V, 0, V);
        f("max_over_time", V, 0, M);
        f("min_over_time", V, 0, M);
        f("minute", V, 1, V);
        f("month", V, 1, V);
        f("pi", S, 0);
        f("predict_linear", V, 0, M, S);
        f("present_over_time", V, 0, M);
        f("quantile_over_time", V, 0, S, M);
        f("rad", V, 0, V);
        f("rate", V, 0, M);
        f("resets", V, 0, M);
        f("round", V, 1, V, S);
        f("scalar", S, 0, V);
        f("sgn", V, 0, V);
        f("sin", V, 0, V);
        f("sinh", V, 0, V);
        f("sort", V, 0, V);
        f("sort_desc", V, 0, V);
        f("sqrt", V, 0, V);
        f("stddev_over_time", V, 0, M);
        f("stdvar_over_time", V, 0, M);
        f("sum_over_time", V, 0, M);
        f("tan", V, 0, V);
        f("tanh", V, 0, V);
        f("time", S, 0);
        f("timestamp", V, 0, V);
        f("vector", V, 0, S);
        f("year", V, 1, V);
    }

    private Functions() {}

    private static void f(String name, ValueType returns, int variadic, ValueType... args) {
        TABLE.put(name, new Function(name, List.of(args), variadic, returns));
    }

    /** The function named {@code name} (case-sensitive), if there is one. */
    public static Optional<Function> get(String name) {
        return Optional.ofNullable(TABLE.get(name));
    }
}
