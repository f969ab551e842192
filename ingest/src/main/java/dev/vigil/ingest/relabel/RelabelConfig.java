package dev.vigil.ingest.relabel;

import java.util.List;

/**
 * One relabelling rule as written in a configuration file, before it is checked. A field that was
 * not written is {@code null}: some actions refuse a field that is set at all, even to its
 * default value, as Prometheus does.
 *
 * @param sourceLabels {@code source_labels}, null when absent
 * @param separator {@code separator}, null when absent (default {@code ;})
 * @param regex {@code regex} without anchors, null when absent (default {@code (.*)})
 * @param modulus {@code modulus}, 0 when absent; unsigned (a uint64 in Prometheus)
 * @param targetLabel {@code target_label}, null when absent
 * @param replacement {@code replacement}, null when absent (default {@code $1})
 * @param action {@code action}, null when absent (default {@code replace})
 */
public record RelabelConfig(List<String> sourceLabels, String separator, String regex, long modulus,
        String targetLabel, String replacement, String action) {

    public static final String DEFAULT_SEPARATOR = ";";
    public static final String DEFAULT_REGEX = "(.*)";
    public static final String DEFAULT_REPLACEMENT = "$1";

    public RelabelConfig {
        sourceLabels = sourceLabels == null ? null : List.copyOf(sourceLabels);
    }

    /** A rule with the given action and defaults elsewhere; see the {@code with*} methods. */
    public static RelabelConfig of(String action) {
        return new RelabelConfig(null, null, null, 0, null, null, action);
    }

    public RelabelConfig withSourceLabels(String... names) {
        return new RelabelConfig(List.of(names), separator, regex, modulus, targetLabel, replacement, action);
    }

    public RelabelConfig withSeparator(String s) {
        return new RelabelConfig(sourceLabels, s, regex, modulus, targetLabel, replacement, action);
    }

    public RelabelConfig withRegex(String r) {
        return new RelabelConfig(sourceLabels, separator, r, modulus, targetLabel, replacement, action);
    }

    public RelabelConfig withModulus(long m) {
        return new RelabelConfig(sourceLabels, separator, regex, m, targetLabel, replacement, action);
    }

    public RelabelConfig withTargetLabel(String t) {
        return new RelabelConfig(sourceLabels, separator, regex, modulus, t, replacement, action);
    }

    public RelabelConfig withReplacement(String r) {
        return new RelabelConfig(sourceLabels, separator, regex, modulus, targetLabel, r, action);
    }
}
