package dev.vigil.server.cli;

import dev.vigil.server.remotewrite.RemoteWriteConfig;
import java.io.StringReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The {@code remote_write} section of the configuration file, read with Prometheus 2.42's field
 * names, defaults and checks; what Vigil cannot do (sigv4, oauth2, azuread, proxies, exemplars,
 * native histograms) is refused at its line rather than ignored.
 */
public final class RemoteWriteSection {
    private static final Set<String> FIELDS = Set.of("url", "name", "remote_timeout", "headers", "write_relabel_configs",
            "basic_auth", "authorization", "bearer_token", "bearer_token_file", "tls_config", "follow_redirects",
            "enable_http2", "queue_config", "metadata_config", "send_exemplars", "send_native_histograms");
    private static final Set<String> REFUSED = Set.of("sigv4", "oauth2", "azuread", "proxy_url", "no_proxy",
            "proxy_from_environment", "proxy_connect_header");
    private static final Set<String> QUEUE = Set.of("capacity", "min_shards", "max_shards", "max_samples_per_send",
            "batch_send_deadline", "min_backoff", "max_backoff", "retry_on_http_429");
    private static final Set<String> METADATA = Set.of("send", "send_interval", "max_samples_per_send");
    /** Prometheus's reservedHeaders: the protocol's own. */
    private static final Set<String> RESERVED = Set.of("authorization", "host", "content-encoding", "content-length",
            "content-type", "user-agent", "connection", "keep-alive", "proxy-authenticate", "proxy-authorization",
            "www-authenticate", "accept-encoding", "x-prometheus-remote-write-version", "x-prometheus-remote-read-version",
            "x-prometheus-scrape-timeout-seconds", "te", "trailer", "transfer-encoding", "upgrade");

    private RemoteWriteSection() {
    }

