package dev.vigil.server.cli;

import dev.vigil.ingest.relabel.InvalidRuleException;
import dev.vigil.ingest.relabel.RelabelConfig;
import dev.vigil.ingest.relabel.Relabeling;
import dev.vigil.ingest.scrape.ScrapeJob;
import dev.vigil.server.api.ApiTime;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
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
 * {@code --config.file}: a Prometheus configuration file. {@code global} and the static scrape
 * jobs of {@code scrape_configs} take effect; the other sections Prometheus knows are accepted
 * and reported as not acted on. Field names, defaults and checks are Prometheus 2.42's, and an
 * error names the file, the line and what is wrong. {@code relabel_configs} and
 * {@code metric_relabel_configs} are checked as Prometheus checks them. Settings that would change
 * what is scraped or how (service discovery, TLS) are refused rather than silently ignored.
 */
public final class ConfigFile {
    private static final Set<String> TOP = Set.of("global", "scrape_configs", "rule_files", "alerting",
            "remote_write", "remote_read", "storage", "tracing", "scrape_config_files", "vigil");
    private static final Set<String> GLOBAL = Set.of("scrape_interval", "scrape_timeout", "evaluation_interval",
            "external_labels", "query_log_file", "body_size_limit", "sample_limit", "label_limit",
            "label_name_length_limit", "label_value_length_limit", "target_limit");
    private static final Set<String> JOB = Set.of("job_name", "scrape_interval", "scrape_timeout", "metrics_path",
            "scheme", "params", "honor_labels", "honor_timestamps", "sample_limit", "body_size_limit",
            "static_configs", "basic_auth", "authorization", "bearer_token", "bearer_token_file",
            "follow_redirects", "enable_http2", "relabel_configs", "metric_relabel_configs", "file_sd_configs",
            "http_sd_configs", "tls_config");
    /** ScrapeConfig fields Prometheus has and Vigil refuses: they would change what gets stored. */
    private static final Set<String> JOB_REFUSED = Set.of( "proxy_url", "oauth2", "label_limit", "label_name_length_limit",
            "label_value_length_limit", "target_limit", "no_proxy", "proxy_from_environment",
            "proxy_connect_header", "scrape_classic_histograms");
    private static final Set<String> RELABEL = Set.of("source_labels", "separator", "regex", "modulus", "target_label",
            "replacement", "action");
    private static final Pattern FILE_SD_NAME = Pattern.compile("^[^*]*(\\*[^/]*)?\\.(json|yml|yaml|JSON|YML|YAML)$");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /**
     * @param text the file as read
     * @param ignored the top-level sections present that Vigil does not act on
     * @param scrapeJobs the static scrape jobs, global defaults applied
     * @param ruleFiles the {@code rule_files} patterns as written (relative to the file's folder)
     * @param evaluationIntervalMs {@code global.evaluation_interval}
     * @param externalLabels {@code global.external_labels}
     * @param alertmanagers {@code alerting.alertmanagers}, one per static target its
     *     {@code relabel_configs} kept
     * @param alertRelabeling {@code alerting.alert_relabel_configs}
     */
    public record Loaded(String text, List<String> ignored, List<ScrapeJob> scrapeJobs, List<String> ruleFiles,
            long evaluationIntervalMs, Map<String, String> externalLabels,
            List<dev.vigil.server.alerting.Alertmanager> alertmanagers, Relabeling alertRelabeling) {
        public Loaded(String text, List<String> ignored, List<ScrapeJob> scrapeJobs) {
            this(text, ignored, scrapeJobs, List.of(), 60_000, Map.of(), List.of(), Relabeling.NONE);
        }
    }

    private static final Set<String> ALERTING = Set.of("alertmanagers", "alert_relabel_configs");
    private static final Set<String> ALERTMANAGER = Set.of("static_configs", "scheme", "path_prefix", "timeout",
            "api_version", "basic_auth", "authorization", "bearer_token", "bearer_token_file", "follow_redirects",
            "enable_http2", "relabel_configs");
    private static final Set<String> ALERTMANAGER_REFUSED = Set.of("tls_config", "proxy_url", "oauth2",
            "no_proxy", "proxy_from_environment", "proxy_connect_header");

