package dev.vigil.bench.jmh;

import dev.vigil.bench.flink.ByteSink;
import dev.vigil.bench.flink.Cluster;
import dev.vigil.bench.flink.ClusterSpec;
import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.ParseSink;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.Labels;
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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The push parser on one TaskManager's push (~2,100 series, ~970 KB). {@code fresh} rotates
 * over bodies of successive pushes (values differ, series repeat, as in production); the aux
 * counters give bytes/s and samples/s next to pushes/s. {@code cold} shows the cost without the
 * parser's series cache (the first push of a group, or a parser per request).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TextParseBench {
    @Param({"1.20", "2.3"})
    public String flinkVersion;

    /** {@code warm}: one parser for all pushes (its series cache hits); {@code cold}: a new parser per push. */
    @Param({"warm", "cold"})
    public String cache;

    private byte[][] bodies;
    private int next;
    private TextParser parser;
    private Counting sink;

    /** Bytes and samples parsed, reported per second. */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class Throughput {
        public long bytes;
        public long samples;

        @Setup(Level.Iteration)
        public void clear() {
            bytes = 0;
            samples = 0;
        }
    }

    static final class Counting implements ParseSink {
        Blackhole bh;
        long samples;

        @Override
        public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
            bh.consume(labels);
            bh.consume(value);
            samples++;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        long t0 = 1_795_591_000_000L;
        Cluster c = new Cluster(ClusterSpec.defaults(1).withVersion(dev.vigil.bench.flink.FlinkVersion.parse(flinkVersion)), t0);
        bodies = new byte[16][];
        ByteSink sink = new ByteSink(1 << 20);
        for (int i = 0; i < bodies.length; i++) {
            c.advance(1, t0 + (i + 1) * 10_000L);
            c.reporters().get(1).render(sink);
            bodies[i] = sink.toByteArray();
        }
        parser = new TextParser();
        this.sink = new Counting();
    }

    @Benchmark
    public void parsePush(Throughput tp, Blackhole bh) throws ExpositionException {
        byte[] body = bodies[next];
        next = (next + 1) & (bodies.length - 1);
        sink.bh = bh;
        long before = sink.samples;
        TextParser parser = cache.equals("cold") ? new TextParser() : this.parser;
        parser.parse(body, 0, body.length, sink);
        tp.bytes += body.length;
        tp.samples += sink.samples - before;
    }
}
