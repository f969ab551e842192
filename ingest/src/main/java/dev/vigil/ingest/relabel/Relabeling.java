package dev.vigil.ingest.relabel;

import java.util.List;

/**
 * A checked, compiled list of relabelling rules (one {@code relabel_configs} or
 * {@code metric_relabel_configs} list). Immutable and shared; each thread that applies it takes
 * its own {@link #relabeler()}.
 */
public final class Relabeling {
    /** No rules: every label set stays as it is. */
    public static final Relabeling NONE = new Relabeling(List.of(), List.of());

    private final List<RelabelConfig> configs;
    final Rule[] rules;

    private Relabeling(List<RelabelConfig> configs, List<Rule> rules) {
        this.configs = List.copyOf(configs);
        this.rules = rules.toArray(new Rule[0]);
    }

    /**
     * Checks and compiles the rules.
     *
     * @throws InvalidRuleException naming the rule (0-based) and what Prometheus would say about it
     */
    public static Relabeling of(List<RelabelConfig> configs) {
        if (configs.isEmpty()) {
            return NONE;
        }
        Rule[] rules = new Rule[configs.size()];
        for (int i = 0; i < rules.length; i++) {
            try {
                rules[i] = Rule.compile(configs.get(i));
            } catch (IllegalArgumentException e) {
                throw new InvalidRuleException(i, e.getMessage());
            }
        }
        return new Relabeling(configs, List.of(rules));
    }

    public boolean isEmpty() {
        return rules.length == 0;
    }

    public List<RelabelConfig> configs() {
        return configs;
    }

    /** A worker for one thread at a time. */
    public Relabeler relabeler() {
        return new Relabeler(this);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Relabeling r && r.configs.equals(configs);
    }

    @Override
    public int hashCode() {
        return configs.hashCode();
    }

    @Override
    public String toString() {
        return configs.toString();
    }
}
