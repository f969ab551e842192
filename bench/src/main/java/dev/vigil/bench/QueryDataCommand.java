package dev.vigil.bench;

import dev.vigil.bench.flink.ByteSink;
import dev.vigil.bench.load.Http;
import dev.vigil.bench.load.Loopback;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The data set of the query-latency comparison: a cluster's operator series as a scraping store
 * holds them, written in time order to import URLs (ms timestamps) and/or an OpenMetrics file
 * for block creation. The same seed gives the same samples in every output.
 */
@Command(name = "query-data", mixinStandardHelpOptions = true,
        description = "Writes the query benchmark's history (N TaskManagers x 10 jobs x 5 tasks x 3 slots, 2,150 series per TaskManager) "
                + "to import URLs and/or an OpenMetrics file. The older part holds only the four queried families at --interval; "
                + "the last --recent-hours hold every series at --recent-interval.")
final class QueryDataCommand implements Callable<Integer> {
    static final String P = "flink_taskmanager_job_task_";
    static final String RECORDS_IN = P + "operator_numRecordsIn";
    static final String BACK_PRESSURE = P + "backPressuredTimeMsPerSecond";
    static final String MAILBOX = P + "mailboxLatencyMs";
    static final String WATERMARK = P + "operator_currentOutputWatermark";
    private static final String[] EXTRA = {"numRecordsOut", "numBytesIn", "numBytesOut", "numRecordsInPerSecond",
        "numRecordsOutPerSecond", "currentInputWatermark", "numLateRecordsDropped", "idleTimeMsPerSecond", "busyTimeMsPerSecond"};

    @Option(names = {"-n", "--task-managers"}, defaultValue = "20", description = "TaskManagers. Default: ${DEFAULT-VALUE}")
    int taskManagers;

    @Option(names = "--hours", defaultValue = "24", description = "Hours of history ending at --end. Default: ${DEFAULT-VALUE}")
    int hours;

    @Option(names = "--interval", defaultValue = "PT60S", description = "Scrape interval of the older history. Default: ${DEFAULT-VALUE}")
    Duration interval;

    @Option(names = "--recent-hours", defaultValue = "1", description = "Hours at the end holding every series. Default: ${DEFAULT-VALUE}")
    int recentHours;

    @Option(names = "--recent-interval", defaultValue = "PT15S", description = "Scrape interval of the recent part. Default: ${DEFAULT-VALUE}")
    Duration recentInterval;

    @Option(names = "--end", required = true, description = "End as Unix seconds (a multiple of 60 keeps the steps aligned).")
    long end;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--url", description = "Base URL with /api/v1/import/prometheus (loopback only); repeatable.")
    List<String> urls = new ArrayList<>();

    @Option(names = "--openmetrics", description = "Also write an OpenMetrics file here (for promtool).")
    Path openMetrics;

    @Option(names = "--batch-bytes", defaultValue = "4000000", description = "Body size per import request. Default: ${DEFAULT-VALUE}")
    int batchBytes;

    /** One simulated series: its text prefix and the state its next value depends on. */
    private static final class Sim {
        final String family;
        final byte[] prefix;
        final char kind;
        final boolean queried;
        final SplittableRandom rnd;
        double value;

        Sim(String family, String labels, char kind, boolean queried, long seed) {
            this.family = family;
            this.prefix = (family + "{" + labels + "} ").getBytes(StandardCharsets.UTF_8);
            this.kind = kind;
            this.queried = queried;
            this.rnd = new SplittableRandom(seed);
            this.value = kind == 'c' ? rnd.nextInt(1000) : 0;
        }

        double next(long t) {
            switch (kind) {
                case 'c' -> {
                    // Counters reset now and then (a job restart).
                    value = rnd.nextInt(150) == 0 ? rnd.nextInt(20) : value + rnd.nextInt(200);
                    return value;
                }
                case 'b' -> {
                    int r = rnd.nextInt(10);
                    return r < 4 ? 0 : r < 6 ? 1000 : r == 9 && rnd.nextInt(20) == 0 ? Double.NaN : rnd.nextInt(1001);
                }
                case 'w' -> {
                    return t - 2000 - rnd.nextInt(60_000);
                }
                default -> {
                    return Math.round(rnd.nextDouble() * 5000) / 10.0;
                }
            }
        }
    }

    private List<Sim> cluster() {
        List<Sim> out = new ArrayList<>();
        long s = seed * 1_000_003L;
        for (int tm = 0; tm < taskManagers; tm++) {
            for (int j = 0; j < 10; j++) {
                for (int task = 0; task < 5; task++) {
                    for (int slot = 0; slot < 3; slot++) {
                        String base = "job=\"flink_" + j + "\",job_name=\"job-" + j + "\",task_name=\"task-" + task + "\",subtask_index=\""
                                + (tm * 3 + slot) + "\",tm_id=\"tm-" + tm + "\",host=\"host-" + tm + "\"";
                        out.add(new Sim(RECORDS_IN, base, 'c', true, s++));
                        out.add(new Sim(BACK_PRESSURE, base, 'b', true, s++));
                        out.add(new Sim(WATERMARK, base, 'w', true, s++));
                        out.add(new Sim(MAILBOX, base + ",quantile=\"0.99\"", 'q', true, s++));
                        for (String e : EXTRA) {
                            out.add(new Sim(P + "operator_" + e, base, 'c', false, s++));
                        }
                    }
                }
            }
            for (int k = 0; k < 200; k++) {
                out.add(new Sim("flink_taskmanager_Status_JVM_metric_" + k, "tm_id=\"tm-" + tm + "\",host=\"host-" + tm + "\"", 'c', false,
                        s++));
            }
        }
        return out;
    }

