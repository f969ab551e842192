package dev.vigil.query.rules;

import java.util.List;

/**
 * A rule group as loaded from a file.
 *
 * @param file the path as the glob resolved it (part of the group's identity and schedule)
 * @param name the group's name
 * @param intervalMs the evaluation interval (the global one when the group sets none)
 * @param limit the most series or alerts a rule may produce (0 = no limit)
 * @param rules the rules in file order
 */
public record GroupSpec(String file, String name, long intervalMs, int limit, List<RuleSpec> rules) {
    public GroupSpec {
        rules = List.copyOf(rules);
    }

    /** Prometheus's group key ({@code file;name}), as in the {@code rule_group} label of the self metrics. */
    public String key() {
        return file + ";" + name;
    }
}
