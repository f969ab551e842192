package dev.vigil.server.alerting;

import dev.vigil.query.text.GoText;
import dev.vigil.tsdb.Labels;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Base64;
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
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * The {@code vigil.notify} section of the configuration: the built-in notifier's receivers and its
 * route tree, in Alertmanager's own vocabulary (a subset), so a block pasted from an Alertmanager
 * configuration works.
 *
 * @param route the root route; null when the section is absent (no built-in notifications)
 */
public record NotifyConfig(Route route, Map<String, List<Webhook>> receivers) {
    /** No section: nothing is sent by the built-in notifier. */
    public static final NotifyConfig NONE = new NotifyConfig(null, Map.of());

    /**
     * Alertmanager's route: which alerts (matchers), which receiver, grouping and timing, and its
     * child routes, which inherit what they do not set.
     *
     * @param groupBy label names; {@code ["..."]} groups by every label; empty = one group
     * @param matchers sorted as Alertmanager sorts them
     * @param continueMatching {@code continue}: after matching, the next sibling routes are tried too
     * @param key Alertmanager's route key ({@code {}/{severity="page"}}), the start of the group key
     * @param id the key plus the route's position among its siblings: tells apart routes with equal keys
     */
    public record Route(String receiver, List<String> groupBy, long groupWaitMs, long groupIntervalMs, long repeatIntervalMs,
            List<RouteMatcher> matchers, boolean continueMatching, List<Route> routes, String key, String id) {
        /** A root route without children. */
        public Route(String receiver, List<String> groupBy, long groupWaitMs, long groupIntervalMs, long repeatIntervalMs) {
            this(receiver, groupBy, groupWaitMs, groupIntervalMs, repeatIntervalMs, List.of(), false, List.of(), "{}", "{}");
        }

        boolean groupByAll() {
            return groupBy.contains("...");
        }

        /**
         * The routes an alert goes to, as Alertmanager's depth-first search: none when this route's
         * matchers fail; else the matches of its children, left to right, stopping after the
         * first match without {@code continue}; else this route itself.
         */
        public List<Route> match(Labels l) {
            for (RouteMatcher m : matchers) {
                if (!m.matches(l)) {
                    return List.of();
                }
            }
            List<Route> all = new ArrayList<>();
            for (Route child : routes) {
                List<Route> found = child.match(l);
                all.addAll(found);
                if (!found.isEmpty() && !child.continueMatching()) {
                    break;
                }
            }
            return all.isEmpty() ? List.of(this) : all;
        }
    }

    /**
     * One {@code webhook_configs} entry.
     *
     * @param headers from {@code http_config}: the Authorization header of basic_auth or authorization
     * @param maxAlerts at most this many alerts per message; 0 = all
     */
    public record Webhook(String url, boolean sendResolved, Map<String, String> headers, int maxAlerts, long timeoutMs) {
    }

    private static final Set<String> TOP = Set.of("notify");
    private static final Set<String> NOTIFY = Set.of("route", "receivers");
    private static final Set<String> ROUTE = Set.of("receiver", "group_by", "group_wait", "group_interval", "repeat_interval",
            "matchers", "match", "match_re", "continue", "routes");
    private static final Set<String> RECEIVER = Set.of("name", "webhook_configs");
    private static final Set<String> WEBHOOK = Set.of("url", "send_resolved", "http_config", "max_alerts");
    private static final Set<String> HTTP = Set.of("basic_auth", "authorization");

