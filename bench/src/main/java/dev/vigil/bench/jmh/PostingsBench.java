package dev.vigil.bench.jmh;

import dev.vigil.bench.flink.ByteSink;
import dev.vigil.bench.flink.Cluster;
import dev.vigil.bench.flink.ClusterSpec;
import dev.vigil.bench.flink.Reporter;
import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.ParseSink;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.head.Postings;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.roaringbitmap.RoaringBitmap;

/**
 * The head's postings: label matchers of the dashboard's selectors, intersected over the series
 * of {@code tms} simulated TaskManagers (473 ≈ 1 M series). Setup prints the index's heap size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx6g")
public class PostingsBench {
    @Param({"48", "473"})
    public int tms;

    /** Which selector: see {@link #selector}. */
    @Param({"name", "name+job", "name+task", "name+tm", "regex-name", "name+quantile"})
    public String selector;

    private Postings postings;
    private Matcher[] matchers;

    @Setup(Level.Trial)
    public void setUp() throws ExpositionException {
        postings = new Postings();
        Cluster c = new Cluster(ClusterSpec.defaults(tms).withRestarts(0, 0, 0), 1_795_591_000_000L);
        c.advanceAll(1_795_591_010_000L);
        TextParser parser = new TextParser();
        ByteSink sink = new ByteSink(1 << 20);
        int[] id = {0};
        String[] someTask = {null};
        String[] someTm = {null};
        for (Reporter r : c.reporters()) {
            r.render(sink);
            String job = r.groupJob();
            parser.parse(sink.array(), 0, sink.length(), new ParseSink() {
                @Override
                public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
                    Labels l = labels.toBuilder().set("job", job).build();
                    postings.add(id[0]++, l);
                    if (someTask[0] == null && l.has("task_name")) {
                        someTask[0] = l.get("task_name");
                    }
                    if (someTm[0] == null && l.has("tm_id")) {
                        someTm[0] = l.get("tm_id");
                    }
                }
            });
        }
        String name = "flink_taskmanager_job_task_numRecordsIn";
        matchers = switch (selector) {
            case "name" -> new Matcher[] {Matcher.eq("__name__", name)};
            case "name+job" -> new Matcher[] {Matcher.eq("__name__", name), Matcher.of(Matcher.Type.RE, "job_name", ".+")};
            case "name+task" -> new Matcher[] {Matcher.eq("__name__", name), Matcher.eq("task_name", someTask[0])};
            case "name+tm" -> new Matcher[] {Matcher.eq("__name__", "flink_taskmanager_Status_JVM_CPU_Load"), Matcher.eq("tm_id", someTm[0])};
            case "regex-name" -> new Matcher[] {Matcher.of(Matcher.Type.RE, "__name__", "flink_taskmanager_job_task_operator_numRecords(In|Out)")};
            case "name+quantile" -> new Matcher[] {Matcher.eq("__name__", "flink_taskmanager_job_task_mailboxLatencyMs"),
                    Matcher.of(Matcher.Type.RE, "job_name", ".+"), Matcher.eq("quantile", "0.99")};
            default -> throw new IllegalArgumentException(selector);
        };
        System.out.printf("%n%d series, postings heap %.1f MiB, selector %s -> %d series%n", id[0], postings.heapBytes() / 1048576.0,
                selector, postings.select(matchers).getCardinality());
    }

    @Benchmark
    public RoaringBitmap select() {
        return postings.select(matchers);
    }
}
