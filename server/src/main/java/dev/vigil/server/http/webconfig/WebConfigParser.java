package dev.vigil.server.http.webconfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Reads a web config file with exporter-toolkit 0.8.2's fields and checks (the release Prometheus
 * 2.42 uses), so a file {@code promtool check web-config} accepts means the same here and one it
 * rejects is rejected here too, with the line.
 */
public final class WebConfigParser {
    private static final Set<String> TOP = Set.of("tls_server_config", "http_server_config", "basic_auth_users");
    private static final Set<String> TLS = Set.of("cert_file", "key_file", "client_auth_type", "client_ca_file",
            "cipher_suites", "curve_preferences", "min_version", "max_version", "prefer_server_cipher_suites");
    private static final Set<String> HTTP = Set.of("http2", "headers");
    /** The only headers the toolkit lets a file set, with the values it allows (empty: any). */
    private static final Map<String, List<String>> HEADERS = Map.of(
            "Strict-Transport-Security", List.of(),
            "X-Content-Type-Options", List.of("nosniff"),
            "X-Frame-Options", List.of("deny", "sameorigin"),
            "X-XSS-Protection", List.of(),
            "Content-Security-Policy", List.of());
    private static final Map<String, String> VERSIONS = Map.of(
            "TLS10", "TLSv1", "TLS11", "TLSv1.1", "TLS12", "TLSv1.2", "TLS13", "TLSv1.3");
    private static final List<String> VERSION_ORDER = List.of("TLS10", "TLS11", "TLS12", "TLS13");
    /** Go's {@code tls.CipherSuites()}: the names the toolkit accepts; the JDK spells them the same. */
    private static final Set<String> CIPHERS = Set.of(
            "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
            "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final Set<String> TLS13_CIPHERS = Set.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256");
    /** Go's curve names to the JDK's named groups. */
    private static final Map<String, String> CURVES = Map.of(
            "CurveP256", "secp256r1", "CurveP384", "secp384r1", "CurveP521", "secp521r1", "X25519", "x25519");
    /** A bcrypt hash as Go's bcrypt.Cost accepts it: version 2a/2b/2y, two-digit cost, 53 characters of salt and hash. */
    private static final Pattern BCRYPT = Pattern.compile("\\$2[aby]\\$(\\d\\d)\\$[./A-Za-z0-9]{53}");

    private final YamlTree yaml;
    private final Path dir;

    private WebConfigParser(String where, Path dir) {
        this.yaml = new YamlTree(where);
        this.dir = dir;
    }