    /**
     * Reads the {@code vigil} section of a configuration file's text.
     *
     * @throws IllegalArgumentException naming the file, the line and what is wrong
     */
    public static NotifyConfig parse(String text, String where) {
        Node root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        if (!(root instanceof MappingNode m)) {
            return NONE;
        }
        Node vigil = null;
        for (NodeTuple t : m.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals("vigil")) {
                vigil = t.getValueNode();
            }
        }
        if (vigil == null || isNull(vigil)) {
            return NONE;
        }
        Reader r = new Reader(where);
        Map<String, NodeTuple> v = r.mapping(vigil, TOP, "vigil");
        if (!v.containsKey("notify") || isNull(v.get("notify").getValueNode())) {
            return NONE;
        }
        return r.notify(v.get("notify").getValueNode());
    }

    private static boolean isNull(Node n) {
        return n instanceof ScalarNode s && s.getTag().getValue().endsWith(":null");
    }

    /** Reads nodes, naming the line of anything wrong. */
    private record Reader(String where) {
        NotifyConfig notify(Node n) {
            Map<String, NodeTuple> m = mapping(n, NOTIFY, "vigil.notify");
            Map<String, List<Webhook>> receivers = new LinkedHashMap<>();
            NodeTuple rs = m.get("receivers");
            if (rs != null && !isNull(rs.getValueNode())) {
                for (Node rn : sequence(rs.getValueNode())) {
                    Map<String, NodeTuple> rm = mapping(rn, RECEIVER, "receiver");
                    String name = rm.containsKey("name") ? scalar(rm.get("name").getValueNode()) : "";
                    if (name.isEmpty()) {
                        throw bad(rn, "missing name in receiver");
                    }
                    List<Webhook> hooks = new ArrayList<>();
                    NodeTuple wc = rm.get("webhook_configs");
                    if (wc != null && !isNull(wc.getValueNode())) {
                        for (Node wn : sequence(wc.getValueNode())) {
                            hooks.add(webhook(wn));
                        }
                    }
                    if (receivers.put(name, hooks) != null) {
                        throw bad(rn, "notification config name " + GoText.quote(name) + " is not unique");
                    }
                }
            }
            NodeTuple rt = m.get("route");
            if (rt == null || isNull(rt.getValueNode())) {
                throw bad(n, "no routes provided");
            }
            Map<String, NodeTuple> root = mapping(rt.getValueNode(), ROUTE, "route");
            String receiver = root.containsKey("receiver") ? scalar(root.get("receiver").getValueNode()) : "";
            if (receiver.isEmpty()) {
                throw bad(rt.getValueNode(), "root route must specify a default receiver");
            }
            for (String k : List.of("matchers", "match", "match_re")) {
                if (root.containsKey(k) && !isNull(root.get(k).getValueNode())) {
                    throw bad(root.get(k).getKeyNode(), "root route must not have any matchers");
                }
            }
            if (root.containsKey("continue")) {
                throw bad(root.get("continue").getKeyNode(), "cannot have continue in root route");
            }
            Route defaults = new Route("", List.of(), 30_000, 300_000, 4 * 3_600_000L);
            return new NotifyConfig(route(rt.getValueNode(), defaults, receivers, null, 0), receivers);
        }

        /** A route and its children, what it does not set taken from {@code parent}. */
        Route route(Node n, Route parent, Map<String, List<Webhook>> receivers, String parentKey, int position) {
            Map<String, NodeTuple> route = mapping(n, ROUTE, "route");
            String receiver = route.containsKey("receiver") ? scalar(route.get("receiver").getValueNode()) : "";
            if (receiver.isEmpty()) {
                receiver = parent.receiver();
            } else if (!receivers.containsKey(receiver)) {
                throw bad(route.get("receiver").getValueNode(), "undefined receiver " + GoText.quote(receiver) + " used in route");
            }
            List<String> groupBy = parent.groupBy();
            NodeTuple gb = route.get("group_by");
            if (gb != null && !isNull(gb.getValueNode())) {
                groupBy = new ArrayList<>();
                for (Node g : sequence(gb.getValueNode())) {
                    String l = scalar(g);
                    if (!l.equals("...") && !l.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                        throw bad(g, "invalid label name " + GoText.quote(l) + " in group_by list");
                    }
                    groupBy.add(l);
                }
                if (groupBy.contains("...") && groupBy.size() > 1) {
                    throw bad(gb.getValueNode(), "cannot have wildcard group_by (`...`) and other other labels at the same time");
                }
                groupBy = List.copyOf(groupBy);
            }
            long interval = duration(route.get("group_interval"), parent.groupIntervalMs());
            if (interval <= 0) {
                throw bad(route.get("group_interval").getValueNode(), "group_interval cannot be zero");
            }
            long repeat = duration(route.get("repeat_interval"), parent.repeatIntervalMs());
            if (repeat <= 0) {
                throw bad(route.get("repeat_interval").getValueNode(), "repeat_interval cannot be zero");
            }
            List<RouteMatcher> matchers = matchers(route);
            String key = (parentKey == null ? "" : parentKey + "/") + "{"
                    + String.join(",", matchers.stream().map(RouteMatcher::toString).toList()) + "}";
            String id = parentKey == null ? key : key + "/" + position;
            List<Route> children = new ArrayList<>();
            Route self = new Route(receiver, groupBy, duration(route.get("group_wait"), parent.groupWaitMs()), interval, repeat,
                    matchers, route.containsKey("continue") && bool(route.get("continue").getValueNode()), List.of(), key, id);
            NodeTuple rs = route.get("routes");
            if (rs != null && !isNull(rs.getValueNode())) {
                List<Node> nodes = sequence(rs.getValueNode());
                for (int i = 0; i < nodes.size(); i++) {
                    children.add(route(nodes.get(i), self, receivers, key, i));
                }
            }
            return new Route(self.receiver(), groupBy, self.groupWaitMs(), interval, repeat, matchers, self.continueMatching(),
                    List.copyOf(children), key, id);
        }

        /** {@code match}, {@code match_re} and {@code matchers} of a route, in Alertmanager's order. */
        List<RouteMatcher> matchers(Map<String, NodeTuple> route) {
            List<RouteMatcher> out = new ArrayList<>();
            for (String k : List.of("match", "match_re")) {
                NodeTuple t = route.get(k);
                if (t == null || isNull(t.getValueNode())) {
                    continue;
                }
                if (!(t.getValueNode() instanceof MappingNode mn)) {
                    throw bad(t.getValueNode(), k + " must be a mapping");
                }
                for (NodeTuple e : mn.getValue()) {
                    String name = scalar(e.getKeyNode());
                    if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                        throw bad(e.getKeyNode(), GoText.quote(name) + " is not a valid label name");
                    }
                    try {
                        out.add(RouteMatcher.of(name, k.equals("match") ? "=" : "=~", scalar(e.getValueNode())));
                    } catch (IllegalArgumentException x) {
                        throw bad(e.getValueNode(), x.getMessage());
                    }
                }
            }
            NodeTuple t = route.get("matchers");
            if (t != null && !isNull(t.getValueNode())) {
                for (Node mn : sequence(t.getValueNode())) {
                    try {
                        out.add(RouteMatcher.parse(scalar(mn)));
                    } catch (IllegalArgumentException x) {
                        throw bad(mn, x.getMessage());
                    }
                }
            }
            out.sort(RouteMatcher.ORDER);
            return List.copyOf(out);
        }

        Webhook webhook(Node n) {
            Map<String, NodeTuple> m = mapping(n, WEBHOOK, "webhook_config");
            String url = m.containsKey("url") ? scalar(m.get("url").getValueNode()) : "";
            if (url.isEmpty()) {
                throw bad(n, "one of url or url_file must be configured");
            }
            if (!url.startsWith("http://") && !url.startsWith("https://")) {
                throw bad(m.get("url").getValueNode(), "unsupported scheme in webhook url " + GoText.quote(url));
            }
            boolean resolved = !m.containsKey("send_resolved") || bool(m.get("send_resolved").getValueNode());
            int max = m.containsKey("max_alerts") ? integer(m.get("max_alerts").getValueNode()) : 0;
            Map<String, String> headers = new LinkedHashMap<>();
            NodeTuple hc = m.get("http_config");
            if (hc != null && !isNull(hc.getValueNode())) {
                Map<String, NodeTuple> h = mapping(hc.getValueNode(), HTTP, "http_config");
                if (h.containsKey("basic_auth") && h.containsKey("authorization")) {
                    throw bad(hc.getValueNode(), "at most one of basic_auth and authorization must be configured");
                }
                if (h.containsKey("basic_auth")) {
                    Map<String, NodeTuple> b = mapping(h.get("basic_auth").getValueNode(), Set.of("username", "password"), "basic_auth");
                    String user = b.containsKey("username") ? scalar(b.get("username").getValueNode()) : "";
                    String pass = b.containsKey("password") ? scalar(b.get("password").getValueNode()) : "";
                    headers.put("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + pass)
                            .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                }
                if (h.containsKey("authorization")) {
                    Map<String, NodeTuple> a = mapping(h.get("authorization").getValueNode(), Set.of("type", "credentials"),
                            "authorization");
                    String type = a.containsKey("type") ? scalar(a.get("type").getValueNode()) : "Bearer";
                    String cred = a.containsKey("credentials") ? scalar(a.get("credentials").getValueNode()) : "";
                    headers.put("Authorization", type + " " + cred);
                }
            }
            return new Webhook(url, resolved, Map.copyOf(headers), max, 10_000);
        }

        Map<String, NodeTuple> mapping(Node n, Set<String> known, String what) {
            if (!(n instanceof MappingNode mn)) {
                throw bad(n, what + " must be a mapping");
            }
            Map<String, NodeTuple> out = new LinkedHashMap<>();
            for (NodeTuple t : mn.getValue()) {
                String k = scalar(t.getKeyNode());
                if (!known.contains(k)) {
                    throw bad(t.getKeyNode(), "field " + k + " not found in " + what + " (Vigil knows " + new java.util.TreeSet<>(known) + ")");
                }
                out.put(k, t);
            }
            return out;
        }

        List<Node> sequence(Node n) {
            if (!(n instanceof SequenceNode s)) {
                throw bad(n, "expected a list");
            }
            return s.getValue();
        }

        String scalar(Node n) {
            if (!(n instanceof ScalarNode s)) {
                throw bad(n, "expected a single value");
            }
            return isNull(s) ? "" : s.getValue();
        }

        boolean bool(Node n) {
            String s = scalar(n);
            if (!s.equals("true") && !s.equals("false")) {
                throw bad(n, "expected true or false, not " + GoText.quote(s));
            }
            return s.equals("true");
        }

        int integer(Node n) {
            try {
                int v = Integer.parseInt(scalar(n));
                if (v < 0) {
                    throw new NumberFormatException();
                }
                return v;
            } catch (NumberFormatException e) {
                throw bad(n, "expected a count, not " + GoText.quote(scalar(n)));
            }
        }

        long duration(NodeTuple t, long dflt) {
            if (t == null || isNull(t.getValueNode())) {
                return dflt;
            }
            String s = scalar(t.getValueNode());
            try {
                return GoText.parseDuration(s);
            } catch (IllegalArgumentException e) {
                throw bad(t.getValueNode(), "not a valid duration string: " + GoText.quote(s));
            }
        }

        IllegalArgumentException bad(Node n, String what) {
            return new IllegalArgumentException(where + ":" + (n.getStartMark().getLine() + 1) + ": " + what);
        }
    }
}
