package dev.vigil.bench;

import dev.vigil.bench.flink.ByteSink;
import dev.vigil.bench.flink.Cluster;
import dev.vigil.bench.flink.Reporter;
import dev.vigil.bench.load.Http;
import dev.vigil.bench.load.PushTarget;
import dev.vigil.bench.load.RawHttp;
import dev.vigil.bench.load.RemoteWriteBody;
import dev.vigil.bench.load.Report;
import dev.vigil.bench.load.Stats;
import dev.vigil.bench.load.Workload;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Pushes flat out: C concurrent pushers cycle over the processes' groups for a bounded time. */
@Command(name = "flood", mixinStandardHelpOptions = true,
        description = "C concurrent pushers PUT the processes' registries back to back (round robin over groups, values advanced to the wall clock each push) for a bounded time.")
final class FloodCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    TargetOptions target = new TargetOptions();

    @Mixin
    PushOptions push = new PushOptions();

    @Option(names = {"-c", "--concurrency"}, defaultValue = "4", description = "Concurrent pushers. Default: ${DEFAULT-VALUE}")
    int concurrency;

    @Option(names = {"-d", "--duration"}, defaultValue = "PT30S", description = "How long to push. Default: ${DEFAULT-VALUE}")
    Duration duration;

    @Option(names = "--max-requests", defaultValue = "1000000", description = "Stop after this many pushes. Default: ${DEFAULT-VALUE}")
    long maxRequests;

    @Option(names = "--prerendered", defaultValue = "0", description = "Render N bodies per process before the run (values advanced by a 10 s interval each) and cycle through them, so the generator's CPU goes to sending only; values repeat every N pushes. 0 renders every push from the registry. Default: ${DEFAULT-VALUE}")
    int prerendered;

    @Option(names = "--remote-write", description = "Send each process's samples as a remote write 1.0 request (snappy protobuf, one sample per series at the push time, job=<group> added) to this path, e.g. /api/v1/write, instead of pushing its text.")
    String remoteWritePath;

    @Override
    public Integer call() throws Exception {
        URI base = push.base();
        PushTarget to = new PushTarget(base, push.pathPrefix, push.importPath);
        if (concurrency < 1 || concurrency > 256) {
            throw new IllegalArgumentException("concurrency must be in [1, 256]");
        }
        Cluster c = new Cluster(cluster.spec(), System.currentTimeMillis());
        List<Reporter> reps = c.reporters();
        ByteSink[] sinks = new ByteSink[concurrency];
        RemoteWriteBody[] writes = new RemoteWriteBody[concurrency];
        for (int w = 0; w < concurrency; w++) {
            sinks[w] = new ByteSink(1 << 20);
            writes[w] = new RemoteWriteBody();
        }
        URI remoteWrite = remoteWritePath == null ? null : URI.create(base + remoteWritePath);
        System.out.printf("flood: %d pushers over %d groups to %s for %s%s%n", concurrency, reps.size(), base, duration,
                remoteWrite == null ? "" : " as remote write to " + remoteWrite);
        Stats stats = new Stats();
        Report report = new Report(System.out, "flood", target.label == null ? base.toString() : target.label, target.probe());
        javax.net.ssl.SSLContext tls = push.tls();
        Http http = new Http(target.timeout, tls);
        RawHttp[] conns = new RawHttp[concurrency];
        for (int w = 0; w < concurrency; w++) {
            conns[w] = new RawHttp(target.timeout, tls == null ? null : tls.getSocketFactory());
        }
        String[] pushHeaders = push.headers(Http.FLINK_ACCEPT);
        String[] writeHeaders = push.headers(Http.REMOTE_WRITE_HEADERS);
        // The generator shares the machine with the target: rendering ~1 MB of text per push costs
        // about a third of the target's CPU per sample, so it can render up front instead.
        byte[][][] bodies = null;
        int[] pushes = new int[reps.size()];
        if (prerendered > 0 && remoteWrite == null) {
            bodies = new byte[reps.size()][prerendered][];
            long t = System.currentTimeMillis();
            ByteSink s = new ByteSink(1 << 20);
            for (int k = 0; k < prerendered; k++) {
                for (int i = 0; i < reps.size(); i++) {
                    c.advance(i, t + k * 10_000L);
                    reps.get(i).render(s);
                    bodies[i][k] = java.util.Arrays.copyOf(s.array(), s.length());
                }
            }
        }
        byte[][][] prepared = bodies;
        AtomicLong next = new AtomicLong();
        Workload.run(concurrency, duration, maxRequests, target.progress, stats, report, System.out, w -> {
            int i = (int) (next.getAndIncrement() % reps.size());
            Reporter r = reps.get(i);
            ByteSink sink = sinks[w];
            int samples;
            RemoteWriteBody rw = writes[w];
            byte[] body = null;
            synchronized (r) {
                if (prepared != null) {
                    body = prepared[i][pushes[i]++ % prepared[i].length];
                } else {
                    long now = System.currentTimeMillis();
                    c.advance(i, now);
                    if (remoteWrite != null) {
                        rw.render(r, now);
                    } else {
                        r.render(sink);
                    }
                }
                samples = r.sampleCount();
            }
            long t0 = System.nanoTime();
            Http.Answer a;
            int bytes;
            if (remoteWrite != null) {
                a = conns[w].send("POST", remoteWrite, rw.array(), rw.length(), Http.PROTOBUF, writeHeaders);
                bytes = rw.length();
            } else if (body != null) {
                a = conns[w].send(to.method(), to.push(r.path(), r.groupJob()), body, body.length, Http.TEXT_004, pushHeaders);
                bytes = body.length;
            } else {
                a = conns[w].send(to.method(), to.push(r.path(), r.groupJob()), sink.array(), sink.length(), Http.TEXT_004, pushHeaders);
                bytes = sink.length();
            }
            stats.record(System.nanoTime() - t0, a.status(), samples, bytes);
            stats.noteError(a.status(), a.body());
            return true;
        });
        for (RawHttp r : conns) {
            r.close();
        }
        int deleteFailures = remoteWrite == null ? push.deleteGroups(reps, to, http) : 0;
        report.finish(stats);
        return stats.errors() == 0 && deleteFailures == 0 ? 0 : 1;
    }
}
