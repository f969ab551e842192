import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.Properties;

/**
 * Run by FlinkReporterBasicAuthTest in a JVM of its own, with a Flink release's reporter jars on
 * the class path (a release the test module's Flink cannot share a class path with): configures
 * PrometheusPushGatewayReporter as flink-conf would, adds one gauge, reports once.
 * Arguments: hostUrl [username password]. Everything is reached by reflection, so this file
 * compiles against no Flink version.
 */
public class FlinkPushOnce {
    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.setProperty("hostUrl", args[0]);
        p.setProperty("jobName", "flinkauth");
        p.setProperty("randomJobNameSuffix", "false");
        p.setProperty("deleteOnShutdown", "false");
        p.setProperty("groupingKey", "cluster=c1");
        if (args.length > 2) {
            p.setProperty("username", args[1]);
            p.setProperty("password", args[2]);
        }
        // Flink hands the factory a MetricConfig (a Properties) of the reporter's keys.
        Class<?> metricConfig = Class.forName("org.apache.flink.metrics.MetricConfig");
        Object cfg = metricConfig.getDeclaredConstructor().newInstance();
        ((Properties) cfg).putAll(p);
        Class<?> factoryClass = Class.forName("org.apache.flink.metrics.prometheus.PrometheusPushGatewayReporterFactory");
        Object factory = factoryClass.getDeclaredConstructor().newInstance();
        Object reporter = factoryClass.getMethod("createMetricReporter", Properties.class).invoke(factory, cfg);
        reporter.getClass().getMethod("open", metricConfig).invoke(reporter, cfg);
        ClassLoader cl = FlinkPushOnce.class.getClassLoader();
        Class<?> gauge = Class.forName("org.apache.flink.metrics.Gauge");
        Class<?> metric = Class.forName("org.apache.flink.metrics.Metric");
        Class<?> group = Class.forName("org.apache.flink.metrics.MetricGroup");
        Class<?> scoped = Class.forName("org.apache.flink.metrics.LogicalScopeProvider");
        Object g = Proxy.newProxyInstance(cl, new Class<?>[] {gauge}, (o, m, a) -> switch (m.getName()) {
            case "getValue" -> 42;
            case "hashCode" -> System.identityHashCode(o);
            case "equals" -> o == a[0];
            case "getMetricType" -> Class.forName("org.apache.flink.metrics.MetricType").getField("GAUGE").get(null);
            default -> null;
        });
        InvocationHandler groupCalls = (o, m, a) -> switch (m.getName()) {
            case "getAllVariables" -> Map.of("<host>", "tm-1", "<tm_id>", "tm-1");
            case "getLogicalScope" -> "taskmanager";
            case "getWrappedMetricGroup" -> o;
            case "getMetricIdentifier" -> "taskmanager." + a[0];
            case "hashCode" -> System.identityHashCode(o);
            case "equals" -> o == a[0];
            default -> null;
        };
        Object grp = Proxy.newProxyInstance(cl, new Class<?>[] {group, scoped}, groupCalls);
        reporter.getClass().getMethod("notifyOfAddedMetric", metric, String.class, group).invoke(reporter, g, "flinkAuthGauge", grp);
        reporter.getClass().getMethod("report").invoke(reporter);
        reporter.getClass().getMethod("close").invoke(reporter);
        System.out.println("reported");
    }
}
