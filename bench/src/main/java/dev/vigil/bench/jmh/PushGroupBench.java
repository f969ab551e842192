package dev.vigil.bench.jmh;

import dev.vigil.bench.flink.ByteSink;
import dev.vigil.bench.flink.Cluster;
import dev.vigil.bench.flink.ClusterSpec;
import dev.vigil.bench.flink.Reporter;
import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.Ingest;
import dev.vigil.ingest.IngestException;
import dev.vigil.ingest.StoreIngest;
import dev.vigil.ingest.push.PushBody;
import dev.vigil.ingest.push.PushException;
import dev.vigil.ingest.push.PushGroups;
import dev.vigil.ingest.push.PushOptions;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The CPU of one warm push group push without HTTP: a TaskManager's PUT body (~2,120 series,
 * ~0.97 MB of reporter text) parsed, checked against its group and every other group, and
 * committed to the real store (WAL + head) in a temporary folder, exactly the calls the push
 * route makes. One operation is one push; pushes rotate over {@code groups} TaskManagers, each
 * with its own values per push. {@code cache=group} pushes through the {@link Ingest} facade,
 * which parses with the group's own series cache (what the server does); {@code cache=thread}
 * parses with the parser's own (one per thread, as before) and pushes to the groups directly.
 * The WAL's fsync is skipped ({@code fsync=false}) so the figure is the CPU per push, not the
 * disk's latency. Aux counters: samples/s, and the benchmark thread's CPU time per sample
 * ({@code cpuNsPerSample}, from the thread's CPU clock), which stays meaningful on a loaded
 * machine where wall-clock throughput does not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Dchronicle.analytics.disable=true", "-Dchronicle.announcer.disable=true",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED", "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED",
        "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED"})
public class PushGroupBench {
    private static final int STEPS = 4;

    @Param({"20"})
    public int groups;

    @Param({"group", "thread"})
    public String cache;

    @Param({"false"})
    public boolean fsync;

    private Path dir;
    private Db db;
    private PushGroups pushGroups;
    private Ingest ingest;
    private TextParser parser;
    private Labels[] keys;
    /** Per group, STEPS successive bodies. */
    private byte[][][] bodies;
    private int[] sampleCounts;
    private long op;
    /** Reused as the server's worker threads reuse theirs. */
    private PushBody reused;

    /** Samples acknowledged, per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Counter {
        public long samples;

        @Setup(Level.Iteration)
        public void clear() {
            samples = 0;
        }
    }

    /**
     * CPU time spent, summed over iterations: of the benchmark thread ({@code threadCpuUs}) and
     * of the whole JVM including GC ({@code processCpuUs}); divide by {@code samplesDone}.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Cpu {
        private static final java.lang.management.ThreadMXBean THREADS = java.lang.management.ManagementFactory.getThreadMXBean();
        private static final com.sun.management.OperatingSystemMXBean OS =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        private long threadStart;
        private long processStart;
        public long threadCpuUs;
        public long processCpuUs;
        public long samplesDone;

        @Setup(Level.Iteration)
        public void start() {
            threadStart = THREADS.getCurrentThreadCpuTime();
            processStart = OS.getProcessCpuTime();
            threadCpuUs = 0;
            processCpuUs = 0;
            samplesDone = 0;
        }

        void add(int samples) {
            samplesDone += samples;
            threadCpuUs = (THREADS.getCurrentThreadCpuTime() - threadStart) / 1000;
            processCpuUs = (OS.getProcessCpuTime() - processStart) / 1000;
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        long t0 = System.currentTimeMillis();
        Cluster c = new Cluster(ClusterSpec.defaults(groups), t0);
        List<Reporter> reps = c.reporters();
        keys = new Labels[groups];
        bodies = new byte[groups][STEPS][];
        sampleCounts = new int[groups];
        ByteSink sink = new ByteSink(1 << 20);
        for (int g = 0; g < groups; g++) {
            Reporter r = reps.get(g + 1); // 0 is the JobManager
            keys[g] = Labels.of("job", r.groupJob());
            sampleCounts[g] = r.sampleCount();
            for (int s = 0; s < STEPS; s++) {
                c.advance(g + 1, t0 + (s + 1) * 10_000L);
                r.render(sink);
                bodies[g][s] = sink.toByteArray();
            }
        }
        dir = Files.createTempDirectory("vigil-push-bench");
        DbOptions.Builder o = DbOptions.builder(dir);
        if (!fsync) {
            o.io(FileIo.WITHOUT_FSYNC);
        }
        db = Db.open(o.build());
        pushGroups = new PushGroups(db, PushOptions.defaults(), System::currentTimeMillis);
        ingest = new StoreIngest(db, pushGroups);
        parser = new TextParser();
        reused = new PushBody(pushGroups.options());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        ingest.close();
        db.close();
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Benchmark
    public void push(Counter c, Cpu cpu) throws IOException, ExpositionException, PushException, IngestException {
        int g = (int) (op % groups);
        byte[] body = bodies[g][(int) ((op / groups) % STEPS)];
        op++;
        if (cache.equals("group")) {
            ingest.push(new Ingest.Push(keys[g], Ingest.Method.PUT, body, body.length, "text/plain; version=0.0.4"));
        } else {
            PushBody pb = reused;
            pb.reset();
            parser.parse(body, 0, body.length, pb);
            pushGroups.push(keys[g], true, pb);
        }
        c.samples += sampleCounts[g];
        cpu.add(sampleCounts[g]);
    }
}
