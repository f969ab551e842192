package dev.vigil.bench;

import dev.vigil.bench.flink.ByteSink;
import dev.vigil.bench.flink.Cluster;
import dev.vigil.bench.flink.Family;
import dev.vigil.bench.flink.Reporter;
import dev.vigil.bench.flink.SimSeries;
import dev.vigil.bench.load.Http;
import dev.vigil.bench.load.Loopback;
import dev.vigil.bench.load.Report;
import dev.vigil.bench.load.Stats;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Writes hours of simulated history with explicit timestamps: to an import URL, an import body file or an OpenMetrics file. */
@Command(name = "backfill", mixinStandardHelpOptions = true,
        description = "Writes N hours of the cluster's history with timestamps: POSTed to <url>/api/v1/import/prometheus (text format, ms timestamps), "
                + "as one such body in a file (--text, time-ordered; for a single-request import with curl), "
                + "or as an OpenMetrics file for 'promtool tsdb create-blocks-from openmetrics'.")
final class BackfillCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Mixin
    TargetOptions target = new TargetOptions();

    @Option(names = "--url", description = "Base URL of a store with /api/v1/import/prometheus (loopback only).")
    String url;

    @Option(names = "--import-path", defaultValue = "/api/v1/import/prometheus", description = "Import route. Default: ${DEFAULT-VALUE}")
    String importPath;

    @Option(names = "--openmetrics", description = "Write an OpenMetrics file here instead of POSTing.")
    Path openMetrics;

    @Option(names = "--text", description = "Write the whole import body (text format, ms timestamps, time-ordered) here instead of POSTing.")
    Path text;

    @Option(names = "--hours", defaultValue = "2", description = "Hours of history, ending at --end. Default: ${DEFAULT-VALUE}")
    double hours;

    @Option(names = "--end", description = "End as Unix seconds (default: now).")
    Long end;

    @Option(names = "--interval", defaultValue = "PT10S", description = "Reporter interval between samples. Default: ${DEFAULT-VALUE}")
    Duration interval;

    @Option(names = "--part-hours", defaultValue = "0",
            description = "With --openmetrics: write a folder of OpenMetrics files, one per this many hours (aligned to multiples of it since the epoch), "
                    + "each named part-<start seconds>.om once complete, so a consumer can turn each into blocks and delete it. 0 = one file. Default: ${DEFAULT-VALUE}")
    int partHours;

    @Option(names = "--parts-ahead", defaultValue = "2",
            description = "With --part-hours: wait while this many complete parts are still in the folder (bounds the disk used). Default: ${DEFAULT-VALUE}")
    int partsAhead;

    @Option(names = "--parts-from", defaultValue = "0",
            description = "With --part-hours: parts starting before this Unix second are simulated but not written (to resume). Default: ${DEFAULT-VALUE}")
    long partsFrom;

    @Option(names = "--batch-bytes", defaultValue = "4000000", description = "Approximate body size per import request. Default: ${DEFAULT-VALUE}")
    int batchBytes;

    @Override
    public Integer call() throws Exception {
        if ((url == null ? 0 : 1) + (openMetrics == null ? 0 : 1) + (text == null ? 0 : 1) != 1) {
            throw new IllegalArgumentException("give exactly one of --url, --text and --openmetrics");
        }
        if (hours <= 0 || hours > 24 * 400) {
            throw new IllegalArgumentException("hours must be in (0, 9600]");
        }
        long endMs = (end != null ? end * 1000 : System.currentTimeMillis()) / 1000 * 1000;
        long stepMs = interval.toMillis();
        long steps = (long) (hours * 3_600_000 / stepMs);
        long startMs = endMs - steps * stepMs;
        Cluster c = new Cluster(cluster.spec(), startMs - stepMs);
        int series = 0;
        for (Reporter r : c.reporters()) {
            series += r.sampleCount();
        }
        System.out.printf("backfill: %d processes, %d series, %d steps of %s (%.1f h) = %d samples%n",
                c.reporters().size(), series, steps, interval, hours, steps * series);
        if (text != null) {
            return toText(c, startMs, stepMs, steps);
        }
        if (openMetrics != null && partHours > 0) {
            return toOpenMetricsParts(c, startMs, stepMs, steps);
        }
        if (openMetrics != null) {
            Path tmp = Files.createTempDirectory("vigil-backfill");
            try {
                long t0 = System.nanoTime();
                long samples = writeOpenMetrics(c, startMs, stepMs, 0, steps, openMetrics, tmp, t0);
                System.out.printf("wrote %s: %d samples, %.1f MiB in %.1f s%n", openMetrics, samples, Files.size(openMetrics) / 1048576.0,
                        (System.nanoTime() - t0) / 1e9);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return 0;
        }
        return toImport(c, startMs, stepMs, steps);
    }

    private int toText(Cluster c, long startMs, long stepMs, long steps) throws IOException {
        long t0 = System.nanoTime();
        ByteSink buf = new ByteSink(4 << 20);
        long samples = 0;
        try (OutputStream out = Files.newOutputStream(text)) {
            for (long i = 0; i < steps; i++) {
                long t = startMs + i * stepMs;
                c.advanceAll(t);
                for (Reporter r : c.reporters()) {
                    r.renderTimestamped(buf, t);
                    samples += r.sampleCount();
                    if (buf.length() >= 2 << 20) {
                        out.write(buf.array(), 0, buf.length());
                        buf.reset();
                    }
                }
            }
            out.write(buf.array(), 0, buf.length());
        }
        System.out.printf("wrote %s: %d samples, %.1f MiB in %.1f s%n", text, samples, Files.size(text) / 1048576.0,
                (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private int toImport(Cluster c, long startMs, long stepMs, long steps) throws InterruptedException {
        URI base = Loopback.check(url);
        URI uri = URI.create(base + importPath);
        Stats stats = new Stats();
        Report report = new Report(System.out, "backfill", target.label == null ? base.toString() : target.label, target.probe());
        Http http = new Http(target.timeout);
        ByteSink batch = new ByteSink(batchBytes + (1 << 20));
        long batchSamples = 0;
        long nextProgress = System.nanoTime() + target.progress.toNanos();
        for (long i = 0; i < steps; i++) {
            long t = startMs + i * stepMs;
            c.advanceAll(t);
            for (Reporter r : c.reporters()) {
                r.renderTimestamped(batch, t);
                batchSamples += r.sampleCount();
                if (batch.length() >= batchBytes) {
                    post(http, uri, batch, batchSamples, stats);
                    batchSamples = 0;
                }
            }
            if (System.nanoTime() >= nextProgress) {
                report.progress(stats);
                nextProgress += target.progress.toNanos();
            }
        }
        if (batch.length() > 0) {
            post(http, uri, batch, batchSamples, stats);
        }
        report.finish(stats);
        return stats.errors() == 0 ? 0 : 1;
    }

    private static void post(Http http, URI uri, ByteSink batch, long samples, Stats stats) {
        long t0 = System.nanoTime();
        Http.Answer a = http.send("POST", uri, batch.array(), batch.length(), Http.TEXT_004);
        stats.record(System.nanoTime() - t0, a.status(), samples, batch.length());
        stats.noteError(a.status(), a.body());
        if (a.status() < 200 || a.status() >= 300) {
            System.out.println("import answered " + a.status() + ": " + a.body());
        }
        batch.reset();
    }

    /**
     * Parts of --part-hours each, aligned to multiples of it, written as part-&lt;start s&gt;.om.tmp and
     * renamed when complete; the writer waits while --parts-ahead complete parts are unconsumed.
     */
    private int toOpenMetricsParts(Cluster c, long startMs, long stepMs, long steps) throws IOException, InterruptedException {
        Files.createDirectories(openMetrics);
        long partMs = partHours * 3_600_000L;
        long t0 = System.nanoTime();
        long samples = 0;
        int parts = 0;
        for (long i = 0; i < steps; ) {
            long t = startMs + i * stepMs;
            long partStart = Math.floorDiv(t, partMs) * partMs;
            long to = Math.min(steps, Math.floorDiv(partStart + partMs - startMs + stepMs - 1, stepMs));
            if (partStart < partsFrom * 1000) {
                for (long k = i; k < to; k++) {
                    c.advanceAll(startMs + k * stepMs);
                }
                i = to;
                continue;
            }
            while (pendingParts() >= partsAhead) {
                Thread.sleep(500);
            }
            Path tmpFile = openMetrics.resolve("part-" + partStart / 1000 + ".om.tmp");
            Path tmpDir = Files.createTempDirectory(openMetrics, "families");
            try {
                samples += writeOpenMetrics(c, startMs, stepMs, i, to, tmpFile, tmpDir, t0);
            } finally {
                Files.deleteIfExists(tmpDir);
            }
            Files.move(tmpFile, openMetrics.resolve("part-" + partStart / 1000 + ".om"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            parts++;
            i = to;
        }
        System.out.printf("wrote %d parts to %s: %d samples in %.1f s%n", parts, openMetrics, samples, (System.nanoTime() - t0) / 1e9);
        return 0;
    }

    private long pendingParts() throws IOException {
        try (var files = Files.list(openMetrics)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".om")).count();
        }
    }

    /**
     * Steps [from, to) as one OpenMetrics file. OpenMetrics forbids interleaving families, so each
     * family's lines go to a file in tmp first and the files are joined at the end. Labels lose the
     * reporter's trailing comma, and timestamps are seconds.
     */
    private static long writeOpenMetrics(Cluster c, long startMs, long stepMs, long from, long to, Path file, Path tmp, long t0) throws IOException {
        Map<String, OutputStream> parts = new LinkedHashMap<>();
        Map<String, byte[]> headers = new LinkedHashMap<>();
        long samples = 0;
        try {
            StringBuilder line = new StringBuilder(512);
            for (long i = from; i < to; i++) {
                long t = startMs + i * stepMs;
                c.advanceAll(t);
                String ts = (t / 1000) + (t % 1000 == 0 ? "" : String.format(".%03d", t % 1000));
                for (Reporter r : c.reporters()) {
                    for (Family f : r.families()) {
                        OutputStream os = parts.get(f.fullName());
                        if (os == null) {
                            os = new BufferedOutputStream(Files.newOutputStream(tmp.resolve("f" + parts.size())), 1 << 16);
                            parts.put(f.fullName(), os);
                            headers.put(f.fullName(), ("# HELP " + f.fullName() + " " + help(f) + "\n# TYPE " + f.fullName() + " " + f.type() + "\n")
                                    .getBytes(StandardCharsets.UTF_8));
                        }
                        for (SimSeries s : f.series()) {
                            String p = new String(s.prefix(), StandardCharsets.UTF_8);
                            line.setLength(0);
                            line.append(p, 0, p.length() - 3).append(",job=\"").append(r.groupJob()).append("\"} ").append(s.value()).append(' ').append(ts).append('\n');
                            os.write(line.toString().getBytes(StandardCharsets.UTF_8));
                            samples++;
                        }
                    }
                }
                if (i % 360 == 0) {
                    System.out.printf("[%6.1fs] backfill: step %d, %d samples%n", (System.nanoTime() - t0) / 1e9, i, samples);
                }
            }
            for (OutputStream os : parts.values()) {
                os.close();
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
                int k = 0;
                for (Map.Entry<String, byte[]> e : headers.entrySet()) {
                    out.write(e.getValue());
                    Files.copy(tmp.resolve("f" + k++), out);
                }
                out.write("# EOF\n".getBytes(StandardCharsets.US_ASCII));
            }
        } finally {
            for (OutputStream os : parts.values()) {
                os.close();
            }
            try (var files = Files.list(tmp)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return samples;
    }

    private static String help(Family f) {
        String name = f.fullName();
        String[] header = new String(f.headerBytes(), StandardCharsets.UTF_8).split("\n")[0].split(" ", 4);
        return header.length == 4 ? header[3] : name;
    }
}