    @Override
    public Integer call() throws Exception {
        if (urls.isEmpty() && openMetrics == null) {
            throw new IllegalArgumentException("give --url and/or --openmetrics");
        }
        List<URI> targets = new ArrayList<>();
        for (String u : urls) {
            targets.add(URI.create(Loopback.check(u) + "/api/v1/import/prometheus"));
        }
        List<Sim> sims = cluster();
        long endMs = end * 1000;
        long recentStart = endMs - recentHours * 3_600_000L;
        long start = endMs - hours * 3_600_000L;
        long queried = sims.stream().filter(x -> x.queried).count();
        System.out.printf("query-data: %d TaskManagers, %d series (%d queried); %d h at %s (queried only), last %d h at %s (all)%n",
                taskManagers, sims.size(), queried, hours - recentHours, interval, recentHours, recentInterval);
        Http http = new Http(Duration.ofMinutes(5));
        ByteSink batch = new ByteSink(batchBytes + (1 << 20));
        long[] importNanos = new long[targets.size()];
        Path tmp = openMetrics == null ? null : Files.createTempDirectory(openMetrics.toAbsolutePath().getParent(), "query-data");
        Map<String, OutputStream> parts = new LinkedHashMap<>();
        long samples = 0;
        long t0 = System.nanoTime();
        StringBuilder num = new StringBuilder(32);
        byte[] line = new byte[512];
        try {
            long t = start;
            while (t <= endMs) {
                boolean recent = t > recentStart;
                for (int i = 0; i < sims.size(); i++) {
                    Sim sim = sims.get(i);
                    if (!recent && !sim.queried) {
                        continue;
                    }
                    // Scrapes are never exactly on the grid.
                    long ts = t + sim.rnd.nextInt(250);
                    double v = sim.next(t);
                    num.setLength(0);
                    appendValue(num, v);
                    if (!targets.isEmpty()) {
                        batch.write(sim.prefix);
                        batch.writeAscii(num.toString());
                        batch.write(' ');
                        batch.writeAscii(Long.toString(ts));
                        batch.write('\n');
                    }
                    if (tmp != null) {
                        OutputStream os = parts.get(sim.family);
                        if (os == null) {
                            os = new BufferedOutputStream(Files.newOutputStream(tmp.resolve("f" + parts.size())), 1 << 16);
                            parts.put(sim.family, os);
                        }
                        String rest = num + " " + ts / 1000 + "." + String.format("%03d", ts % 1000) + "\n";
                        os.write(sim.prefix);
                        os.write(rest.getBytes(StandardCharsets.US_ASCII));
                    }
                    samples++;
                }
                if (batch.length() >= batchBytes) {
                    flush(http, targets, batch, importNanos);
                }
                t += recent ? recentInterval.toMillis() : interval.toMillis();
                if (!recent && t > recentStart) {
                    // The recent part starts on its own grid.
                    t = recentStart + recentInterval.toMillis();
                }
            }
            if (batch.length() > 0) {
                flush(http, targets, batch, importNanos);
            }
            if (tmp != null) {
                for (OutputStream os : parts.values()) {
                    os.close();
                }
                try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(openMetrics), 1 << 16)) {
                    int k = 0;
                    for (String family : parts.keySet()) {
                        out.write(("# TYPE " + family + " gauge\n").getBytes(StandardCharsets.US_ASCII));
                        Path f = tmp.resolve("f" + k++);
                        Files.copy(f, out);
                        Files.delete(f);
                    }
                    out.write("# EOF\n".getBytes(StandardCharsets.US_ASCII));
                }
            }
        } finally {
            if (tmp != null) {
                for (OutputStream os : parts.values()) {
                    os.close();
                }
                try (var files = Files.list(tmp)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(tmp);
            }
        }
        System.out.printf("wrote %d samples in %.1f s%n", samples, (System.nanoTime() - t0) / 1e9);
        for (int i = 0; i < targets.size(); i++) {
            System.out.printf("import %s: %.1f s, %.0f samples/s%n", targets.get(i), importNanos[i] / 1e9, samples / (importNanos[i] / 1e9));
        }
        return 0;
    }

    private static void appendValue(StringBuilder sb, double v) {
        if (Double.isNaN(v)) {
            sb.append("NaN");
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            sb.append((long) v);
        } else {
            sb.append(v);
        }
    }

    private static void flush(Http http, List<URI> targets, ByteSink batch, long[] nanos) {
        for (int i = 0; i < targets.size(); i++) {
            long t0 = System.nanoTime();
            Http.Answer a = http.send("POST", targets.get(i), batch.array(), batch.length(), Http.TEXT_004);
            nanos[i] += System.nanoTime() - t0;
            if (a.status() < 200 || a.status() >= 300) {
                throw new IllegalStateException("import to " + targets.get(i) + " answered " + a.status() + ": " + a.body());
            }
        }
        batch.reset();
    }
}
