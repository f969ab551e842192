package dev.vigil.server.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vigil.ingest.scrape.SelfScrape;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.push.Processes;
import dev.vigil.tsdb.testing.References;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.streaming.api.functions.source.SourceFunction;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The migration as a user does it: Vigil started with a Flink shop's own {@code prometheus.yml}
 * (node_exporter as job {@code linux}, the Pushgateway as job {@code pushgateway}) and the old
 * systemd unit's flag line, fed by a Flink MiniCluster's real PrometheusPushGatewayReporter and
 * the real node_exporter, answers the dashboards' queries as the real Pushgateway 1.5.1 +
 * Prometheus 2.42 do when the same cluster pushes to them, and stores no series twice.
 *
 * <p>One cluster feeds all three stores at once: its metric registry has three reporter instances
 * (one factory, three names), each pushing the same metrics to one push port: Vigil in
 * {@code --push.labels=pushgateway-scrape} mode, Vigil in the default {@code as-pushed} mode, and
 * the real Pushgateway that the real Prometheus scrapes. The three configuration files are copies of
 * one {@code prometheus.yml}, the pushgateway target's port being the only difference.
 *
 * <p>Timing: the reporters push each second at their own moments and Prometheus scrapes the
 * Pushgateway every two seconds, so a changing value (heap, a rate, {@code push_time_seconds})
 * differs between the stores by up to three seconds of change. Those queries are compared by their label sets
 * only. Values are compared exactly where they cannot change any more: the job's source emits a
 * fixed number of records and then idles, so once every store shows the last record the record
 * counters are fixed, as are the cluster's slot and job counts and node_exporter's machine facts;
 * all queries are evaluated at one instant, a few pushes after that.
 */
class MigrationEndToEndTest {
    private static final String FLINK_JOB = "vigil_migration";
    /** The reporter's job name. Without the random suffix, so the three reporter instances push the same group. */
    private static final String REPORTER_JOB = "flink-prod";
    private static final int RECORDS = 5_000;
    /**
     * The pushed series. Pushgateway invents {@code _sum 0} for Flink's summaries, which carry none,
     * and Vigil stores what was pushed (a documented difference), so {@code _sum} series are left out.
     */
    private static final String PUSHED = "{__name__=~\"flink_.+|push_time_seconds|push_failure_time_seconds\",__name__!~\".+_sum\"}";

    /** Dashboard queries (docs/grafana and the usual node_exporter panels) whose values are fixed once the records are through. */
    private static final List<String> STEADY = List.of(
            "count by (__name__) (" + PUSHED + ")",
            "count by (exported_job, job, instance) (" + PUSHED + ")",
            "sum by (exported_job, job, instance, task_name) (flink_taskmanager_job_task_numRecordsIn)",
            "sum by (exported_job, operator_name) (flink_taskmanager_job_task_operator_numRecordsOut)",
            "max by (job_name, job_id) (flink_jobmanager_job_numRestarts)",
            "sum by (exported_job, instance) (flink_jobmanager_numRunningJobs)",
            "flink_jobmanager_taskSlotsTotal",
            "flink_jobmanager_numRegisteredTaskManagers",
            "count by (job, instance, app, nodename, role) (node_cpu_seconds_total{mode=\"idle\"})",
            "max by (nodename) (node_memory_MemTotal_bytes)",
            "up{job=\"linux\"}",
            "count by (nodename, role) (node_uname_info)");

