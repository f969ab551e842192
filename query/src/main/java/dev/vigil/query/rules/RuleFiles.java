package dev.vigil.query.rules;

import dev.vigil.query.QueryException;
import dev.vigil.query.text.GoText;
import dev.vigil.query.parser.Parser;
import dev.vigil.query.rules.template.Template;
import dev.vigil.query.rules.template.TemplateException;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
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
 * Reads Prometheus 2.x rule files and checks them as {@code promtool check rules} does: unknown
 * fields, missing or conflicting {@code record}/{@code alert}, expressions that do not parse,
 * bad label and annotation names, templates that do not parse. Errors read
 * {@code FILE: LINE:COL: group "G", rule N, "NAME": what}.
 */
public final class RuleFiles {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Set<String> GROUP_FIELDS = Set.of("name", "interval", "limit", "rules");
    private static final Set<String> RULE_FIELDS = Set.of("record", "alert", "expr", "for", "keep_firing_for", "labels",
            "annotations");

    private final String file;
    private final long defaultIntervalMs;

    private RuleFiles(String file, long defaultIntervalMs) {
        this.file = file;
        this.defaultIntervalMs = defaultIntervalMs;
    }

    /**
     * Every group of every file the patterns match, in pattern order then file name order.
     *
     * @param patterns {@code rule_files} entries; relative ones are taken from {@code baseDir}
     * @param baseDir the configuration file's folder
     */
    public static List<GroupSpec> load(List<String> patterns, Path baseDir, long defaultIntervalMs) throws RuleFileException {
        List<GroupSpec> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String pattern : patterns) {
            for (Path f : glob(pattern, baseDir)) {
                if (!seen.add(f.toString())) {
                    continue;
                }
                String text;
                try {
                    text = Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new RuleFileException(f + ": " + e.getMessage());
                }
                out.addAll(parse(text, f.toString(), defaultIntervalMs));
            }
        }
        return out;
    }

    /** The files a {@code rule_files} pattern names, sorted (Go's filepath.Glob; no match is no error). */
    public static List<Path> glob(String pattern, Path baseDir) throws RuleFileException {
        Path p = Path.of(pattern);
        if (!p.isAbsolute()) {
            p = baseDir.resolve(pattern);
        }
        p = p.normalize();
        if (!pattern.contains("*") && !pattern.contains("?") && !pattern.contains("[")) {
            return Files.isRegularFile(p) ? List.of(p) : List.of();
        }
        Path dir = p.getParent();
        // Only the last element may hold wildcards here, which is what rule_files use in practice.
        if (dir == null || dir.toString().contains("*") || dir.toString().contains("?")) {
            throw new RuleFileException("\"" + pattern + "\": wildcards are supported in the file name only");
        }
        PathMatcher m;
        try {
            m = FileSystems.getDefault().getPathMatcher("glob:" + p.getFileName());
        } catch (IllegalArgumentException e) {
            throw new RuleFileException("\"" + pattern + "\": syntax error in pattern");
        }
        TreeSet<Path> out = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(x -> m.matches(x.getFileName()) && Files.isRegularFile(x)).forEach(out::add);
        } catch (IOException e) {
            throw new RuleFileException(dir + ": " + e.getMessage());
        }
        return new ArrayList<>(out);
    }

    /** The groups of one file's text; {@code file} names it in errors and in the groups. */
    public static List<GroupSpec> parse(String text, String file, long defaultIntervalMs) throws RuleFileException {
        try {
            return new RuleFiles(file, defaultIntervalMs).read(text);
        } catch (Bad e) {
            throw new RuleFileException(file + ": " + e.getMessage());
        }
    }

    /** Internal: an error with its position already in the message. */
    private static final class Bad extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Bad(String m) {
            super(m, null, false, false);
        }
    }

    private List<GroupSpec> read(String text) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new Bad("yaml: line " + line + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new Bad("yaml: " + e.getMessage());
        }
        List<GroupSpec> out = new ArrayList<>();
        if (root == null || isNull(root)) {
            return out;
        }
        Map<String, NodeTuple> top = mapping(root, Set.of("groups"), "rulefmt.RuleGroups");
        NodeTuple gt = top.get("groups");
        if (gt == null || isNull(gt.getValueNode())) {
            return out;
        }
        Set<String> names = new HashSet<>();
        for (Node gn : sequence(gt.getValueNode())) {
            Map<String, NodeTuple> g = mapping(gn, GROUP_FIELDS, "rulefmt.RuleGroup");
            String name = string(g.get("name"));
            if (name.isEmpty()) {
                throw new Bad(pos(gn) + ": Groupname must not be empty");
            }
            if (!names.add(name)) {
                throw new Bad(pos(gn) + ": groupname: \"" + name + "\" is repeated in the same file");
            }
            long interval = g.containsKey("interval") && !isNull(g.get("interval").getValueNode())
                    ? duration(g.get("interval")) : defaultIntervalMs;
            if (interval <= 0) {
                interval = defaultIntervalMs;
            }
            int limit = 0;
            if (g.containsKey("limit") && !isNull(g.get("limit").getValueNode())) {
                String l = string(g.get("limit"));
                try {
                    limit = Integer.parseInt(l);
                } catch (NumberFormatException e) {
                    throw new Bad(pos(g.get("limit").getValueNode()) + ": cannot unmarshal !!str `" + l + "` into int");
                }
            }
            List<RuleSpec> rules = new ArrayList<>();
            NodeTuple rt = g.get("rules");
            if (rt != null && !isNull(rt.getValueNode())) {
                int i = 0;
                for (Node rn : sequence(rt.getValueNode())) {
                    i++;
                    rules.add(rule(rn, name, i));
                }
            }
            out.add(new GroupSpec(file, name, interval, limit, rules));
        }
        return out;
    }

    private RuleSpec rule(Node n, String group, int index) {
        Map<String, NodeTuple> m = mapping(n, RULE_FIELDS, "rulefmt.RuleNode");
        String record = m.containsKey("record") ? string(m.get("record")) : "";
        String alert = m.containsKey("alert") ? string(m.get("alert")) : "";
        String name = alert.isEmpty() ? record : alert;
        String what = "group " + GoText.quote(group) + ", rule " + index + ", " + GoText.quote(name) + ": ";
        // As rulefmt: errors about the rule point at its record (else alert) value, or at 0:0 when unset.
        String at = !record.isEmpty() ? pos(m.get("record").getValueNode())
                : !alert.isEmpty() ? pos(m.get("alert").getValueNode()) : "0:0";
        String where = at + ": " + what;
        if (!record.isEmpty() && !alert.isEmpty()) {
            throw new Bad(at + ": " + pos(m.get("alert").getValueNode()) + ": " + what + "only one of 'record' and 'alert' must be set");
        }
        if (record.isEmpty() && alert.isEmpty()) {
            throw new Bad("0:0: " + what + "one of 'record' or 'alert' must be set");
        }
        String expr = m.containsKey("expr") ? string(m.get("expr")) : "";
        if (expr.isEmpty()) {
            throw new Bad("0:0: " + what + "field 'expr' must be set in rule");
        }
        try {
            Parser.parse(expr);
        } catch (QueryException e) {
            throw new Bad(pos(m.get("expr").getValueNode()) + ": " + what + "could not parse expression: " + e.getMessage());
        }
        boolean isAlert = !alert.isEmpty();
        if (!isAlert) {
            if (m.containsKey("annotations")) {
                throw new Bad(where + "invalid field 'annotations' in recording rule");
            }
            if (m.containsKey("for")) {
                throw new Bad(where + "invalid field 'for' in recording rule");
            }
            if (m.containsKey("keep_firing_for")) {
                throw new Bad(where + "invalid field 'keep_firing_for' in recording rule");
            }
            if (!METRIC_NAME.matcher(record).matches()) {
                throw new Bad(where + "invalid recording rule name: " + record);
            }
        }
        Map<String, String> labels = stringMap(m.get("labels"));
        for (String k : labels.keySet()) {
            if (!LABEL_NAME.matcher(k).matches() || k.equals("__name__")) {
                throw new Bad(what + "invalid label name: " + k);
            }
        }
        Map<String, String> annotations = stringMap(m.get("annotations"));
        for (String k : annotations.keySet()) {
            if (!LABEL_NAME.matcher(k).matches()) {
                throw new Bad(what + "invalid annotation name: " + k);
            }
        }
        if (isAlert) {
            checkTemplates(what, "label", alert, labels);
            checkTemplates(what, "annotation", alert, annotations);
        }
        long forMs = m.containsKey("for") && !isNull(m.get("for").getValueNode()) ? duration(m.get("for")) : 0;
        long keep = m.containsKey("keep_firing_for") && !isNull(m.get("keep_firing_for").getValueNode())
                ? duration(m.get("keep_firing_for")) : 0;
        return new RuleSpec(isAlert, name, expr, forMs, keep, labels, annotations);
    }

    private void checkTemplates(String what, String kind, String alert, Map<String, String> texts) {
        for (Map.Entry<String, String> e : texts.entrySet()) {
            try {
                Template.parse("__alert_" + alert, e.getValue());
            } catch (TemplateException ex) {
                throw new Bad(what + kind + " " + GoText.quote(e.getKey()) + ": " + ex.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- node helpers

    private Map<String, String> stringMap(NodeTuple t) {
        Map<String, String> out = new LinkedHashMap<>();
        if (t == null || isNull(t.getValueNode())) {
            return out;
        }
        for (NodeTuple e : mappingNode(t.getValueNode()).getValue()) {
            String k = scalar(e.getKeyNode());
            if (out.put(k, isNull(e.getValueNode()) ? "" : scalar(e.getValueNode())) != null) {
                throw new Bad(pos(e.getKeyNode()) + ": yaml: mapping key \"" + k + "\" already defined");
            }
        }
        return out;
    }

    private Map<String, NodeTuple> mapping(Node n, Set<String> known, String type) {
        LinkedHashMap<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : mappingNode(n).getValue()) {
            String k = scalar(t.getKeyNode());
            if (!known.contains(k)) {
                throw new Bad("yaml: unmarshal errors:\n  line " + (t.getKeyNode().getStartMark().getLine() + 1) + ": field " + k
                        + " not found in type " + type);
            }
            if (out.put(k, t) != null) {
                throw new Bad(pos(t.getKeyNode()) + ": yaml: mapping key \"" + k + "\" already defined");
            }
        }
        return out;
    }

    private MappingNode mappingNode(Node n) {
        if (n instanceof MappingNode m) {
            return m;
        }
        throw new Bad(pos(n) + ": expected a mapping, found " + describe(n));
    }

    private List<Node> sequence(Node n) {
        if (n instanceof SequenceNode s) {
            return s.getValue();
        }
        throw new Bad(pos(n) + ": expected a list, found " + describe(n));
    }

    private String scalar(Node n) {
        if (n instanceof ScalarNode s) {
            return s.getValue();
        }
        throw new Bad(pos(n) + ": expected a single value, found " + describe(n));
    }

    private String string(NodeTuple t) {
        return t == null || isNull(t.getValueNode()) ? "" : scalar(t.getValueNode());
    }

    private long duration(NodeTuple t) {
        String v = scalar(t.getValueNode());
        try {
            return GoText.parseDuration(v);
        } catch (IllegalArgumentException e) {
            throw new Bad(e.getMessage());
        }
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
    }

    private static String describe(Node n) {
        return n instanceof MappingNode ? "a mapping" : n instanceof SequenceNode ? "a list" : "\"" + ((ScalarNode) n).getValue() + "\"";
    }

    private static String pos(Node n) {
        return (n.getStartMark().getLine() + 1) + ":" + (n.getStartMark().getColumn() + 1);
    }
}