    /** @throws IllegalArgumentException naming the file, the line and what is wrong */
    public static WebConfig load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Path dir = file.toAbsolutePath().getParent();
        return new WebConfigParser(file.toString(), dir).read(text);
    }

    /** Parses {@code text}; relative paths resolve against {@code dir}. */
    public static WebConfig parse(String text, String where, Path dir) {
        return new WebConfigParser(where, dir).read(text);
    }

    private WebConfig read(String text) {
        Node root = yaml.root(text);
        if (YamlTree.isNull(root)) {
            return WebConfig.NONE;
        }
        Map<String, NodeTuple> top = yaml.mapping(root, TOP, "web.Config");
        TlsSettings tls = tls(top.get("tls_server_config"));
        Map<String, String> headers = headers(top.get("http_server_config"));
        Map<String, String> users = users(top.get("basic_auth_users"));
        return new WebConfig(tls, Map.copyOf(headers), Map.copyOf(users), http2(top.get("http_server_config")));
    }

    private TlsSettings tls(NodeTuple t) {
        if (t == null || YamlTree.isNull(t.getValueNode())) {
            return null;
        }
        Map<String, NodeTuple> m = yaml.mapping(t.getValueNode(), TLS, "web.TLSStruct");
        String cert = yaml.string(m, "cert_file", "");
        String key = yaml.string(m, "key_file", "");
        String auth = yaml.string(m, "client_auth_type", "");
        String ca = yaml.string(m, "client_ca_file", "");
        List<String> ciphers = ciphers(m.get("cipher_suites"));
        List<String> groups = new ArrayList<>();
        for (Node c : m.containsKey("curve_preferences") ? yaml.sequence(m.get("curve_preferences").getValueNode()) : List.<Node>of()) {
            String jdk = CURVES.get(yaml.scalar(c));
            if (jdk == null) {
                throw yaml.error(c, "unknown curve: " + yaml.scalar(c));
            }
            groups.add(jdk);
        }
        String min = version(m, "min_version", "TLS12");
        String max = version(m, "max_version", "TLS13");
        boolean prefer = yaml.bool(m, "prefer_server_cipher_suites", true);
        if (cert.isEmpty() && key.isEmpty() && auth.isEmpty() && ca.isEmpty()) {
            return null; // the toolkit serves plain HTTP then; basic auth still applies
        }
        if (cert.isEmpty()) {
            throw yaml.error(t.getKeyNode(), "missing cert_file");
        }
        if (key.isEmpty()) {
            throw yaml.error(t.getKeyNode(), "missing key_file");
        }
        ClientAuth ca2 = ClientAuth.parse(auth);
        if (ca2 == null) {
            throw yaml.error(m.get("client_auth_type").getValueNode(), "Invalid ClientAuth: " + auth);
        }
        if (!ca.isEmpty() && ca2 == ClientAuth.NO_CLIENT_CERT) {
            throw yaml.error(m.get("client_ca_file").getKeyNode(),
                    "Client CA's have been configured without a Client Auth Policy");
        }
        if (ca2.verifies && ca.isEmpty()) {
            throw yaml.error(m.get("client_auth_type").getValueNode(), "client_auth_type " + auth + " needs client_ca_file");
        }
        List<String> protocols = new ArrayList<>();
        for (int i = VERSION_ORDER.indexOf(min); i <= VERSION_ORDER.indexOf(max); i++) {
            protocols.add(VERSIONS.get(VERSION_ORDER.get(i)));
        }
        if (protocols.isEmpty()) {
            throw yaml.error(m.get("max_version").getValueNode(), "max_version " + max + " is below min_version " + min);
        }
        return new TlsSettings(dir.resolve(cert), dir.resolve(key), ca2, ca.isEmpty() ? null : dir.resolve(ca),
                List.copyOf(ciphers), List.copyOf(protocols), prefer, List.copyOf(groups));
    }

    private List<String> ciphers(NodeTuple t) {
        List<String> out = new ArrayList<>();
        if (t == null) {
            return out;
        }
        for (Node c : yaml.sequence(t.getValueNode())) {
            String name = yaml.scalar(c);
            if (CIPHERS.contains(name)) {
                out.add(name);
            } else if (!TLS13_CIPHERS.contains(name)) {
                throw yaml.error(c, "unknown cipher: " + name);
            }
        }
        return out;
    }

    private String version(Map<String, NodeTuple> m, String key, String dflt) {
        String v = yaml.string(m, key, dflt);
        if (!VERSIONS.containsKey(v)) {
            throw yaml.error(m.get(key).getValueNode(), "unknown TLS version: " + v);
        }
        return v;
    }

    private boolean http2(NodeTuple t) {
        if (t == null || YamlTree.isNull(t.getValueNode())) {
            return true;
        }
        return yaml.bool(yaml.mapping(t.getValueNode(), HTTP, "web.HTTPStruct"), "http2", true);
    }

    private Map<String, String> headers(NodeTuple t) {
        Map<String, String> out = new LinkedHashMap<>();
        if (t == null || YamlTree.isNull(t.getValueNode())) {
            return out;
        }
        Map<String, NodeTuple> m = yaml.mapping(t.getValueNode(), HTTP, "web.HTTPStruct");
        NodeTuple h = m.get("headers");
        if (h == null || YamlTree.isNull(h.getValueNode())) {
            return out;
        }
        for (NodeTuple e : yaml.mappingNode(h.getValueNode()).getValue()) {
            String name = yaml.scalar(e.getKeyNode());
            String value = yaml.scalar(e.getValueNode());
            List<String> allowed = HEADERS.get(name);
            if (allowed == null) {
                throw yaml.error(e.getKeyNode(), "HTTP header \"" + name + "\" can not be configured");
            }
            if (!allowed.isEmpty() && !allowed.contains(value)) {
                throw yaml.error(e.getValueNode(), "invalid value for " + name + ". Expected one of: " + allowed
                        + ", but got: \"" + value + "\"");
            }
            out.put(name, value);
        }
        return out;
    }

    private Map<String, String> users(NodeTuple t) {
        Map<String, String> out = new LinkedHashMap<>();
        if (t == null || YamlTree.isNull(t.getValueNode())) {
            return out;
        }
        for (NodeTuple e : yaml.mappingNode(t.getValueNode()).getValue()) {
            String user = yaml.scalar(e.getKeyNode());
            String hash = YamlTree.isNull(e.getValueNode()) ? "" : yaml.scalar(e.getValueNode());
            var mt = BCRYPT.matcher(hash);
            if (!mt.matches()) {
                // The hash itself is a secret of sorts: the message names the user, not the value.
                throw yaml.error(e.getValueNode(), "basic_auth_users: the password of user \"" + user
                        + "\" is not a bcrypt hash ($2a$, $2b$ or $2y$, e.g. from htpasswd -nBC 10)");
            }
            int cost = Integer.parseInt(mt.group(1));
            if (cost < 4 || cost > 31) {
                throw yaml.error(e.getValueNode(), "basic_auth_users: the bcrypt cost of user \"" + user + "\" is " + cost
                        + ", allowed are 4 to 31");
            }
            if (out.put(user, hash) != null) {
                throw yaml.error(e.getKeyNode(), "key \"" + user + "\" already set in map");
            }
        }
        return out;
    }
}
