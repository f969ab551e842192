package dev.vigil.server.cli;

import dev.vigil.server.api.ApiTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The command line: Prometheus's flag names, {@code --flag=value} or {@code --flag value}, boolean
 * flags bare, {@code =true|false} or {@code --no-flag}. Strict: an unknown or malformed flag is an
 * error that names it.
 */
public final class Flags {
    /** One flag: its name without dashes, default, help, and whether it is a switch. */
    record Def(String name, String dflt, boolean bool, String help) {
    }

    static final List<Def> DEFS = List.of(
            new Def("web.listen-address", ":9090", false, "Address for the UI, the query API, push and /metrics."),
            new Def("push.listen-address", ":9091", false,
                    "Second address serving only the push routes (a Pushgateway's port); empty disables."),
            new Def("storage.tsdb.path", "data/", false, "Data folder."),
            new Def("storage.tsdb.retention.time", "180d", false, "How long to keep samples."),
            new Def("storage.tsdb.retention.size", "0", false,
                    "Largest size of the data folder (512MB, 10GB; base 2); 0 = no limit."),
            new Def("storage.tsdb.retention.raw", "", false,
                    "How long to keep raw samples once 5m and 1h rollups cover them; default the retention."),
            new Def("storage.tsdb.downsample.after", "40h", false,
                    "Blocks that ended this long ago get 5m and 1h rollups, which queries read by themselves; 0 = off."),
            new Def("storage.tsdb.max-series", "0", false, "Most series in the store; 0 = no limit."),
            new Def("storage.tsdb.out-of-order-time-window", "", false,
                    "How far behind the newest sample a sample is still accepted; default the retention, 0 = strict."),
            new Def("push.group-ttl", "0s", false, "Push groups not pushed for this long are deleted; 0 = never."),
            new Def("push.max-body-size", "64MB", false, "Largest push body after decompression (base 2: 512KB, 64MB); 0 = no limit."),
            new Def("import.max-body-size", "0", false,
                    "Largest body of one POST /api/v1/import/prometheus, as sent and after decompression (base 2: 512MB, 10GB); 0 = no limit."),
            new Def("push.max-series-per-push", "1000000", false, "Most samples in one push; 0 = no limit."),
            new Def("push.max-label-name-length", "1024", false, "Longest label name in a push; 0 = no limit."),
            new Def("push.max-label-value-length", "16384", false, "Longest label value (metric name included) in a push; 0 = no limit."),
            new Def("push.max-labels-per-series", "64", false, "Most labels on one pushed series, the name included; 0 = no limit."),
            new Def("push.disable-consistency-check", "false", true,
                    "Do not check pushes against each other and the other groups; pushes answer 202 (as the Pushgateway flag)."),
            new Def("push.labels", "as-pushed", false,
                    "Labels of stored pushed series: as-pushed, or pushgateway-scrape (as Prometheus stored them scraping a Pushgateway with the --config.file job that targets the push port)."),
            new Def("config.file", "", false, "Configuration file (YAML)."),
            new Def("web.config.file", "", false,
                    "Web config file (TLS, basic auth users) in the format Prometheus and the Pushgateway read; re-read on change."),
            new Def("web.roles.file", "", false,
                    "Vigil's roles file: which users, certificate subjects and networks may push, read or administer."),
            new Def("web.cors.origin", ".*", false,
                    "Regex for CORS origin of the query API; fully anchored. '.*' answers '*'; writes never accept cross-site requests."),
            new Def("web.read-timeout", "5m", false, "Longest a connection may stay without reading or writing a byte."),
            new Def("web.max-connections", "512", false, "Most simultaneous connections on each port."),
            new Def("web.enable-lifecycle", "false", true, "Enable shutdown and reload via HTTP (/-/quit, /-/reload)."),
            new Def("web.enable-admin-api", "false", true, "Enable the admin endpoints (/api/v1/admin/...)."),
            new Def("web.external-url", "", false,
                    "The URL Vigil is reachable under (behind a reverse proxy): alerts' generator links point there, and its path is the default route prefix."),
            new Def("web.route-prefix", "", false, "Path prefix of every route of the main port; default the external URL's path."),
            new Def("web.enable-remote-write-receiver", "false", true, "No-op: Vigil always receives remote write."),
            new Def("storage.tsdb.retention", "", false, "Deprecated spelling of --storage.tsdb.retention.time (which wins)."),
            new Def("query.lookback-delta", "5m", false, "How far back an instant selector looks for a sample."),
            new Def("query.timeout", "2m", false, "Longest a query may run."),
            new Def("query.max-samples", "50000000", false, "Most samples a query may hold in memory."),
            new Def("query.max-concurrency", "20", false, "Queries evaluated at once."),
            new Def("rules.alert.for-outage-tolerance", "1h", false,
                    "Max time to tolerate an outage when restoring the 'for' state of alerts."),
            new Def("rules.alert.for-grace-period", "10m", false,
                    "Minimum time between an alert's restore and its firing, for alerts whose 'for' is at least this."),
            new Def("rules.alert.resend-delay", "1m", false, "Minimum time to wait before resending an alert."),
            new Def("storage.remote.read-sample-limit", "5e7", false,
                    "Most samples one query of a remote read may return (sampled responses only); 0 = no limit."),
            new Def("storage.remote.read-concurrent-limit", "10", false, "Remote reads answered at once; 0 = no limit."),
            new Def("storage.remote.read-max-bytes-in-frame", "1048576", false,
                    "About the most bytes in one frame of a streamed remote-read response."),
            new Def("log.level", "info", false, "Log level: debug, info, warn, error."),
            new Def("help", "false", true, "Show this help and exit."),
            new Def("help-long", "false", true, "Same as --help."),
            new Def("help-man", "false", true, "Same as --help."),
            new Def("version", "false", true, "Show the version and exit."));

