package dev.vigil.ingest.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.ingest.relabel.RelabelConfig;
import dev.vigil.ingest.relabel.Relabeling;
import dev.vigil.tsdb.Labels;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which job a push label mode takes its labels from, and the labels it gives pushed series. */
class GatewayScrapeLabelsTest {
    private static ScrapeJob job(String name, boolean honor, String address, Map<String, String> labels, List<RelabelConfig> metric) {
        return new ScrapeJob(name, 15_000, 10_000, "http", "/metrics", Map.of(), honor, true, 0, 0, Map.of(),
                List.of(new ScrapeJob.StaticGroup(List.of(address), labels)), Relabeling.of(List.of()), Relabeling.of(metric));
    }

    @Test
    void findsTheJobWhoseTargetIsThisMachinesPushPort() {
        ScrapeJob node = job("linux", false, "localhost:9100", Map.of(), List.of());
        ScrapeJob pg = job("pushgateway", false, "localhost:19091", Map.of("instance", "pushgateway"), List.of());
        assertTrue(GatewayScrapeLabels.find(List.of(node, pg), 19091).get().describe().startsWith("job pushgateway,"));
        assertTrue(GatewayScrapeLabels.find(List.of(node, pg), 19092).isEmpty(), "no target on that port");
        ScrapeJob elsewhere = job("pushgateway", false, "gateway.invalid:19091", Map.of(), List.of());
        assertTrue(GatewayScrapeLabels.find(List.of(elsewhere), 19091).isEmpty(), "a host that is not this machine");
        ScrapeJob any = job("pushgateway", false, "0.0.0.0:19091", Map.of(), List.of());
        assertTrue(GatewayScrapeLabels.find(List.of(any), 19091).isPresent());
    }

    @Test
    void honorLabelsFalseExportsThePushedJobAndSetsTheTargetsInstance() {
        GatewayScrapeLabels m = GatewayScrapeLabels.of(job("pushgateway", false, "localhost:9091",
                Map.of("instance", "pushgateway", "cluster", "prod"), List.of()), "localhost:9091", Map.of("instance", "pushgateway", "cluster", "prod"));
        Labels pushed = Labels.builder().set("__name__", "x").set("job", "flink").set("cluster", "own").build();
        assertEquals(Labels.builder().set("__name__", "x").set("job", "pushgateway").set("exported_job", "flink")
                .set("instance", "pushgateway").set("cluster", "prod").set("exported_cluster", "own").build(), m.apply(pushed));
    }

    @Test
    void honorLabelsTrueKeepsThePushedOnesAndTheEmptyInstanceKeepsTheTargetsAway() {
        Map<String, String> tl = Map.of("instance", "pushgateway", "cluster", "prod");
        GatewayScrapeLabels m = GatewayScrapeLabels.of(job("pushgateway", true, "localhost:9091", tl, List.of()), "localhost:9091", tl);
        Labels pushed = Labels.builder().set("__name__", "x").set("job", "flink").build();
        assertEquals(Labels.builder().set("__name__", "x").set("job", "flink").set("cluster", "prod").build(), m.apply(pushed));
    }

    @Test
    void metricRelabellingOfTheJobApplies() {
        ScrapeJob j = job("pushgateway", true, "localhost:9091", Map.of(),
                List.of(RelabelConfig.of("drop").withSourceLabels("__name__").withRegex("flink_.*")));
        GatewayScrapeLabels m = GatewayScrapeLabels.of(j, "localhost:9091", Map.of());
        assertNull(m.apply(Labels.builder().set("__name__", "flink_x").set("job", "f").build()));
        assertEquals("f", m.apply(Labels.builder().set("__name__", "other").set("job", "f").build()).get("job"));
    }
}
