package dev.vigil.query.rules;

import java.util.Map;

/**
 * One rule as written in a rule file.
 *
 * @param alert true for an alerting rule, false for a recording rule
 * @param name the {@code record} or {@code alert} name
 * @param expr the expression as written
 * @param forMs {@code for} (alerting rules; 0 = fire at once)
 * @param keepFiringForMs {@code keep_firing_for} (alerting rules)
 * @param labels labels in file order
 * @param annotations annotations in file order (alerting rules)
 */
public record RuleSpec(boolean alert, String name, String expr, long forMs, long keepFiringForMs,
        Map<String, String> labels, Map<String, String> annotations) {
    public RuleSpec {
        labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
        annotations = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(annotations));
    }
}