    /** Dashboard queries whose values move between pushes and scrapes: compared by their label sets. */
    private static final List<String> MOVING = List.of(
            PUSHED,
            "{job=\"linux\"}",
            "sum by (nodename) (rate(node_cpu_seconds_total{mode!=\"idle\"}[1m]))",
            "avg by (app, role) (node_load1)",
            "max by (tm_id) (flink_taskmanager_Status_JVM_Memory_Heap_Used{tm_id=~\".+\"})",
            "max by (tm_id) (flink_taskmanager_Status_JVM_CPU_Load)",
            "sum by (task_name) (flink_taskmanager_job_task_numRecordsInPerSecond{job_name=~\"" + FLINK_JOB + "\"})",
            "max by (task_name) (flink_taskmanager_job_task_busyTimeMsPerSecond{job_name=~\"" + FLINK_JOB + "\"})",
            "max by (job_name, job_id) (flink_jobmanager_job_uptime)",
            "time() - push_time_seconds");

    @TempDir
    Path dir;

    private final ScrapeComparison api = new ScrapeComparison();

    /**
     * A typical Flink shop's prometheus.yml, with 2 s intervals instead of 15 s so the test is short
     * (the timeout as long as the interval, so a scrape on a loaded machine does not time out).
     * Such files differ in one setting that matters here: most leave {@code honor_labels} at its
     * default (false: the pushed job is kept as {@code exported_job}, the target's instance wins),
     * others set it to true (the pushed job wins, and the empty instance the Pushgateway adds keeps
     * the target's away). Both are run.
     */
    private static String prometheusYml(int nodePort, int gatewayPort, boolean honor) {
        return """
                global:
                  scrape_interval: 2s
                  scrape_timeout: 2s
                  evaluation_interval: 15s

                scrape_configs:
                  - job_name: 'linux'
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                        labels:
                          app: 'flink'
                          nodename: 'flink-tm-1'
                          role: 'taskmanager'

                  - job_name: 'pushgateway'
                %s    static_configs:
                      - targets: ['127.0.0.1:%d']
                        labels:
                          instance: 'pushgateway'
                """.formatted(nodePort, honor ? "    honor_labels: true\n" : "", gatewayPort);
    }

    /**
     * The old Prometheus unit, with its Debian binary and the two console flags Vigil ignores; the
     * push flags are the ones a Vigil unit adds.
     */
    private static final String UNIT = """
            [Unit]
            Description=Monitoring system and time series database

            [Service]
            User=prometheus
            ExecStart=/usr/bin/prometheus \\
              --config.file="%s" \\
              --storage.tsdb.path=%s \\
              --storage.tsdb.retention.time=180d \\
              --web.enable-lifecycle \\
              --web.listen-address=127.0.0.1:0 \\
              --web.console.templates=/etc/prometheus/consoles \\
              --web.console.libraries=/etc/prometheus/console_libraries \\
              --push.listen-address=127.0.0.1:%d --push.labels=%s
            Restart=always
            """;

