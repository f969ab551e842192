package dev.vigil.query.rules;

import dev.vigil.query.eval.EngineOptions;
import dev.vigil.query.eval.PromEngine;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measurement (tag perf): 1,000 Flink-shaped rules (half recording, half alerting, in 10 groups)
 * over 43,000 series, evaluated round after round; prints wall and CPU time per round. Run with
 * {@code mvn -pl query -am test -Dtest=RuleCostHarness -Dgroups=perf -DexcludedGroups=none [-Drounds=30]}.
 */
@Tag("perf")
class RuleCostHarness {
    @TempDir
    Path dir;

    @Test
    void thousandRulesOverFortyThreeThousandSeries() throws Exception {
        long now = System.currentTimeMillis() / 15_000 * 15_000;
        try (Db db = Db.open(DbOptions.builder(dir).build())) {
            for (int k = 0; k < 50; k++) {
                Appender a = db.appender();
                for (int tm = 0; tm < 20; tm++) {
                    for (int task = 0; task < 43; task++) {
                        Labels l = Labels.of("__name__", "flink_m" + k, "job", "flink", "tm", "tm-" + tm, "task", "t" + task);
                        long ref = 0;
                        for (int i = 20; i >= 0; i--) {
                            ref = a.append(ref, l, now - i * 15_000L, (20 - i) * (k + 1) * 100.0 + task);
                        }
                    }
                }
                a.commit();
            }
            PromEngine engine = new PromEngine(db, EngineOptions.DEFAULT);
            List<RuleGroup> groups = new ArrayList<>();
            for (int g = 0; g < 10; g++) {
                StringBuilder y = new StringBuilder("groups:\n- name: g" + g + "\n  interval: 15s\n  rules:\n");
                for (int k = g * 5; k < g * 5 + 5; k++) {
                    String m = "flink_m" + k;
                    for (int v = 0; v < 10; v++) {
                        y.append("  - record: tm:").append(m).append(":r").append(v).append("\n    expr: ")
                                .append(v % 2 == 0 ? "sum by (tm) (rate(" + m + "[1m]))" : "max by (task) (" + m + ")").append('\n');
                        y.append("  - alert: A").append(m).append('_').append(v).append("\n    expr: ")
                                .append(v % 2 == 0 ? "rate(" + m + "[1m]) > 1e9" : m + " > 1e12").append("\n    for: 5m\n")
                                .append("    annotations: {summary: '{{ $labels.tm }} at {{ $value | humanize }}'}\n");
                    }
                }
                groups.add(new RuleGroup(RuleFiles.parse(y.toString(), "/rules/flink.yml", 15_000).get(0), engine, db,
                        RuleOptions.DEFAULT, AlertSink.NONE, true));
            }
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            int rounds = Integer.getInteger("rounds", 6);
            for (int round = 0; round < rounds; round++) {
                long ts = now + round * 15_000L;
                long cpu0 = os.getProcessCpuTime();
                long t0 = System.nanoTime();
                double maxGroup = 0;
                for (RuleGroup g : groups) {
                    g.evaluate(ts);
                    maxGroup = Math.max(maxGroup, g.lastDurationSeconds());
                }
                System.out.printf("round %d: %.1f ms wall, %.1f ms process CPU for 1000 rules; slowest group %.1f ms%n", round,
                        (System.nanoTime() - t0) / 1e6, (os.getProcessCpuTime() - cpu0) / 1e6, maxGroup * 1000);
            }
        }
    }
}