    final String where;

    ConfigFile(String where) {
        this.where = where;
    }

    /** @throws IllegalArgumentException naming the line and what is wrong */
    public static Loaded load(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return parse(text, file.toString());
    }

    /** @throws IllegalArgumentException naming the line and what is wrong */
    public static Loaded parse(String text, String where) {
        return new ConfigFile(where).read(text);
    }

    private Loaded read(String text) {
        Node root;
        try {
            root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new IllegalArgumentException(where + ":" + line + ": " + e.getProblem());
        } catch (YAMLException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        List<String> ignored = new ArrayList<>();
        List<ScrapeJob> jobs = new ArrayList<>();
        if (root == null) {
            return new Loaded(text, ignored, jobs);
        }
        Map<String, NodeTuple> top = mapping(root, TOP, "config.plain");
        long interval = 60_000;
        long timeout = 10_000;
        long evaluation = 60_000;
        Map<String, String> external = new LinkedHashMap<>();
        NodeTuple g = top.get("global");
        if (g != null && !isNull(g.getValueNode())) {
            Map<String, NodeTuple> gm = mapping(g.getValueNode(), GLOBAL, "config.GlobalConfig");
            interval = duration(gm.get("scrape_interval"), interval);
            // An unset timeout is capped by the interval; a set one must fit in it.
            timeout = duration(gm.get("scrape_timeout"), Math.min(timeout, interval));
            evaluation = duration(gm.get("evaluation_interval"), 60_000);
            NodeTuple el = gm.get("external_labels");
            if (el != null && !isNull(el.getValueNode())) {
                for (NodeTuple t : mappingNode(el.getValueNode()).getValue()) {
                    String k = scalar(t.getKeyNode());
                    if (!LABEL_NAME.matcher(k).matches()) {
                        throw new IllegalArgumentException(where + ":" + line(t.getKeyNode()) + ": \"" + k
                                + "\" is not a valid label name");
                    }
                    external.put(k, isNull(t.getValueNode()) ? "" : scalar(t.getValueNode()));
                }
            }
            if (timeout > interval) {
                throw new IllegalArgumentException(where + ":" + line(g.getKeyNode())
                        + ": global scrape timeout greater than scrape interval");
            }
        }
        for (String section : top.keySet()) {
            if (!section.equals("global") && !section.equals("scrape_configs") && !section.equals("rule_files")
                    && !section.equals("alerting") && !section.equals("vigil") && !section.equals("remote_write")) {
                ignored.add(section);
            }
        }
        NodeTuple sc = top.get("scrape_configs");
        if (sc != null && !isNull(sc.getValueNode())) {
            Set<String> names = new HashSet<>();
            for (Node jn : sequence(sc.getValueNode())) {
                ScrapeJob j = job(jn, interval, timeout);
                if (!names.add(j.name())) {
                    throw new IllegalArgumentException(where + ":" + line(jn) + ": found multiple scrape configs with job name \""
                            + j.name() + "\"");
                }
                jobs.add(j);
            }
        }
        List<String> ruleFiles = new ArrayList<>();
        NodeTuple rf = top.get("rule_files");
        if (rf != null && !isNull(rf.getValueNode())) {
            for (Node n : sequence(rf.getValueNode())) {
                ruleFiles.add(scalar(n));
            }
        }
        RemoteWriteSection.read(this, top.get("remote_write")); // checked here; RemoteWriteSection.parse reads it for use
        List<dev.vigil.server.alerting.Alertmanager> ams = new ArrayList<>();
        Relabeling alertRelabeling = Relabeling.NONE;
        NodeTuple at = top.get("alerting");
        if (at != null && !isNull(at.getValueNode())) {
            Map<String, NodeTuple> am = mapping(at.getValueNode(), ALERTING, "config.AlertingConfig");
            alertRelabeling = relabeling(am.get("alert_relabel_configs"), "empty or null alert relabeling rule");
            NodeTuple list = am.get("alertmanagers");
            if (list != null && !isNull(list.getValueNode())) {
                for (Node n : sequence(list.getValueNode())) {
                    ams.addAll(alertmanagers(n));
                }
            }
        }
        return new Loaded(text, ignored, jobs, ruleFiles, evaluation, external, ams, alertRelabeling);
    }

    private List<dev.vigil.server.alerting.Alertmanager> alertmanagers(Node n) {
        Map<String, NodeTuple> m = mapping(n, java.util.stream.Stream.concat(ALERTMANAGER.stream(),
                ALERTMANAGER_REFUSED.stream()).collect(java.util.stream.Collectors.toSet()), "config.AlertmanagerConfig");
        for (String k : ALERTMANAGER_REFUSED) {
            if (m.containsKey(k)) {
                throw new IllegalArgumentException(where + ":" + line(m.get(k).getKeyNode()) + ": " + k
                        + " is not supported by Vigil's notifier (static Alertmanagers only)");
            }
        }
        String version = string(m.get("api_version"), "v2");
        if (!version.equals("v2")) {
            throw new IllegalArgumentException(where + ":" + line(m.get("api_version").getValueNode())
                    + ": api_version " + version + " is not supported (only v2)");
        }
        String scheme = string(m.get("scheme"), "http");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(where + ":" + line(m.get("scheme").getValueNode()) + ": unsupported scheme \""
                    + scheme + "\" for alertmanager config");
        }
        String prefix = string(m.get("path_prefix"), "");
        String path = ("/" + prefix + "/api/v2/alerts").replaceAll("/+", "/");
        long timeout = duration(m.get("timeout"), 10_000);
        Map<String, String> headers = new LinkedHashMap<>();
        auth(m, headers);
        Relabeling relabel = relabeling(m.get("relabel_configs"), "empty or null Alertmanager target relabeling rule");
        List<dev.vigil.server.alerting.Alertmanager> out = new ArrayList<>();
        NodeTuple st = m.get("static_configs");
        if (st != null && !isNull(st.getValueNode())) {
            for (Node gn : sequence(st.getValueNode())) {
                ScrapeJob.StaticGroup g = group(gn);
                for (String target : g.targets()) {
                    String url = alertmanagerUrl(relabel, target, scheme, path, g.labels(), gn);
                    if (url != null) {
                        out.add(new dev.vigil.server.alerting.Alertmanager(url, timeout, headers));
                    }
                }
            }
        }
        return out;
    }

