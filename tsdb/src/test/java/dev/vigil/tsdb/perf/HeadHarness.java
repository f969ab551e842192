package dev.vigil.tsdb.perf;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures the head (not a unit test; surefire does not run it). Usage:
 * <pre>
 * java -cp ... dev.vigil.tsdb.perf.HeadHarness append SERIES THREADS SECONDS
 * java -cp ... dev.vigil.tsdb.perf.HeadHarness heap SERIES SAMPLES_PER_SERIES
 * </pre>
 * append: committed samples/s in 500-sample batches; heap: heap per series after GC, then
 * close and reopen (restart time with that WAL).
 */
public final class HeadHarness {
    static final long T0 = 1_700_000_000_000L;

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        if (mode.equals("reopen")) {
            // reopen DIR ROUNDS: clean restarts of a folder kept by -Dkeep=DIR
            DbOptions o = DbOptions.builder(Path.of(args[1])).clock(() -> T0 + 3_600_000L * 24).build();
            for (int r = 0; r < Integer.parseInt(args[2]); r++) {
                reopen(o, "open", 0, 0, 0);
            }
            return;
        }
        if (mode.equals("crash")) {
            // crash DIR SERIES FROM_STEP STEPS: open (from its snapshot), commit STEPS more steps for
            // every series, then halt the JVM without closing (what kill -9 leaves behind)
            Path d = Path.of(args[1]);
            int nSeries = Integer.parseInt(args[2]);
            int from = Integer.parseInt(args[3]);
            int steps = Integer.parseInt(args[4]);
            dev.vigil.tsdb.io.FaultyFileIo io = new dev.vigil.tsdb.io.FaultyFileIo();
            io.skipForce = Boolean.getBoolean("nofsync");
            Db db = Db.open(DbOptions.builder(d).io(io).snapshotIntervalMs(0).clock(() -> T0 + 3_600_000L * 24).build());
            System.out.println("opened: snapshot " + (db.startup().snapshotLoaded() ? "loaded" : "not used"));
            Labels[] ls = series(nSeries);
            long[] refs = new long[nSeries];
            for (int k = from; k < from + steps; k++) {
                Appender app = db.appender();
                int inBatch = 0;
                for (int i = 0; i < nSeries; i++) {
                    refs[i] = app.append(refs[i], k == from ? ls[i] : null, FlinkShape.time(T0, i, k), FlinkShape.value(i, k));
                    if (++inBatch == 500) {
                        app.commit();
                        app = db.appender();
                        inBatch = 0;
                    }
                }
                app.commit();
            }
            System.out.println("committed " + (long) nSeries * steps + " samples after the snapshot; halting");
            System.out.flush();
            Runtime.getRuntime().halt(0);
        }
        if (mode.equals("recover")) {
            // recover DIR: what a kill -9 costs on a folder kept by -Dkeep=DIR (no snapshot: full WAL replay);
            // -DdropChunks=true also deletes the head chunk files, so every sample is encoded again;
            // -DregistryOpen=false leaves the series registry as a clean close left it
            Path d = Path.of(args[1]);
            Files.deleteIfExists(d.resolve(Db.SNAPSHOT));
            if (Files.isDirectory(d.resolve("series")) && !"false".equals(System.getProperty("registryOpen"))) {
                // A kill -9 also leaves the series registry's open marker: the registry is rebuilt.
                Files.writeString(d.resolve("series").resolve("open"), "");
            }
            boolean drop = Boolean.getBoolean("dropChunks");
            if (drop && Files.isDirectory(d.resolve("chunks_head"))) {
                try (var s = Files.list(d.resolve("chunks_head"))) {
                    for (Path p : (Iterable<Path>) s::iterator) {
                        Files.delete(p);
                    }
                }
            }
            reopen(DbOptions.builder(d).clock(() -> T0 + 3_600_000L * 24).build(), "crash recovery (full WAL replay"
                    + (drop ? ", no head chunk files)" : ")"), 0, 0, 0);
            return;
        }
        String keep = System.getProperty("keep");
        Path dir = keep != null ? Files.createDirectories(Path.of(keep)) : Files.createTempDirectory("vigil-head-harness");
        try {
            switch (mode) {
                case "append" -> append(dir, Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
                case "heap" -> heap(dir, Integer.parseInt(args[1]), Integer.parseInt(args[2]));
                default -> throw new IllegalArgumentException(mode);
            }
        } finally {
            if (keep != null) {
                return;
            }
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static Labels[] series(int n) {
        Labels[] ls = new Labels[n];
        for (int i = 0; i < n; i++) {
            ls[i] = FlinkShape.labels(i);
        }
        return ls;
    }

    static void append(Path dir, int nSeries, int threads, int seconds) throws Exception {
        Labels[] ls = series(nSeries);
        dev.vigil.tsdb.io.FaultyFileIo io = new dev.vigil.tsdb.io.FaultyFileIo();
        io.skipForce = Boolean.getBoolean("nofsync");
        try (Db db = Db.open(DbOptions.builder(dir).io(io).clock(() -> T0 + 3_600_000L * 24).build())) {
            AtomicLong samples = new AtomicLong();
            long[] step = new long[threads];
            long[][] refs = new long[threads][];
            Thread[] ts = new Thread[threads];
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            List<Double> perSecond = new ArrayList<>();
            for (int w = 0; w < threads; w++) {
                int id = w;
                refs[w] = new long[nSeries];
                ts[w] = new Thread(() -> {
                    // Each thread owns the series i with i % threads == id: one pusher per group.
                    long k = 0;
                    int i = id;
                    try {
                        while (System.nanoTime() < end) {
                            Appender app = db.appender();
                            for (int b = 0; b < 500; b++) {
                                refs[id][i] = app.append(refs[id][i], ls[i], FlinkShape.time(T0, i, k), FlinkShape.value(i, k));
                                i += threads;
                                if (i >= nSeries) {
                                    i = id;
                                    k++;
                                }
                            }
                            app.commit();
                            samples.addAndGet(500);
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                    step[id] = k;
                });
            }
            for (Thread t : ts) {
                t.start();
            }
            long last = samples.get();
            long lastT = System.nanoTime();
            long cpuAt2 = 0;
            long samplesAt2 = 0;
            int ticks = 0;
            while (System.nanoTime() < end) {
                Thread.sleep(1000);
                long now = System.nanoTime();
                long s = samples.get();
                perSecond.add((s - last) * 1e9 / (now - lastT));
                last = s;
                lastT = now;
                if (++ticks == 2) {
                    cpuAt2 = cpuNanos();
                    samplesAt2 = s;
                }
            }
            for (Thread t : ts) {
                t.join();
            }
            double perCpuSecond = (samples.get() - samplesAt2) * 1e9 / Math.max(1, cpuNanos() - cpuAt2);
            // Drop the first two seconds (JIT warm-up, series creation).
            List<Double> steady = perSecond.subList(Math.min(2, perSecond.size()), perSecond.size());
            double[] v = steady.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            var st = db.stats();
            System.out.printf("append: series=%d threads=%d batches of 500: median %.0f samples/s, min %.0f, max %.0f over %d s; "
                    + "%.0f samples per CPU-second (all threads, GC included); "
                    + "commits=%d fsyncs=%d fsync p50=%.2f ms p99=%.2f ms%n", nSeries, threads, v[v.length / 2], v[0],
                    v[v.length - 1], v.length, perCpuSecond, st.walCommits(), st.walSyncs(), st.walFsync().p50Nanos() / 1e6,
                    st.walFsync().p99Nanos() / 1e6);
        }
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    static void heap(Path dir, int nSeries, int samplesPerSeries) throws Exception {
        long base = usedHeap();
        dev.vigil.tsdb.io.FaultyFileIo io = new dev.vigil.tsdb.io.FaultyFileIo();
        io.skipForce = Boolean.getBoolean("nofsync");
        DbOptions o = DbOptions.builder(dir).io(io).clock(() -> T0 + 3_600_000L * 24).build();
        long t0 = System.nanoTime();
        long cpu0 = cpuNanos();
        try (Db db = Db.open(o)) {
            long[] refs = new long[nSeries];
            {
                Labels[] ls = series(nSeries);
                for (int k = 0; k < samplesPerSeries; k++) {
                    Appender app = db.appender();
                    int inBatch = 0;
                    for (int i = 0; i < nSeries; i++) {
                        refs[i] = app.append(refs[i], k == 0 ? ls[i] : null, FlinkShape.time(T0, i, k), FlinkShape.value(i, k));
                        if (++inBatch == 500) {
                            app.commit();
                            app = db.appender();
                            inBatch = 0;
                        }
                    }
                    app.commit();
                }
            }
            long loadNanos = System.nanoTime() - t0;
            long loadCpu = cpuNanos() - cpu0;
            long used = usedHeap();
            var st = db.stats();
            System.out.printf("heap: series=%d samples/series=%d loaded in %.1f s wall, %.1f s CPU; heap %.0f bytes/series "
                    + "(estimate from structures %.0f); head chunks=%d%n", nSeries, samplesPerSeries, loadNanos / 1e9,
                    loadCpu / 1e9, (double) (used - base) / nSeries,
                    (double) db.head().heapBytesEstimate() / nSeries, st.headChunks());
            closeAt = System.nanoTime();
            closeCpu = cpuNanos();
        }
        long walBytes = 0;
        try (var s = Files.walk(dir.resolve("wal"))) {
            walBytes = s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
        long snapBytes = Files.size(dir.resolve(Db.SNAPSHOT));
        System.out.printf("close (head snapshot of %.1f MiB written): %.2f s wall, %.2f s CPU; load average %s%n",
                snapBytes / 1048576.0, (System.nanoTime() - closeAt) / 1e9, (cpuNanos() - closeCpu) / 1e9, loadAverage());
        int rounds = Integer.getInteger("rounds", 1);
        for (int r = 0; r < rounds; r++) {
            reopen(o, "clean restart (snapshot)", nSeries, samplesPerSeries, walBytes);
        }
        if (!Boolean.getBoolean("skipReplay")) {
            // Without the snapshot the open is what a kill -9 costs: the whole WAL is replayed.
            Files.delete(dir.resolve(Db.SNAPSHOT));
            reopen(o, "crash recovery (full WAL replay)", nSeries, samplesPerSeries, walBytes);
        }
    }

    static void reopen(DbOptions o, String what, int nSeries, int samplesPerSeries, long walBytes) throws Exception {
        long r0 = System.nanoTime();
        long c0 = cpuNanos();
        try (Db db = Db.open(o)) {
            double secs = (System.nanoTime() - r0) / 1e9;
            double cpu = (cpuNanos() - c0) / 1e9;
            Db.Startup st = db.startup();
            System.out.printf("%s: %d series, %d samples, WAL %.1f MiB: open took %.2f s wall, %.2f s CPU "
                    + "(snapshot %s: %d series in %d ms; %d WAL records in %d ms); load average %s%n", what,
                    db.stats().headSeries(), (long) nSeries * samplesPerSeries, walBytes / 1048576.0, secs, cpu,
                    st.snapshotLoaded() ? "loaded" : "not used", st.snapshotSeries(), st.snapshotMillis(), st.walRecords(),
                    st.walMillis(), loadAverage());
            closeAt = System.nanoTime();
            closeCpu = cpuNanos();
        }
    }

    static long closeAt;
    static long closeCpu;

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "?";
        }
    }
}