    @ParameterizedTest(name = "honor_labels: {0}")
    @ValueSource(booleans = {false, true})
    void theOldStacksFilesGiveItsAnswersWithEachSeriesStoredOnce(boolean honor) throws Exception {
        Path prometheus = References.require("prometheus");
        Path pushgateway = References.require("prometheus-pushgateway");
        Path nodeExporter = References.require("prometheus-node-exporter");
        int nodePort = Processes.freePort();
        int gatewayPort = Processes.freePort();
        int promPort = Processes.freePort();
        int scrapeModePort = Processes.freePort();
        int asPushedPort = Processes.freePort();
        List<Process> procs = new ArrayList<>();
        VigilServer scrapeMode = null;
        VigilServer asPushed = null;
        MiniCluster cluster = null;
        try {
            procs.add(ScrapeComparison.startNodeExporter(nodeExporter, dir, nodePort, "cpu", "meminfo", "loadavg", "uname"));
            procs.add(ScrapeComparison.startPushgateway(pushgateway, dir, gatewayPort));
            Path promConfig = dir.resolve("prometheus.yml");
            Files.writeString(promConfig, prometheusYml(nodePort, gatewayPort, honor));
            procs.add(ScrapeComparison.startPrometheus(prometheus, promConfig, dir, promPort));
            scrapeMode = startVigil("scrape-mode", nodePort, scrapeModePort, "pushgateway-scrape", honor);
            asPushed = startVigil("as-pushed", nodePort, asPushedPort, "as-pushed", honor);
            String p = ScrapeComparison.baseUrl(promPort);
            String v = ScrapeComparison.baseUrl(scrapeMode);
            String a = ScrapeComparison.baseUrl(asPushed);

            cluster = startCluster(gatewayPort, scrapeModePort, asPushedPort);
            // The source has emitted its last record and each store has it: the counters are fixed from here on.
            String done = "max(flink_taskmanager_job_task_operator_numRecordsIn{job_name=\"" + FLINK_JOB + "\"})";
            for (String base : List.of(p, v, a)) {
                awaitValue(base, done, Integer.toString(RECORDS));
            }
            // Each Vigil has seen its own push port once (until then a failed scrape of it reports up=0).
            for (String base : List.of(v, a)) {
                awaitSelfRecognised(base);
            }
            Thread.sleep(6_000); // a few more pushes and scrapes, so every store has the final set of series
            String t = String.format("%.3f", System.currentTimeMillis() / 1000.0);

            for (String q : STEADY) {
                Map<String, String> want = query(p, q, t);
                assertTrue(!want.isEmpty(), q + " is empty on Prometheus");
                assertEquals(want, query(v, q, t), q);
            }
            for (String q : MOVING) {
                TreeSet<String> want = new TreeSet<>(query(p, q, t).keySet());
                assertTrue(!want.isEmpty(), q + " is empty on Prometheus");
                assertEquals(want, new TreeSet<>(query(v, q, t).keySet()), q);
            }
            assertEquals(labelValues(p, "job_name"), labelValues(v, "job_name"), "label_values(..., job_name)");
            TreeSet<String> pushedOnProm = new TreeSet<>(query(p, PUSHED, t).keySet());
            assertTrue(pushedOnProm.size() > 100, pushedOnProm::toString);
            // The scraped form the old dashboards were written against: without honor_labels the
            // target's job and instance, the pushed job kept aside; with it, the pushed job and no instance.
            String scrapedForm = honor ? "{job=\"" + REPORTER_JOB + "\",instance=\"\",exported_job=\"\"}"
                    : "{exported_job=\"" + REPORTER_JOB + "\",job=\"pushgateway\",instance=\"pushgateway\"}";
            assertEquals(Map.of(), query(p, PUSHED + " unless " + scrapedForm, t));

            // Stored once, pushgateway-scrape mode: each sample of a push group's push_time_seconds is a
            // new push time, so the scrape of Vigil's own push port (whose answer carries the same
            // push_time_seconds under the same labels) wrote no sample in between.
            Map<String, String> repeats = query(v, "count_over_time(push_time_seconds[10s]) - changes(push_time_seconds[10s])", t);
            assertEquals(1, repeats.size(), repeats::toString);
            assertEquals("1", repeats.values().iterator().next(), repeats::toString);

            // Stored once, as-pushed mode: the same series as Prometheus's, under the labels as pushed
            // (exported_job, if any, is the job; the gateway target's job and instance are not there) ...
            TreeSet<String> expected = new TreeSet<>();
            for (JsonNode s : result(p, PUSHED, t)) {
                Map<String, String> l = new TreeMap<>(ScrapeComparison.JSON.convertValue(s.get("metric"), Map.class));
                l.remove("instance");
                if (l.containsKey("exported_job")) {
                    l.put("job", l.remove("exported_job"));
                }
                expected.add(l.toString());
            }
            assertEquals(expected, new TreeSet<>(query(a, PUSHED, t).keySet()));
            assertEquals(query(p, STEADY.get(0), t), query(a, STEADY.get(0), t), "series per metric name, as-pushed");
            // ... and nothing under the pushgateway job: its scrape of the own push port stored nothing, not even up.
            assertEquals(Map.of(), query(a, "{job=\"pushgateway\"}", t));
            assertEquals(Map.of(), query(v, "{job=\"pushgateway\",exported_job=\"\"}", t), "only pushed series, no up or scrape_*");
            for (String base : List.of(v, a)) {
                JsonNode gateway = target(base, "pushgateway");
                assertEquals("down", gateway.get("health").asText(), gateway.toString());
                assertEquals(SelfScrape.MESSAGE, gateway.get("lastError").asText());
                assertEquals("up", target(base, "linux").get("health").asText());
            }

            // deleteOnShutdown: the reporters delete their groups, and every store stops answering for
            // the cluster's metrics. Not push_time_seconds: once two pushed series stayed on Prometheus
            // after the close, most likely a report that ran while Flink's registry closed and PUT the
            // group again, empty, after its DELETE, which no store can tell from a real push.
            cluster.close();
            cluster = null;
            for (String base : List.of(p, v, a)) {
                awaitValue(base, "count({__name__=~\"flink_.+\"}) or vector(0)", "0");
            }
        } finally {
            if (cluster != null) {
                cluster.close();
            }
            if (asPushed != null) {
                asPushed.close();
            }
            ScrapeComparison.stop(scrapeMode, procs);
        }
    }