    /**
     * An Alertmanager target's URL after its {@code relabel_configs}, as Prometheus 2.42 builds it:
     * the target's labels are {@code __address__}, {@code __scheme__}, {@code __alerts_path__} and
     * its group's labels; null when a rule drops the target.
     */
    private String alertmanagerUrl(Relabeling relabel, String target, String scheme, String path,
            Map<String, String> groupLabels, Node at) {
        if (relabel.isEmpty()) {
            return scheme + "://" + target + path;
        }
        Map<String, String> l = new LinkedHashMap<>(groupLabels);
        l.put("__address__", target);
        l.put("__scheme__", scheme);
        l.put("__alerts_path__", path);
        dev.vigil.tsdb.Labels out = relabel.relabeler().process(dev.vigil.tsdb.Labels.of(l));
        if (out == null) {
            return null;
        }
        String addr = out.get("__address__");
        if (addr == null || addr.isEmpty() || addr.contains("/")) {
            throw new IllegalArgumentException(where + ":" + line(at) + ": Alertmanager target \"" + target
                    + "\" relabelled to the invalid address \"" + (addr == null ? "" : addr) + "\"");
        }
        String s = out.get("__scheme__");
        String p = out.get("__alerts_path__");
        return (s == null ? "" : s) + "://" + addr + (p == null ? "" : p);
    }

