package dev.vigil.server.cli;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * The configuration file as {@code /api/v1/status/config} shows it: every value Prometheus 2.42
 * keeps in a {@code Secret} (passwords, credentials, tokens, client secrets, secret keys, proxy
 * header values) is {@code <secret>}, wherever in the file it is. Comments go, as they do in
 * Prometheus's re-marshalled answer.
 */
public final class ConfigRedaction {
    /** Field names whose values are secrets in Prometheus 2.42's configuration (and its service discoveries). */
    static final Set<String> SECRET_FIELDS = Set.of("password", "credentials", "bearer_token", "client_secret",
            "secret_key", "token", "auth_token", "application_credential_secret", "application_secret", "consumer_key");
    /** Maps whose every value is a secret. */
    static final Set<String> SECRET_MAPS = Set.of("proxy_connect_header");
    public static final String SECRET = "<secret>";

    private ConfigRedaction() {
    }

    /** {@code text} with secrets replaced; an empty string for an empty file. */
    public static String redact(String text) {
        Node root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        if (root == null) {
            return "";
        }
        Node clean = walk(root, false);
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        StringWriter w = new StringWriter();
        new Yaml(o).serialize(clean, w);
        return w.toString();
    }

    private static Node walk(Node n, boolean secret) {
        if (n instanceof ScalarNode s) {
            if (secret && !s.getValue().isEmpty() && !s.getTag().equals(Tag.NULL)) {
                return new ScalarNode(Tag.STR, SECRET, s.getStartMark(), s.getEndMark(), DumperOptions.ScalarStyle.PLAIN);
            }
            return s;
        }
        if (n instanceof SequenceNode q) {
            List<Node> items = new ArrayList<>();
            for (Node i : q.getValue()) {
                items.add(walk(i, secret));
            }
            return new SequenceNode(q.getTag(), items, q.getFlowStyle());
        }
        if (n instanceof MappingNode m) {
            List<NodeTuple> out = new ArrayList<>();
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
                boolean s = secret || SECRET_FIELDS.contains(key);
                Node v = SECRET_MAPS.contains(key) ? secretValues(t.getValueNode()) : walk(t.getValueNode(), s);
                out.add(new NodeTuple(t.getKeyNode(), v));
            }
            return new MappingNode(m.getTag(), out, m.getFlowStyle());
        }
        return n;
    }

    /** A map whose values (scalars or lists of them) are all secret. */
    private static Node secretValues(Node n) {
        if (!(n instanceof MappingNode m)) {
            return walk(n, true);
        }
        List<NodeTuple> out = new ArrayList<>();
        for (NodeTuple t : m.getValue()) {
            out.add(new NodeTuple(t.getKeyNode(), walk(t.getValueNode(), true)));
        }
        return new MappingNode(m.getTag(), out, m.getFlowStyle());
    }
}