    /**
     * The {@code remote_write} entries of a configuration file's text.
     *
     * @throws IllegalArgumentException naming the file, the line and what is wrong
     */
    public static List<RemoteWriteConfig> parse(String text, String where) {
        Node root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        if (!(root instanceof MappingNode m)) {
            return List.of();
        }
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("remote_write")) {
                return read(new ConfigFile(where), t);
            }
        }
        return List.of();
    }

    static List<RemoteWriteConfig> read(ConfigFile c, NodeTuple section) {
        List<RemoteWriteConfig> out = new ArrayList<>();
        if (section == null || ConfigFile.isNull(section.getValueNode())) {
            return out;
        }
        Set<String> names = new HashSet<>();
        for (Node n : c.sequence(section.getValueNode())) {
            RemoteWriteConfig r = entry(c, n);
            if (!names.add(r.name())) {
                throw new IllegalArgumentException(c.where + ":" + ConfigFile.line(n)
                        + ": found multiple remote write configs with job name \"" + r.name() + "\"");
            }
            out.add(r);
        }
        return out;
    }

    private static RemoteWriteConfig entry(ConfigFile c, Node n) {
        Set<String> known = new HashSet<>(FIELDS);
        known.addAll(REFUSED);
        Map<String, NodeTuple> m = c.mapping(n, known, "config.RemoteWriteConfig");
        for (String k : REFUSED) {
            if (m.containsKey(k)) {
                throw new IllegalArgumentException(c.where + ":" + ConfigFile.line(m.get(k).getKeyNode()) + ": " + k
                        + " is not supported by Vigil's remote write");
            }
        }
        String url = c.string(m.get("url"), "");
        if (url.isEmpty()) {
            throw new IllegalArgumentException(c.where + ":" + ConfigFile.line(n) + ": url for remote_write is empty");
        }
        try {
            URI u = URI.create(url);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("URL scheme must be 'http' or 'https' and the URL must name a host");
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(c.where + ":" + ConfigFile.line(m.get("url").getValueNode()) + ": " + e.getMessage());
        }
        for (String k : List.of("send_exemplars", "send_native_histograms")) {
            if (c.bool(m.get(k), false)) {
                throw new IllegalArgumentException(c.where + ":" + ConfigFile.line(m.get(k).getValueNode()) + ": " + k
                        + " is not supported by Vigil (it stores neither)");
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        NodeTuple h = m.get("headers");
        if (h != null && !ConfigFile.isNull(h.getValueNode())) {
            for (NodeTuple t : c.mappingNode(h.getValueNode()).getValue()) {
                String k = c.scalar(t.getKeyNode());
                if (RESERVED.contains(k.toLowerCase(java.util.Locale.ROOT))) {
                    throw new IllegalArgumentException(c.where + ":" + ConfigFile.line(t.getKeyNode()) + ": " + k
                            + " is a reserved header. It must not be changed");
                }
                headers.put(k, c.string(t, ""));
            }
        }
        c.auth(m, headers);
        RemoteWriteConfig.Queue q = queue(c, m.get("queue_config"));
        RemoteWriteConfig.Metadata md = metadata(c, m.get("metadata_config"));
        String name = c.string(m.get("name"), "");
        if (name.isEmpty()) {
            name = hashName(c, n);
        }
        return new RemoteWriteConfig(name, url, c.duration(m.get("remote_timeout"), RemoteWriteConfig.DEFAULT_REMOTE_TIMEOUT_MS),
                Map.copyOf(headers), c.tls(m.get("tls_config")), c.relabeling(m.get("write_relabel_configs"), "empty or null relabeling rule in remote write config"), q, md);
    }

    private static RemoteWriteConfig.Queue queue(ConfigFile c, NodeTuple t) {
        RemoteWriteConfig.Queue d = RemoteWriteConfig.Queue.DEFAULT;
        if (t == null || ConfigFile.isNull(t.getValueNode())) {
            return d;
        }
        Map<String, NodeTuple> m = c.mapping(t.getValueNode(), QUEUE, "config.QueueConfig");
        RemoteWriteConfig.Queue q = new RemoteWriteConfig.Queue(intOr(c, m.get("capacity"), d.capacity()),
                intOr(c, m.get("min_shards"), d.minShards()), intOr(c, m.get("max_shards"), d.maxShards()),
                intOr(c, m.get("max_samples_per_send"), d.maxSamplesPerSend()),
                c.duration(m.get("batch_send_deadline"), d.batchSendDeadlineMs()), c.duration(m.get("min_backoff"), d.minBackoffMs()),
                c.duration(m.get("max_backoff"), d.maxBackoffMs()), c.bool(m.get("retry_on_http_429"), false));
        int line = ConfigFile.line(t.getKeyNode());
        if (q.capacity() < 1 || q.maxSamplesPerSend() < 1 || q.maxShards() < 1 || q.minShards() < 1) {
            throw new IllegalArgumentException(c.where + ":" + line
                    + ": queue_config: capacity, min_shards, max_shards and max_samples_per_send must be at least 1");
        }
        if (q.minShards() > q.maxShards()) {
            throw new IllegalArgumentException(c.where + ":" + line + ": queue_config: min_shards " + q.minShards()
                    + " is above max_shards " + q.maxShards());
        }
        if (q.batchSendDeadlineMs() <= 0 || q.minBackoffMs() <= 0 || q.maxBackoffMs() < q.minBackoffMs()) {
            throw new IllegalArgumentException(c.where + ":" + line
                    + ": queue_config: batch_send_deadline and min_backoff must be positive, max_backoff at least min_backoff");
        }
        return q;
    }

    private static RemoteWriteConfig.Metadata metadata(ConfigFile c, NodeTuple t) {
        RemoteWriteConfig.Metadata d = RemoteWriteConfig.Metadata.DEFAULT;
        if (t == null || ConfigFile.isNull(t.getValueNode())) {
            return d;
        }
        Map<String, NodeTuple> m = c.mapping(t.getValueNode(), METADATA, "config.MetadataConfig");
        long interval = c.duration(m.get("send_interval"), d.sendIntervalMs());
        if (interval <= 0) {
            throw new IllegalArgumentException(c.where + ":" + ConfigFile.line(t.getKeyNode())
                    + ": metadata_config: send_interval must be positive");
        }
        return new RemoteWriteConfig.Metadata(c.bool(m.get("send"), true), interval,
                Math.max(1, intOr(c, m.get("max_samples_per_send"), d.maxSamplesPerSend())));
    }

    private static int intOr(ConfigFile c, NodeTuple t, int dflt) {
        if (t == null || ConfigFile.isNull(t.getValueNode())) {
            return dflt;
        }
        double v = c.number(t);
        if (v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(c.where + ":" + ConfigFile.line(t.getValueNode()) + ": " + (long) v + " is too large");
        }
        return (int) v;
    }

    /** An unnamed remote is named by a hash of its entry, as Prometheus names it (6 hex digits). */
    private static String hashName(ConfigFile c, Node n) {
        StringBuilder sb = new StringBuilder();
        flatten(n, sb);
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(sb.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d).substring(0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void flatten(Node n, StringBuilder sb) {
        if (n instanceof ScalarNode s) {
            sb.append(s.getValue()).append('\u0000');
        } else if (n instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                flatten(t.getKeyNode(), sb);
                flatten(t.getValueNode(), sb);
            }
        } else if (n instanceof org.yaml.snakeyaml.nodes.SequenceNode q) {
            for (Node i : q.getValue()) {
                flatten(i, sb);
            }
        }
    }
}