    private ScrapeJob job(Node n, long globalInterval, long globalTimeout) {
        Map<String, NodeTuple> m = mappingRefusing(n, JOB, JOB_REFUSED, "config.ScrapeConfig");
        NodeTuple nameT = m.get("job_name");
        String name = nameT == null ? "" : scalar(nameT.getValueNode());
        if (name.isEmpty()) {
            throw new IllegalArgumentException(where + ":" + line(n) + ": job_name is empty");
        }
        long interval = duration(m.get("scrape_interval"), globalInterval);
        long timeout;
        if (m.containsKey("scrape_timeout")) {
            timeout = duration(m.get("scrape_timeout"), globalTimeout);
            if (timeout > interval) {
                throw new IllegalArgumentException(where + ":" + line(m.get("scrape_timeout").getKeyNode())
                        + ": scrape timeout greater than scrape interval for scrape config with job name \"" + name + "\"");
            }
        } else {
            timeout = Math.min(globalTimeout, interval);
        }
        if (interval <= 0) {
            throw new IllegalArgumentException(where + ":" + line(n) + ": scrape interval must be positive for job \"" + name + "\"");
        }
        String scheme = string(m.get("scheme"), "http");
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException(where + ":" + line(m.get("scheme").getValueNode()) + ": unsupported scheme \""
                    + scheme + "\" for scrape config with job name \"" + name + "\"");
        }
        String path = string(m.get("metrics_path"), "/metrics");
        LinkedHashMap<String, List<String>> params = new LinkedHashMap<>();
        NodeTuple pt = m.get("params");
        if (pt != null && !isNull(pt.getValueNode())) {
            for (NodeTuple t : mappingNode(pt.getValueNode()).getValue()) {
                List<String> vs = new ArrayList<>();
                for (Node v : sequence(t.getValueNode())) {
                    vs.add(scalar(v));
                }
                params.put(scalar(t.getKeyNode()), vs);
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        auth(m, headers);
        List<ScrapeJob.StaticGroup> groups = new ArrayList<>();
        NodeTuple st = m.get("static_configs");
        if (st != null && !isNull(st.getValueNode())) {
            for (Node gn : sequence(st.getValueNode())) {
                groups.add(group(gn));
            }
        }
        return new ScrapeJob(name, interval, timeout, scheme, path, params, bool(m.get("honor_labels"), false),
                bool(m.get("honor_timestamps"), true), (long) number(m.get("sample_limit")),
                size(m.get("body_size_limit")), headers, groups,
                relabeling(m.get("relabel_configs"), "empty or null target relabeling rule in scrape config"),
                relabeling(m.get("metric_relabel_configs"), "empty or null metric relabeling rule in scrape config"),
                fileSd(m.get("file_sd_configs")),
                httpSd(m.get("http_sd_configs")), tls(m.get("tls_config")));
    }

    /** {@code file_sd_configs}; a relative pattern is relative to the configuration file's folder, as in Prometheus. */
    private List<ScrapeJob.FileSdConfig> fileSd(NodeTuple t) {
        List<ScrapeJob.FileSdConfig> out = new ArrayList<>();
        if (t == null || isNull(t.getValueNode())) {
            return out;
        }
        Path base = Path.of(where).toAbsolutePath().getParent();
        for (Node n : sequence(t.getValueNode())) {
            Map<String, NodeTuple> f = mapping(n, Set.of("files", "refresh_interval"), "file.SDConfig");
            List<String> files = new ArrayList<>();
            if (f.containsKey("files") && !isNull(f.get("files").getValueNode())) {
                for (Node fn : sequence(f.get("files").getValueNode())) {
                    String name = scalar(fn);
                    if (!FILE_SD_NAME.matcher(name).matches()) {
                        throw new IllegalArgumentException(where + ":" + line(fn) + ": path name \"" + name
                                + "\" is not valid for file discovery");
                    }
                    files.add(base == null || Path.of(name).isAbsolute() || !Files.exists(Path.of(where))
                            ? name : base.resolve(name).toString());
                }
            }
            if (files.isEmpty()) {
                throw new IllegalArgumentException(where + ":" + line(n) + ": file service discovery config must contain at least one path name");
            }
            out.add(new ScrapeJob.FileSdConfig(files, duration(f.get("refresh_interval"), 300_000)));
        }
        return out;
    }

    /** {@code tls_config}, its files relative to the configuration file and read now, so a bad one is refused at its line. */
    ScrapeJob.TlsConfig tls(NodeTuple t) {
        if (t == null || isNull(t.getValueNode())) {
            return ScrapeJob.TlsConfig.DEFAULT;
        }
        Map<String, NodeTuple> m = mapping(t.getValueNode(), Set.of("ca_file", "cert_file", "key_file", "server_name",
                "insecure_skip_verify"), "config.TLSConfig");
        ScrapeJob.TlsConfig c = new ScrapeJob.TlsConfig(relative(string(m.get("ca_file"), "")),
                relative(string(m.get("cert_file"), "")), relative(string(m.get("key_file"), "")),
                string(m.get("server_name"), ""), bool(m.get("insecure_skip_verify"), false));
        try {
            dev.vigil.ingest.scrape.TlsContexts.of(c);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ":" + line(t.getKeyNode()) + ": tls_config: " + e.getMessage());
        }
        return c;
    }

