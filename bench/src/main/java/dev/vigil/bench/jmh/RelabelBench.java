package dev.vigil.bench.jmh;

import dev.vigil.ingest.relabel.RelabelConfig;
import dev.vigil.ingest.relabel.Relabeler;
import dev.vigil.ingest.relabel.Relabeling;
import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * {@code metric_relabel_configs} over node_exporter-shaped series (cpu, filesystem, network,
 * memory, go runtime; target labels attached), one label set per operation. {@code untouched}:
 * rules that match none of them, the case a scrape must pay almost nothing for (run with
 * {@code -prof gc}: 0 B/op); {@code typical}: a usual list that drops go_* and tmpfs series,
 * drops a label and renames devices.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RelabelBench {
    @Param({"untouched", "typical"})
    public String rules;

    private Labels[] series;
    private Relabeler relabeler;
    private int next;

    @Setup
    public void setup() {
        List<Labels> out = new ArrayList<>();
        String[] target = {"instance", "tm-host-7:9100", "job", "node", "cluster", "prod"};
        for (int cpu = 0; cpu < 16; cpu++) {
            for (String mode : new String[] {"idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"}) {
                out.add(with(target, "__name__", "node_cpu_seconds_total", "cpu", Integer.toString(cpu), "mode", mode));
            }
        }
        String[][] fs = {{"/dev/sda1", "ext4", "/"}, {"/dev/sdb1", "xfs", "/data"}, {"tmpfs", "tmpfs", "/run"},
                {"tmpfs", "tmpfs", "/dev/shm"}, {"/dev/nvme0n1p1", "ext4", "/flink"}};
        for (String name : new String[] {"node_filesystem_avail_bytes", "node_filesystem_size_bytes", "node_filesystem_files"}) {
            for (String[] f : fs) {
                out.add(with(target, "__name__", name, "device", f[0], "fstype", f[1], "mountpoint", f[2]));
            }
        }
        for (String dev : new String[] {"eth0", "eth1", "lo", "docker0"}) {
            for (String name : new String[] {"node_network_receive_bytes_total", "node_network_transmit_bytes_total"}) {
                out.add(with(target, "__name__", name, "device", dev));
            }
        }
        for (String name : new String[] {"node_memory_MemTotal_bytes", "node_memory_MemAvailable_bytes", "node_load1",
                "node_load5", "go_goroutines", "go_memstats_alloc_bytes", "go_gc_duration_seconds"}) {
            out.add(with(target, "__name__", name));
        }
        series = out.toArray(new Labels[0]);
        List<RelabelConfig> cfg = rules.equals("untouched")
                ? List.of(RelabelConfig.of("drop").withSourceLabels("__name__").withRegex("nothing_.*"),
                        RelabelConfig.of("drop").withSourceLabels("__name__", "fstype").withRegex("node_filesystem_.*;(overlay|squashfs)"),
                        RelabelConfig.of("labeldrop").withRegex("id|uid"),
                        RelabelConfig.of("replace").withSourceLabels("device").withRegex("(sd[a-z]+)\\d*").withTargetLabel("disk"))
                : List.of(RelabelConfig.of("drop").withSourceLabels("__name__").withRegex("go_.*"),
                        RelabelConfig.of("drop").withSourceLabels("__name__", "fstype").withRegex("node_filesystem_.*;tmpfs"),
                        RelabelConfig.of("labeldrop").withRegex("cluster"),
                        RelabelConfig.of("replace").withSourceLabels("device").withRegex("/dev/(.*)").withTargetLabel("disk"));
        relabeler = Relabeling.of(cfg).relabeler();
    }

    private static Labels with(String[] target, String... kv) {
        Labels.Builder b = Labels.builder();
        for (int i = 0; i < target.length; i += 2) {
            b.set(target[i], target[i + 1]);
        }
        for (int i = 0; i < kv.length; i += 2) {
            b.set(kv[i], kv[i + 1]);
        }
        return b.build();
    }

    @Benchmark
    public void process(Blackhole bh) {
        Labels l = series[next];
        next = next + 1 == series.length ? 0 : next + 1;
        bh.consume(relabeler.process(l));
    }
}
