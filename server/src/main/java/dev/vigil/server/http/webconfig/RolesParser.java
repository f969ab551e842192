package dev.vigil.server.http.webconfig;

import dev.vigil.server.http.Role;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/** Reads a roles file strictly; every error names the file and the line. */
public final class RolesParser {
    private static final Set<String> TOP = Set.of("users", "client_certificates", "networks");
    private final YamlTree yaml;

    private RolesParser(String where) {
        this.yaml = new YamlTree(where);
    }

    /**
     * @param users the web config's users: a role given to a user without a password is an error
     * @throws IllegalArgumentException naming the file, the line and what is wrong
     */
    public static RolesConfig load(Path file, Set<String> users) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString(), users);
    }

    public static RolesConfig parse(String text, String where, Set<String> users) {
        return new RolesParser(where).read(text, users);
    }

    private RolesConfig read(String text, Set<String> known) {
        Node root = yaml.root(text);
        if (YamlTree.isNull(root)) {
            return new RolesConfig(Map.of(), Map.of(), Map.of());
        }
        Map<String, NodeTuple> top = yaml.mapping(root, TOP, "roles file");
        Map<String, Set<Role>> users = grants(top.get("users"));
        for (Map.Entry<String, Set<Role>> u : users.entrySet()) {
            if (!known.contains(u.getKey())) {
                throw yaml.error(top.get("users").getValueNode(), "user \"" + u.getKey()
                        + "\" is not in basic_auth_users of the web config file");
            }
        }
        Map<String, Set<Role>> subjects = grants(top.get("client_certificates"));
        Map<Role, List<Cidr>> networks = new EnumMap<>(Role.class);
        NodeTuple nt = top.get("networks");
        if (nt != null && !YamlTree.isNull(nt.getValueNode())) {
            for (NodeTuple e : yaml.mappingNode(nt.getValueNode()).getValue()) {
                Role r = role(e.getKeyNode());
                List<Cidr> list = new ArrayList<>();
                for (Node c : yaml.sequence(e.getValueNode())) {
                    try {
                        list.add(Cidr.parse(yaml.scalar(c)));
                    } catch (IllegalArgumentException ex) {
                        throw yaml.error(c, ex.getMessage());
                    }
                }
                networks.put(r, List.copyOf(list));
            }
        }
        return new RolesConfig(Map.copyOf(users), Map.copyOf(subjects), Map.copyOf(networks));
    }

    private Map<String, Set<Role>> grants(NodeTuple t) {
        Map<String, Set<Role>> out = new LinkedHashMap<>();
        if (t == null || YamlTree.isNull(t.getValueNode())) {
            return out;
        }
        for (NodeTuple e : yaml.mappingNode(t.getValueNode()).getValue()) {
            String who = yaml.scalar(e.getKeyNode());
            Set<Role> roles = EnumSet.noneOf(Role.class);
            for (Node r : yaml.sequence(e.getValueNode())) {
                roles.add(role(r));
            }
            if (out.put(who, Set.copyOf(roles)) != null) {
                throw yaml.error(e.getKeyNode(), "key \"" + who + "\" already set in map");
            }
        }
        return out;
    }

    private Role role(Node n) {
        String s = yaml.scalar(n);
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "push" -> Role.PUSH;
            case "read" -> Role.READ;
            case "admin" -> Role.ADMIN;
            default -> throw yaml.error(n, "unknown role \"" + s + "\": expected push, read or admin");
        };
    }
}
