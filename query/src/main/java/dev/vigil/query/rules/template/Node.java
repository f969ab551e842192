package dev.vigil.query.rules.template;

import java.util.List;

/** The parsed template tree: text, output actions and the control structures. */
sealed interface Node {
    /** Literal text between actions. */
    record Text(String text) implements Node {
    }

    /** {@code {{ pipeline }}}: evaluates and prints unless the pipeline declares variables. */
    record Action(Pipeline pipe) implements Node {
    }

    /** {@code if}, {@code with} and {@code range} share one shape: a pipeline, a body, an else. */
    record Branch(String kind, Pipeline pipe, List<Node> body, List<Node> otherwise) implements Node {
    }

    /** Variable declarations ({@code $x :=}) or assignments ({@code $x =}) and the commands after them. */
    record Pipeline(int column, List<String> vars, boolean declare, List<Command> commands) {
    }

    /**
     * One stage of a pipeline: a function with arguments, or a single operand; with where it
     * starts (line, 0-based column) and its source text, for Go's error context.
     */
    record Command(List<Arg> args, int line, int column, String text) {
    }

    /** An operand. */
    sealed interface Arg {
    }

    /** A constant string, number or bool (a Java String, Long, Double or Boolean), or nil (null). */
    record Literal(Object value) implements Arg {
    }

    /** {@code .} or {@code .A.B}. */
    record Field(List<String> path) implements Arg {
    }

    /** {@code $x} or {@code $x.A.B}. */
    record Variable(String name, List<String> path) implements Arg {
    }

    /** A function name. */
    record Function(String name) implements Arg {
    }

    /** A parenthesised pipeline, optionally followed by a field chain. */
    record Sub(Pipeline pipe, List<String> path) implements Arg {
    }
}
