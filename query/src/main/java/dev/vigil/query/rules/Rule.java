package dev.vigil.query.rules;

import dev.vigil.query.parser.Parser;
import dev.vigil.query.ast.Printer;
import dev.vigil.query.value.Sample;
import java.util.List;

/** A recording or alerting rule with its last evaluation's health. */
public abstract sealed class Rule permits RecordingRule, AlertingRule {
    /** Prometheus's rule health. */
    public enum Health {
        UNKNOWN("unknown"), OK("ok"), ERR("err");

        public final String text;

        Health(String text) {
            this.text = text;
        }
    }

    final RuleSpec spec;
    /** The expression as Prometheus prints it back ({@code rule.Query().String()}). */
    final String query;
    private volatile Health health = Health.UNKNOWN;
    private volatile String lastError = "";
    private volatile long lastEvaluationMs;
    private volatile long evaluationNanos;

    Rule(RuleSpec spec) {
        this.spec = spec;
        this.query = Printer.print(Parser.parse(spec.expr()));
    }

    /** Evaluates at {@code ts} (ms); the samples to write. */
    abstract List<Sample> eval(long ts, RuleContext ctx) throws Exception;

    public RuleSpec spec() {
        return spec;
    }

    public String name() {
        return spec.name();
    }

    public String query() {
        return query;
    }

    public Health health() {
        return health;
    }

    public String lastError() {
        return lastError;
    }

    public long lastEvaluationMs() {
        return lastEvaluationMs;
    }

    public double evaluationSeconds() {
        return evaluationNanos / 1e9;
    }

    void recordResult(Health h, String error, long evalStartMs, long nanos) {
        health = h;
        lastError = error == null ? "" : error;
        lastEvaluationMs = evalStartMs;
        evaluationNanos = nanos;
    }

    void copyStatus(Rule from) {
        health = from.health;
        lastError = from.lastError;
        lastEvaluationMs = from.lastEvaluationMs;
        evaluationNanos = from.evaluationNanos;
    }
}