    /** The README's migration guide gives a unit whose flag line Vigil takes as meant. */
    @Test
    void theGuidesUnitLineParses() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("README.md")) || !Files.exists(root.resolve("server"))) {
            root = root.getParent();
        }
        String readme = Files.readString(root.resolve("README.md"));
        String guide = readme.substring(readme.indexOf("## Migrate from Prometheus + Pushgateway"));
        String unit = guide.substring(guide.indexOf("ExecStart=") + "ExecStart=".length(), guide.indexOf("ExecReload="));
        List<String> words = ExecStart.split(unit);
        assertEquals(List.of("/usr/bin/java", "-jar", "/opt/vigil/vigil.jar"), words.subList(0, 3));
        ServerConfig cfg = Flags.parse(words.subList(3, words.size()).toArray(String[]::new));
        assertEquals("/etc/prometheus/prometheus.yml", cfg.configFile());
        assertEquals("/var/lib/vigil", cfg.dataDir());
        assertEquals("pushgateway-scrape", cfg.flags().get("push.labels"));
        assertTrue(cfg.enableLifecycle());
        assertEquals(List.of(), Flags.ignoredGiven(cfg));
    }

    /** Starts Vigil as the old unit's ExecStart line does, with a copy of the prometheus.yml pointing at its own push port. */
    private VigilServer startVigil(String name, int nodePort, int pushPort, String labelMode, boolean honor) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        Path config = home.resolve("prometheus.yml");
        Files.writeString(config, prometheusYml(nodePort, pushPort, honor));
        String unit = UNIT.formatted(config, home.resolve("metrics2"), pushPort, labelMode);
        List<String> words = ExecStart.split(unit.substring(unit.indexOf("ExecStart=") + "ExecStart=".length(), unit.indexOf("Restart=")));
        assertEquals("/usr/bin/prometheus", words.get(0));
        ServerConfig cfg = Flags.parse(words.subList(1, words.size()).toArray(String[]::new));
        assertEquals(List.of("--web.console.libraries=/etc/prometheus/console_libraries",
                "--web.console.templates=/etc/prometheus/consoles"), Flags.ignoredGiven(cfg));
        assertEquals(180L * 86_400_000, cfg.retentionMs());
        assertTrue(cfg.enableLifecycle());
        assertEquals(config.toString(), cfg.configFile(), "the quotes are systemd's, not part of the path");
        return VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
    }

    /** A MiniCluster whose registry has one push reporter per port, all alike but for the host, running the job. */
    @SuppressWarnings("deprecation")
    private static MiniCluster startCluster(int... pushPorts) throws Exception {
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_PORT, "0");
        for (int port : pushPorts) {
            // What a flink-conf.yaml says, once per push port.
            String r = "metrics.reporter.push" + port + ".";
            conf.setString(r + "factory.class", "org.apache.flink.metrics.prometheus.PrometheusPushGatewayReporterFactory");
            conf.setString(r + "hostUrl", "http://127.0.0.1:" + port);
            conf.setString(r + "jobName", REPORTER_JOB);
            conf.setString(r + "randomJobNameSuffix", "false");
            conf.setString(r + "deleteOnShutdown", "true");
            conf.setString(r + "interval", "1 SECONDS");
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.addSource(new CountThenIdle()).name("Numbers").map(x -> x * 2).name("Double").addSink(new DiscardingSink<>()).name("Drop");
        StreamGraph sg = env.getStreamGraph();
        sg.setJobName(FLINK_JOB);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf).setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(1).build());
        try {
            cluster.start();
            cluster.submitJob(sg.getJobGraph()).get();
            return cluster;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /** Emits {@link #RECORDS} numbers, then idles until cancelled, so the record counters end fixed while the job runs. */
    @SuppressWarnings("deprecation")
    static final class CountThenIdle implements SourceFunction<Long> {
        private volatile boolean running = true;

        @Override
        public void run(SourceContext<Long> ctx) throws Exception {
            for (long i = 0; i < RECORDS && running; i++) {
                synchronized (ctx.getCheckpointLock()) {
                    ctx.collect(i);
                }
            }
            while (running) {
                Thread.sleep(100);
            }
        }

        @Override
        public void cancel() {
            running = false;
        }
    }

    private JsonNode result(String base, String q, String t) throws Exception {
        JsonNode r = api.get(base, "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&time=" + t);
        return r.get("data").get("result");
    }

    /** Per series of the instant query {@code q} at {@code t}, its value. */
    private Map<String, String> query(String base, String q, String t) throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (JsonNode s : result(base, q, t)) {
            out.put(ScrapeComparison.sorted(s.get("metric")), s.get("value").get(1).asText());
        }
        return out;
    }

    /** Grafana's {@code label_values(flink_taskmanager_job_task_numRecordsIn, name)}. */
    private TreeSet<String> labelValues(String base, String name) throws Exception {
        TreeSet<String> out = new TreeSet<>();
        for (JsonNode n : api.get(base, "/api/v1/label/" + name + "/values?match[]="
                + URLEncoder.encode("flink_taskmanager_job_task_numRecordsIn", StandardCharsets.UTF_8)).get("data")) {
            out.add(n.asText());
        }
        assertTrue(out.contains(FLINK_JOB), out::toString);
        return out;
    }

    private JsonNode target(String base, String job) throws Exception {
        for (JsonNode t : api.get(base, "/api/v1/targets").get("data").get("activeTargets")) {
            if (t.get("scrapePool").asText().equals(job)) {
                return t;
            }
        }
        throw new AssertionError(base + " has no target of job " + job);
    }

    private void awaitSelfRecognised(String base) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (!target(base, "pushgateway").get("lastError").asText().equals(SelfScrape.MESSAGE)) {
            assertTrue(System.nanoTime() < deadline, base + ": its own push port not recognised in 60 s: " + target(base, "pushgateway"));
            Thread.sleep(250);
        }
    }

    /** Waits up to 90 s until the instant query {@code q} (now) gives exactly one series whose value is {@code want}. */
    private void awaitValue(String base, String q, String want) throws Exception {
        long deadline = System.nanoTime() + 90_000_000_000L;
        Map<String, String> last = Map.of();
        while (System.nanoTime() < deadline) {
            last = query(base, q, String.format("%.3f", System.currentTimeMillis() / 1000.0));
            if (last.size() == 1 && last.values().iterator().next().equals(want)) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(base + ": " + q + " is not " + want + " after 90 s: " + last);
    }
}