    private String relative(String file) {
        Path base = Path.of(where).toAbsolutePath().getParent();
        return file.isEmpty() || base == null || Path.of(file).isAbsolute() || !Files.exists(Path.of(where))
                ? file : base.resolve(file).toString();
    }

    /** {@code http_sd_configs}: a URL and a refresh interval (the HTTP client settings of Prometheus are refused). */
    private List<ScrapeJob.HttpSdConfig> httpSd(NodeTuple t) {
        List<ScrapeJob.HttpSdConfig> out = new ArrayList<>();
        if (t == null || isNull(t.getValueNode())) {
            return out;
        }
        for (Node n : sequence(t.getValueNode())) {
            Map<String, NodeTuple> h = mapping(n, Set.of("url", "refresh_interval"), "http.SDConfig");
            String url = string(h.get("url"), "");
            if (url.isEmpty()) {
                throw new IllegalArgumentException(where + ":" + line(n) + ": URL is missing");
            }
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw new IllegalArgumentException(where + ":" + line(h.get("url").getValueNode())
                        + ": URL scheme must be 'http' or 'https'");
            }
            try {
                java.net.URI.create(url);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ":" + line(h.get("url").getValueNode()) + ": " + e.getMessage());
            }
            out.add(new ScrapeJob.HttpSdConfig(url, duration(h.get("refresh_interval"), 60_000)));
        }
        return out;
    }

    /** A relabelling list; a bad rule is reported at its line with Prometheus's message. */
    Relabeling relabeling(NodeTuple t, String nullRule) {
        if (t == null || isNull(t.getValueNode())) {
            return Relabeling.NONE;
        }
        List<Node> nodes = sequence(t.getValueNode());
        List<RelabelConfig> rules = new ArrayList<>();
        for (Node rn : nodes) {
            if (isNull(rn)) {
                throw new IllegalArgumentException(where + ":" + line(rn) + ": " + nullRule);
            }
            Map<String, NodeTuple> r = mapping(rn, RELABEL, "relabel.Config");
            List<String> sources = null;
            if (r.containsKey("source_labels")) {
                sources = new ArrayList<>();
                if (!isNull(r.get("source_labels").getValueNode())) {
                    for (Node sn : sequence(r.get("source_labels").getValueNode())) {
                        sources.add(scalar(sn));
                    }
                }
            }
            long modulus = 0;
            String mod = string(r.get("modulus"), null);
            if (mod != null) {
                try {
                    modulus = Long.parseUnsignedLong(mod);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(where + ":" + line(r.get("modulus").getValueNode())
                            + ": cannot unmarshal \"" + mod + "\" into uint64");
                }
            }
            // A regex written as null is the empty regex in Prometheus; one not written at all is the default.
            String regex = r.containsKey("regex") ? string(r.get("regex"), "") : null;
            rules.add(new RelabelConfig(sources, string(r.get("separator"), null), regex, modulus,
                    string(r.get("target_label"), null), string(r.get("replacement"), null), string(r.get("action"), null)));
        }
        try {
            return Relabeling.of(rules);
        } catch (InvalidRuleException e) {
            throw new IllegalArgumentException(where + ":" + line(nodes.get(e.index())) + ": " + e.getMessage());
        }
    }

    void auth(Map<String, NodeTuple> m, Map<String, String> headers) {
        NodeTuple basic = m.get("basic_auth");
        if (basic != null && !isNull(basic.getValueNode())) {
            Map<String, NodeTuple> b = mapping(basic.getValueNode(), Set.of("username", "password", "password_file"),
                    "config.BasicAuth");
            String user = string(b.get("username"), "");
            String pass = b.containsKey("password_file") ? readSecret(b.get("password_file")) : string(b.get("password"), "");
            headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (user + ":" + pass).getBytes(StandardCharsets.UTF_8)));
        }
        NodeTuple az = m.get("authorization");
        if (az != null && !isNull(az.getValueNode())) {
            Map<String, NodeTuple> a = mapping(az.getValueNode(), Set.of("type", "credentials", "credentials_file"),
                    "config.Authorization");
            String cred = a.containsKey("credentials_file") ? readSecret(a.get("credentials_file")) : string(a.get("credentials"), "");
            headers.put("Authorization", string(a.get("type"), "Bearer") + " " + cred);
        }
        if (m.containsKey("bearer_token")) {
            headers.put("Authorization", "Bearer " + string(m.get("bearer_token"), ""));
        }
        if (m.containsKey("bearer_token_file")) {
            headers.put("Authorization", "Bearer " + readSecret(m.get("bearer_token_file")));
        }
    }

    private String readSecret(NodeTuple t) {
        String file = string(t, "");
        try {
            return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalArgumentException(where + ":" + line(t.getValueNode()) + ": unable to read " + file + ": "
                    + e.getMessage());
        }
    }

    private ScrapeJob.StaticGroup group(Node n) {
        Map<String, NodeTuple> m = mapping(n, Set.of("targets", "labels"), "targetgroup.Group");
        List<String> targets = new ArrayList<>();
        NodeTuple tt = m.get("targets");
        if (tt != null && !isNull(tt.getValueNode())) {
            for (Node a : sequence(tt.getValueNode())) {
                String addr = scalar(a);
                if (addr.isEmpty() || addr.contains("/") || addr.contains(" ")) {
                    throw new IllegalArgumentException(where + ":" + line(a) + ": \"" + addr
                            + "\" is not a valid target address (host:port)");
                }
                targets.add(addr);
            }
        }
        Map<String, String> labels = new LinkedHashMap<>();
        NodeTuple lt = m.get("labels");
        if (lt != null && !isNull(lt.getValueNode())) {
            for (NodeTuple t : mappingNode(lt.getValueNode()).getValue()) {
                String k = scalar(t.getKeyNode());
                if (!LABEL_NAME.matcher(k).matches()) {
                    throw new IllegalArgumentException(where + ":" + line(t.getKeyNode()) + ": \"" + k + "\" is not a valid label name");
                }
                labels.put(k, scalar(t.getValueNode()));
            }
        }
        return new ScrapeJob.StaticGroup(targets, labels);
    }

    // ---------------------------------------------------------------- node helpers

    Map<String, NodeTuple> mapping(Node n, Set<String> known, String type) {
        return mappingRefusing(n, known, Set.of(), type);
    }

    private Map<String, NodeTuple> mappingRefusing(Node n, Set<String> known, Set<String> refused, String type) {
        LinkedHashMap<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : mappingNode(n).getValue()) {
            String k = scalar(t.getKeyNode());
            if (refused.contains(k)) {
                throw new IllegalArgumentException(where + ":" + line(t.getKeyNode()) + ": " + k
                        + " is not supported by Vigil's scraping");
            }
            if (!known.contains(k)) {
                throw new IllegalArgumentException(where + ":" + line(t.getKeyNode()) + ": field " + k + " not found in type " + type);
            }
            if (out.put(k, t) != null) {
                throw new IllegalArgumentException(where + ":" + line(t.getKeyNode()) + ": key \"" + k + "\" already set in map");
            }
        }
        return out;
    }

    MappingNode mappingNode(Node n) {
        if (n instanceof MappingNode m) {
            return m;
        }
        throw new IllegalArgumentException(where + ":" + line(n) + ": expected a mapping, found " + describe(n));
    }

    List<Node> sequence(Node n) {
        if (n instanceof SequenceNode s) {
            return s.getValue();
        }
        throw new IllegalArgumentException(where + ":" + line(n) + ": expected a list, found " + describe(n));
    }

    String scalar(Node n) {
        if (n instanceof ScalarNode s) {
            return s.getValue();
        }
        throw new IllegalArgumentException(where + ":" + line(n) + ": expected a single value, found " + describe(n));
    }

    static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
    }

    private static String describe(Node n) {
        return n instanceof MappingNode ? "a mapping" : n instanceof SequenceNode ? "a list" : "\"" + ((ScalarNode) n).getValue() + "\"";
    }

    static int line(Node n) {
        return n.getStartMark().getLine() + 1;
    }

    String string(NodeTuple t, String dflt) {
        return t == null || isNull(t.getValueNode()) ? dflt : scalar(t.getValueNode());
    }

    long duration(NodeTuple t, long dflt) {
        if (t == null || isNull(t.getValueNode())) {
            return dflt;
        }
        String v = scalar(t.getValueNode());
        long ms = ApiTime.parsePromDuration(v);
        if (ms < 0) {
            throw new IllegalArgumentException(where + ":" + line(t.getValueNode()) + ": not a valid duration string: \"" + v + "\"");
        }
        return ms;
    }

    boolean bool(NodeTuple t, boolean dflt) {
        String v = string(t, null);
        if (v == null) {
            return dflt;
        }
        return switch (v) {
            case "true", "True", "TRUE", "yes", "on" -> true;
            case "false", "False", "FALSE", "no", "off" -> false;
            default -> throw new IllegalArgumentException(where + ":" + line(t.getValueNode()) + ": cannot unmarshal \"" + v
                    + "\" into bool");
        };
    }

    double number(NodeTuple t) {
        String v = string(t, null);
        if (v == null) {
            return 0;
        }
        try {
            long n = Long.parseLong(v);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ":" + line(t.getValueNode()) + ": cannot unmarshal \"" + v + "\" into uint");
        }
    }

    /** Prometheus's byte sizes: {@code 10MB}, {@code 1GiB}, or plain bytes. */
    private long size(NodeTuple t) {
        String v = string(t, null);
        if (v == null) {
            return 0;
        }
        java.util.regex.Matcher mm = Pattern.compile("([0-9]+)\\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)?").matcher(v.strip());
        if (!mm.matches()) {
            throw new IllegalArgumentException(where + ":" + line(t.getValueNode()) + ": not a valid size: \"" + v + "\"");
        }
        long n = Long.parseLong(mm.group(1));
        String u = mm.group(2) == null ? "B" : mm.group(2);
        // Prometheus's units.Base2Bytes: KB and KiB are both 1024.
        int shift = switch (u) {
            case "KB", "KiB" -> 10;
            case "MB", "MiB" -> 20;
            case "GB", "GiB" -> 30;
            case "TB", "TiB" -> 40;
            default -> 0;
        };
        return n << shift;
    }
}
