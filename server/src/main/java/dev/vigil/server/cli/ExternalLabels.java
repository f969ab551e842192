package dev.vigil.server.cli;

import dev.vigil.tsdb.Labels;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * {@code global.external_labels} of a configuration file: the labels federation and remote read
 * attach to series that lack them. Read from the text {@link ConfigFile} has already checked.
 */
public final class ExternalLabels {
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    private ExternalLabels() {
    }

    /** @throws IllegalArgumentException naming the file and the bad label */
    public static Labels parse(String yaml, String where) {
        Object root;
        try {
            root = new Yaml(new LoaderOptions()).load(yaml);
        } catch (YAMLException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> top) || !(top.get("global") instanceof Map<?, ?> global)
                || global.get("external_labels") == null) {
            return Labels.EMPTY;
        }
        if (!(global.get("external_labels") instanceof Map<?, ?> ext)) {
            throw new IllegalArgumentException(where + ": global.external_labels must be a mapping of label names to values");
        }
        Labels.Builder b = Labels.builder();
        for (Map.Entry<?, ?> e : ext.entrySet()) {
            String name = String.valueOf(e.getKey());
            if (!LABEL_NAME.matcher(name).matches() || name.equals(Labels.METRIC_NAME)) {
                throw new IllegalArgumentException(where + ": \"" + name + "\" is not a valid label name for an external label");
            }
            b.set(name, e.getValue() == null ? "" : String.valueOf(e.getValue()));
        }
        return b.build();
    }
}