    private Flags() {
    }

    private static final Map<String, Def> IGNORED = new LinkedHashMap<>();

    static {
        for (Def d : PrometheusFlags.IGNORED) {
            IGNORED.put(d.name(), d);
        }
    }

    /** Parses and validates; the returned config names every flag with its effective value. */
    public static ServerConfig parse(String... args) throws UsageException {
        Map<String, Def> byName = new LinkedHashMap<>();
        for (Def d : DEFS) {
            byName.put(d.name(), d);
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (Def d : DEFS) {
            values.put(d.name(), d.dflt());
        }
        java.util.Set<String> given = new java.util.HashSet<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h")) {
                values.put("help", "true");
                continue;
            }
            if (!a.startsWith("--") || a.length() == 2) {
                throw new UsageException("unexpected argument '" + a + "', try --help");
            }
            String body = a.substring(2);
            int eq = body.indexOf('=');
            String name = eq < 0 ? body : body.substring(0, eq);
            String value = eq < 0 ? null : body.substring(eq + 1);
            Def d = byName.get(name);
            if (d == null) {
                d = IGNORED.get(name);
            }
            if (d == null && name.startsWith("no-") && value == null) {
                Def neg = byName.containsKey(name.substring(3)) ? byName.get(name.substring(3)) : IGNORED.get(name.substring(3));
                if (neg != null && neg.bool()) {
                    values.put(neg.name(), "false");
                    given.add(neg.name());
                    continue;
                }
            }
            if (d != null) {
                given.add(d.name());
            }
            if (d == null) {
                throw new UsageException("unknown long flag '--" + name + "', try --help");
            }
            if (d.bool()) {
                if (value == null) {
                    value = "true";
                } else if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                    throw new UsageException("invalid value '" + value + "' for flag '--" + name + "': expected true or false");
                }
                values.put(name, value.toLowerCase(Locale.ROOT));
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("expected argument for flag '--" + name + "'");
                }
                value = args[++i];
            }
            if (IGNORED.containsKey(name) && values.containsKey(name)) {
                value = values.get(name) + "," + value; // repeated, as --enable-feature may be
            }
            values.put(name, value);
        }
        if (!given.contains("storage.tsdb.retention.time") && !values.get("storage.tsdb.retention").isEmpty()) {
            values.put("storage.tsdb.retention.time", values.get("storage.tsdb.retention"));
        }
        if (Boolean.parseBoolean(values.get("help-long")) || Boolean.parseBoolean(values.get("help-man"))) {
            values.put("help", "true");
        }
        return validate(values);
    }

    private static ServerConfig validate(Map<String, String> v) throws UsageException {
        String web = v.get("web.listen-address");
        String push = v.get("push.listen-address");
        checkAddress("web.listen-address", web, false);
        checkAddress("push.listen-address", push, true);
        long retention = duration(v, "storage.tsdb.retention.time");
        if (retention <= 0) {
            throw new UsageException("invalid value '" + v.get("storage.tsdb.retention.time")
                    + "' for flag '--storage.tsdb.retention.time': must be greater than 0");
        }
        long size = Sizes.parse(v.get("storage.tsdb.retention.size"));
        if (size < 0) {
            throw new UsageException("invalid value '" + v.get("storage.tsdb.retention.size")
                    + "' for flag '--storage.tsdb.retention.size': expected a size such as 512MB or 10GB");
        }
        long maxSeries = number(v, "storage.tsdb.max-series", 0, Integer.MAX_VALUE);
        long ooo = v.get("storage.tsdb.out-of-order-time-window").isEmpty() ? -1
                : duration(v, "storage.tsdb.out-of-order-time-window");
        long ttl = duration(v, "push.group-ttl");
        long maxBody = Sizes.parse(v.get("push.max-body-size"));
        if (maxBody < 0) {
            throw new UsageException("invalid value '" + v.get("push.max-body-size")
                    + "' for flag '--push.max-body-size': expected a size such as 512KB or 64MB");
        }
        long importMaxBody = Sizes.parse(v.get("import.max-body-size"));
        if (importMaxBody < 0) {
            throw new UsageException("invalid value '" + v.get("import.max-body-size")
                    + "' for flag '--import.max-body-size': expected a size such as 512MB or 10GB");
        }
        PushFlags pushFlags = new PushFlags(maxBody, (int) number(v, "push.max-series-per-push", 0, Integer.MAX_VALUE),
                (int) number(v, "push.max-label-name-length", 0, Integer.MAX_VALUE),
                (int) number(v, "push.max-label-value-length", 0, Integer.MAX_VALUE),
                (int) number(v, "push.max-labels-per-series", 0, Integer.MAX_VALUE),
                !Boolean.parseBoolean(v.get("push.disable-consistency-check")), importMaxBody);
        try {
            dev.vigil.server.http.Cors.of(v.get("web.cors.origin"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid value '" + v.get("web.cors.origin") + "' for flag '--web.cors.origin': "
                    + e.getMessage());
        }
        long readTimeout = duration(v, "web.read-timeout");
        if (readTimeout <= 0) {
            throw new UsageException("invalid value '" + v.get("web.read-timeout") + "' for flag '--web.read-timeout': must be greater than 0");
        }
        WebFlags webFlags = new WebFlags(v.get("web.config.file"), v.get("web.roles.file"), readTimeout,
                (int) number(v, "web.max-connections", 1, 1_000_000));
        long lookback = duration(v, "query.lookback-delta");
        long timeout = duration(v, "query.timeout");
        long maxSamples = number(v, "query.max-samples", 1, Long.MAX_VALUE);
        long conc = number(v, "query.max-concurrency", 1, 10_000);
        if (lookback <= 0) {
            throw new UsageException("invalid value '" + v.get("query.lookback-delta") + "' for flag '--query.lookback-delta': must be greater than 0");
        }
        if (timeout <= 0) {
            throw new UsageException("invalid value '" + v.get("query.timeout") + "' for flag '--query.timeout': must be greater than 0");
        }
        for (String f : List.of("rules.alert.for-outage-tolerance", "rules.alert.for-grace-period", "rules.alert.resend-delay")) {
            duration(v, f);
        }
        PrometheusFlags.routePrefix(v.get("web.route-prefix"), v.get("web.external-url"));
        RemoteReadFlags.parse(v);
        DownsampleFlags.parse(v, retention);
        String level = v.get("log.level");
        if (!List.of("debug", "info", "warn", "error").contains(level)) {
            throw new UsageException("invalid value '" + level + "' for flag '--log.level': expected debug, info, warn or error");
        }
        return new ServerConfig(web, push, v.get("storage.tsdb.path"), retention, size, (int) maxSeries, ooo, ttl,
                v.get("config.file"), Boolean.parseBoolean(v.get("web.enable-lifecycle")),
                Boolean.parseBoolean(v.get("web.enable-admin-api")), lookback, timeout, maxSamples, (int) conc, level,
                Boolean.parseBoolean(v.get("help")), Boolean.parseBoolean(v.get("version")), Map.copyOf(v), pushFlags, webFlags);
    }

    private static void checkAddress(String flag, String a, boolean emptyOk) throws UsageException {
        if (a.isEmpty() && emptyOk) {
            return;
        }
        try {
            ListenAddress.parse(a);
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid value '" + a + "' for flag '--" + flag + "': " + e.getMessage());
        }
    }

    private static long duration(Map<String, String> v, String flag) throws UsageException {
        long ms = ApiTime.parsePromDuration(v.get(flag));
        if (ms < 0) {
            throw new UsageException("invalid value '" + v.get(flag) + "' for flag '--" + flag
                    + "': expected a duration such as 15s, 5m, 180d");
        }
        return ms;
    }

    private static long number(Map<String, String> v, String flag, long min, long max) throws UsageException {
        try {
            long n = Long.parseLong(v.get(flag));
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new UsageException("invalid value '" + v.get(flag) + "' for flag '--" + flag + "': expected an integer from "
                    + min + " to " + max);
        }
    }

    /** The Prometheus flags given on the command line that Vigil accepts and ignores, as {@code --name=value}, by name. */
    public static List<String> ignoredGiven(ServerConfig cfg) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(cfg.flags()).entrySet()) {
            if (IGNORED.containsKey(e.getKey())) {
                boolean bool = IGNORED.get(e.getKey()).bool();
                out.add("--" + e.getKey() + (bool && e.getValue().equals("true") ? "" : "=" + e.getValue()));
            }
        }
        return out;
    }

    /** The path every main-port route is served under ({@code "/"}: none), from the route prefix or the external URL. */
    public static String routePrefix(ServerConfig cfg) {
        try {
            return PrometheusFlags.routePrefix(cfg.flags().getOrDefault("web.route-prefix", ""),
                    cfg.flags().getOrDefault("web.external-url", ""));
        } catch (UsageException e) {
            throw new IllegalStateException("checked when parsed", e);
        }
    }

    /**
     * The path browsers reach the pages under: the path of {@code --web.external-url} when given
     * (a proxy may strip it before the route prefix applies), else the route prefix.
     */
    public static String linkPrefix(ServerConfig cfg) {
        String external = cfg.flags().getOrDefault("web.external-url", "");
        try {
            return external.isEmpty() ? routePrefix(cfg) : PrometheusFlags.routePrefix("", external);
        } catch (UsageException e) {
            throw new IllegalStateException("checked when parsed", e);
        }
    }

    /** The --help text. */
    public static String usage() {
        StringBuilder sb = new StringBuilder();
        sb.append("usage: java -jar vigil.jar [<flags>]\n\n")
                .append("Vigil: push gateway, time-series store and Prometheus-compatible query API in one process.\n\nFlags:\n");
        List<String> lines = new ArrayList<>();
        for (Def d : DEFS) {
            String left = "  --" + d.name() + (d.bool() ? "" : "=" + (d.dflt().isEmpty() ? "\"\"" : d.dflt()));
            lines.add(String.format("%-50s %s", left, d.help()));
        }
        sb.append(String.join("\n", lines)).append('\n');
        sb.append("\nAccepted for compatibility with Prometheus 2.42 and ignored (logged once at start):\n");
        List<String> names = new ArrayList<>();
        for (Def d : PrometheusFlags.IGNORED) {
            names.add("--" + d.name());
        }
        sb.append("  ").append(String.join(", ", names)).append('\n');
        sb.append("\nCommands (each takes --help):\n")
                .append("  check config FILE...                 Check a configuration file and the rule files it names.\n")
                .append("  test rules FILE...                   Run rule unit tests (promtool's format).\n")
                .append("  tsdb list|analyze|dump [DATA_DIR]    Inspect a stopped Vigil's data folder.\n")
                .append("  tsdb create-blocks-from openmetrics FILE [DATA_DIR]  Backfill a file into a stopped Vigil's blocks.\n")
                .append("  tsdb import-prometheus PROM_DIR [DATA_DIR]  Import a stopped Prometheus's blocks.\n");
        return sb.toString();
    }
}
