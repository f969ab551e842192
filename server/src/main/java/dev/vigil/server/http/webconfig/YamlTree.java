package dev.vigil.server.http.webconfig;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Strict reading of a small YAML file, as Go's yaml.UnmarshalStrict does it: unknown and repeated
 * keys are errors, and every error names the file and the line.
 */
final class YamlTree {
    private final String where;

    YamlTree(String where) {
        this.where = where;
    }

    /** The document's root, or null for an empty file. */
    Node root(String text) {
        try {
            return new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new IllegalArgumentException(where + ":" + line + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }

    /** The keys of a mapping by name; a key outside {@code allowed} is an error naming {@code type}. */
    Map<String, NodeTuple> mapping(Node n, Set<String> allowed, String type) {
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : mappingNode(n).getValue()) {
            String k = scalar(t.getKeyNode());
            if (allowed != null && !allowed.contains(k)) {
                throw error(t.getKeyNode(), "field " + k + " not found in type " + type);
            }
            if (out.put(k, t) != null) {
                throw error(t.getKeyNode(), "key \"" + k + "\" already set in map");
            }
        }
        return out;
    }

    MappingNode mappingNode(Node n) {
        if (n instanceof MappingNode m) {
            return m;
        }
        throw error(n, "expected a mapping");
    }

    List<Node> sequence(Node n) {
        if (isNull(n)) {
            return List.of();
        }
        if (n instanceof SequenceNode s) {
            return new ArrayList<>(s.getValue());
        }
        throw error(n, "expected a list");
    }

    String scalar(Node n) {
        if (n instanceof ScalarNode s) {
            return s.getValue();
        }
        throw error(n, "expected a single value");
    }

    /** The value of {@code key}, or {@code dflt} when absent or null. */
    String string(Map<String, NodeTuple> m, String key, String dflt) {
        NodeTuple t = m.get(key);
        return t == null || isNull(t.getValueNode()) ? dflt : scalar(t.getValueNode());
    }

    boolean bool(Map<String, NodeTuple> m, String key, boolean dflt) {
        NodeTuple t = m.get(key);
        if (t == null || isNull(t.getValueNode())) {
            return dflt;
        }
        String v = scalar(t.getValueNode());
        return switch (v) {
            case "true", "True", "TRUE" -> true;
            case "false", "False", "FALSE" -> false;
            default -> throw error(t.getValueNode(), "cannot unmarshal " + v + " into a boolean");
        };
    }

    static boolean isNull(Node n) {
        return n == null || n instanceof ScalarNode s && "tag:yaml.org,2002:null".equals(s.getTag().getValue());
    }

    static int line(Node n) {
        return n.getStartMark() == null ? 0 : n.getStartMark().getLine() + 1;
    }

    IllegalArgumentException error(Node n, String what) {
        return new IllegalArgumentException(where + ":" + line(n) + ": " + what);
    }
}
