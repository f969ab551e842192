package dev.vigil.ingest.relabel;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;

/** One checked and compiled relabelling rule; immutable and shared between threads. */
final class Rule {
    final Action action;
    final String[] sources;
    final String separator;
    final Pattern regex;
    final boolean defaultRegex;
    /** The regex as literal alternatives, or null: then the regex engine decides. */
    final String[] literals;
    /** What every match starts with ("" when unknown): a value without it cannot match. */
    final String prefix;
    final long modulus;
    final String targetLabel;
    final Template target;
    final String replacementText;
    final Template replacement;

    private Rule(RelabelConfig c, Action action) {
        this.action = action;
        this.sources = c.sourceLabels() == null ? new String[0] : c.sourceLabels().toArray(new String[0]);
        this.separator = c.separator() == null ? RelabelConfig.DEFAULT_SEPARATOR : c.separator();
        this.defaultRegex = c.regex() == null;
        String re = c.regex() == null ? RelabelConfig.DEFAULT_REGEX : c.regex();
        try {
            this.regex = Pattern.compile("^(?:" + re + ")$");
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        this.literals = Literals.of(c.regex());
        this.prefix = Literals.prefix(c.regex());
        this.modulus = c.modulus();
        this.targetLabel = c.targetLabel() == null ? "" : c.targetLabel();
        this.replacementText = c.replacement() == null ? RelabelConfig.DEFAULT_REPLACEMENT : c.replacement();
        this.target = Template.parse(targetLabel, regex);
        this.replacement = Template.parse(replacementText, regex);
    }

    /** Checks as Prometheus 2.42's {@code relabel.Config.UnmarshalYAML} does, with its messages. */
    static Rule compile(RelabelConfig c) {
        Action a = c.action() == null ? Action.REPLACE : Action.parse(c.action());
        if (c.sourceLabels() != null) {
            for (String s : c.sourceLabels()) {
                if (!LabelNames.isValid(s)) {
                    throw new IllegalArgumentException("\"" + s + "\" is not a valid label name");
                }
            }
        }
        String target = c.targetLabel() == null ? "" : c.targetLabel();
        String repl = c.replacement() == null ? RelabelConfig.DEFAULT_REPLACEMENT : c.replacement();
        if (c.modulus() == 0 && a == Action.HASHMOD) {
            throw new IllegalArgumentException("relabel configuration for hashmod requires non-zero modulus");
        }
        boolean needsTarget = a == Action.REPLACE || a == Action.HASHMOD || a == Action.LOWERCASE || a == Action.UPPERCASE
                || a == Action.KEEPEQUAL || a == Action.DROPEQUAL;
        if (needsTarget && target.isEmpty()) {
            throw new IllegalArgumentException("relabel configuration for " + a.text() + " action requires 'target_label' value");
        }
        // 2.42 checks these five against the template pattern (so lowercase may write to "a$1" literally), hashmod strictly.
        boolean templateTarget = a == Action.REPLACE || a == Action.LOWERCASE || a == Action.UPPERCASE
                || a == Action.KEEPEQUAL || a == Action.DROPEQUAL;
        if (templateTarget && !LabelNames.isValidTemplate(target) || a == Action.HASHMOD && !LabelNames.isValid(target)) {
            throw new IllegalArgumentException("\"" + target + "\" is invalid 'target_label' for " + a.text() + " action");
        }
        if ((a == Action.LOWERCASE || a == Action.UPPERCASE || a == Action.KEEPEQUAL || a == Action.DROPEQUAL)
                && !repl.equals(RelabelConfig.DEFAULT_REPLACEMENT)) {
            throw new IllegalArgumentException("'replacement' can not be set for " + a.text() + " action");
        }
        if (a == Action.LABELMAP && !LabelNames.isValidTemplate(repl)) {
            throw new IllegalArgumentException("\"" + repl + "\" is invalid 'replacement' for " + a.text() + " action");
        }
        String sep = c.separator() == null ? RelabelConfig.DEFAULT_SEPARATOR : c.separator();
        // Prometheus compares the regex by identity with its default: any regex written counts as set.
        if ((a == Action.KEEPEQUAL || a == Action.DROPEQUAL) && (c.regex() != null || c.modulus() != 0
                || !sep.equals(RelabelConfig.DEFAULT_SEPARATOR) || !repl.equals(RelabelConfig.DEFAULT_REPLACEMENT))) {
            throw new IllegalArgumentException(a.text() + " action requires only 'source_labels' and `target_label`, and no other fields");
        }
        if ((a == Action.LABELDROP || a == Action.LABELKEEP) && (c.sourceLabels() != null || !target.isEmpty()
                || c.modulus() != 0 || !sep.equals(RelabelConfig.DEFAULT_SEPARATOR)
                || !repl.equals(RelabelConfig.DEFAULT_REPLACEMENT))) {
            throw new IllegalArgumentException(a.text() + " action requires only 'regex', and no other fields");
        }
        return new Rule(c, a);
    }

    static List<Rule> compileAll(List<RelabelConfig> cs) {
        return cs.stream().map(Rule::compile).toList();
    }
}
