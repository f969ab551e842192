package dev.vigil.server.rules;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.DiscardingSink;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * A Flink MiniCluster with the real PushGateway reporter (1 s interval, random job suffix) pushing
 * to a Vigil, running the job {@code vigil_restart_job} whose operator throws while {@link #FAILING}
 * is set, so the fixed-delay restart strategy restarts it and {@code numRestarts} climbs.
 */
final class RestartingFlinkJob implements AutoCloseable {
    static final String JOB_NAME = "vigil_restart_job";
    /**
     * Read by the operator inside the MiniCluster: a job without user jars resolves its classes
     * through the test's class loader, so this is the same static the test flips.
     */
    static final AtomicBoolean FAILING = new AtomicBoolean();

    private final MiniCluster cluster;

    private RestartingFlinkJob(MiniCluster cluster) {
        this.cluster = cluster;
    }

    /** Starts the cluster pushing to {@code vigilBase} and submits the job, failing from the start. */
    @SuppressWarnings("deprecation")
    static RestartingFlinkJob start(String vigilBase) throws Exception {
        FAILING.set(true);
        Configuration conf = new Configuration();
        String r = "metrics.reporter.promgateway.";
        conf.setString(r + "factory.class", "org.apache.flink.metrics.prometheus.PrometheusPushGatewayReporterFactory");
        conf.setString(r + "hostUrl", vigilBase);
        conf.setString(r + "jobName", "vigilrestart");
        conf.setString(r + "randomJobNameSuffix", "true");
        conf.setString(r + "deleteOnShutdown", "true");
        conf.setString(r + "interval", "1 SECONDS");
        conf.setString("restart-strategy.type", "fixed-delay");
        conf.setString("restart-strategy.fixed-delay.attempts", String.valueOf(Integer.MAX_VALUE));
        conf.setString("restart-strategy.fixed-delay.delay", "500 ms");

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.setParallelism(1);
        env.fromSequence(0, Long.MAX_VALUE).name("Numbers").map(x -> {
            if (FAILING.get()) {
                throw new IllegalStateException("deliberate failure to make the job restart");
            }
            Thread.sleep(1);
            return x;
        }).name("Maybe Fail").addSink(new DiscardingSink<>()).name("Drop");
        StreamGraph sg = env.getStreamGraph();
        sg.setJobName(JOB_NAME);
        MiniCluster cluster = new MiniCluster(new MiniClusterConfiguration.Builder().setConfiguration(conf)
                .setNumTaskManagers(1).setNumSlotsPerTaskManager(1).build());
        try {
            cluster.start();
            cluster.submitJob(sg.getJobGraph()).get();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new RestartingFlinkJob(cluster);
    }

    @Override
    public void close() throws Exception {
        FAILING.set(false);
        cluster.close();
    }
}
