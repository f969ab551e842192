package dev.vigil.query.rules;

/** A rule's evaluation failed for a reason of its own (duplicate series, limit exceeded). */
final class RuleEvalException extends Exception {
    private static final long serialVersionUID = 1L;

    RuleEvalException(String message) {
        super(message, null, false, false);
    }
}
