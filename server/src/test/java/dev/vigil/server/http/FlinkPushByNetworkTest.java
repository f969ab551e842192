package dev.vigil.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.SecuredServer;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flink 1.20's PushGateway reporter, which cannot send credentials, pushing to a Vigil whose read
 * and admin routes need passwords: accepted from a network the roles file lets push, refused from
 * anywhere else.
 */
class FlinkPushByNetworkTest {
    private static final String METRIC = "flink_taskmanager_job_task_operator_numRecordsIn";
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void pushesFromTheAllowedNetworkArriveAndOthersAreRefused(@TempDir Path dir) throws Exception {
        String allowed = SecuredServer.ROLES + "networks:\n  push: [127.0.0.0/8]\n";
        try (SecuredServer s = SecuredServer.start(java.nio.file.Files.createDirectories(dir.resolve("a")),
                SecuredServer.webConfig(""), allowed, client)) {
            assertTrue(runCluster(s, 40_000, () -> query(s).contains("\"job_name\":\"vigil_net_job\"")),
                    "the reporter's pushes were stored");
            assertEquals(401, s.call("web", "GET", "/api/v1/query?query=up", null).statusCode(), "reading still needs a password");
        }
        String elsewhere = SecuredServer.ROLES + "networks:\n  push: [10.99.0.0/16]\n";
        try (SecuredServer s = SecuredServer.start(java.nio.file.Files.createDirectories(dir.resolve("b")),
                SecuredServer.webConfig(""), elsewhere, client)) {
            runCluster(s, 8_000, () -> false);
            // The reporter deletes its group on shutdown; a refused push left nothing to delete either.
            assertTrue(query(s).contains("\"result\":[]"), "nothing was stored: " + query(s));
            String metrics = s.call("web", "GET", "/metrics", SecuredServer.basic("reader", "reader-pw")).body();
            assertTrue(Pattern.compile("code=\"401\"} [1-9]").matcher(metrics).find(), "the pushes were answered 401");
        }
    }

    private String query(SecuredServer s) throws Exception {
        return s.call("web", "GET", "/api/v1/query?query=" + METRIC, SecuredServer.basic("reader", "reader-pw")).body();
    }

    interface Done {
        boolean done() throws Exception;
    }

    @SuppressWarnings("deprecation")
    private static boolean runCluster(SecuredServer s, long maxMs, Done done) throws Exception {
        Configuration conf = new Configuration();
        String r = "metrics.reporter.promgateway.";
        conf.setString(r + "factory.class", "org.apache.flink.metrics.prometheus.PrometheusPushGatewayReporterFactory");
        conf.setString(r + "hostUrl", s.base("push"));
        conf.setString(r + "jobName", "vigilnet");
        conf.setString(r + "interval", "1 SECONDS");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.fromSequence(0, Long.MAX_VALUE).name("Numbers").map(x -> {
            Thread.sleep(1);
            return x;
        }).addSink(new DiscardingSink<>());
        org.apache.flink.streaming.api.graph.StreamGraph sg = env.getStreamGraph();
        sg.setJobName("vigil_net_job");
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf).setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(1).build());
        try {
            cluster.start();
            cluster.submitJob(sg.getJobGraph()).get();
            long end = System.currentTimeMillis() + maxMs;
            while (System.currentTimeMillis() < end) {
                if (done.done()) {
                    return true;
                }
                Thread.sleep(250);
            }
            return false;
        } finally {
            cluster.close();
        }
    }
}
