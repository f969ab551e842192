package dev.vigil.server.ops;

import com.sun.management.GarbageCollectorMXBean;
import com.sun.management.GcInfo;
import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Gives back heap the JVM took in a burst and no longer needs, for a server started with plain
 * {@code java -jar}.
 *
 * <p>Why: without flags the JVM may grow the heap to a quarter of the machine's memory, and the
 * default collector (G1 on JDK 17) grows it whenever its pauses look long (a start-up burst of
 * new series, or a busy machine stretching pauses) but gives memory back only after a full
 * collection or a concurrent cycle, which a store whose live set is steady rarely needs. Measured
 * (docs/PERFORMANCE-tsdb-head.md, "RSS vs Prometheus"): the first pushes of 20 TaskManagers grow
 * the heap to 1.4 GiB committed for 116 MiB in use; left alone, 0.9–1.4 GiB stay resident.
 *
 * <p>What: (1) the manageable flags {@code MinHeapFreeRatio}/{@code MaxHeapFreeRatio} are set to
 * 10/20 (the JVM's defaults are 40/70) unless given on the command line, so a collection that
 * shrinks the heap shrinks it to the live set plus 25 % (20 % of the heap free; with 30 % the
 * heap of 42,000 Flink series settled 16 MiB higher, and the young collections the smaller young
 * space brings took 2–5 ms every 2–3 s); {@code G1PeriodicGCInterval} is set so an
 * idle server returns memory on its own. (2) Every {@link #CHECK_SECONDS} a check compares the
 * committed heap with the heap in use after the last collection and, when more than half of it
 * and at least {@link #MIN_SLACK} sit unused, or when a collection would shrink the heap by
 * {@link #MIN_GAIN} or more, asks for a full collection ({@code System.gc()}), at most once per
 * {@link #MIN_GAP_SECONDS}; and gives the C heap's free pages back to the system
 * ({@link NativeHeap}, a few milliseconds). G1 alone shrinks the heap only at the end of a
 * concurrent cycle, sized to what is in use then, old garbage included: 42,000 Flink series
 * (55 MB live) sat at 80–110 MiB committed; a full collection takes them to ≈ 70.
 *
 * <p>Cost: that collection stops the application while it runs (0.1 s for a 55 MB live set on a
 * quiet machine; 0.4–1.8 s measured for 100–200 MiB on two cores shared with other builds):
 * ingestion waits that long, at most once a minute. Off with {@code -Dvigil.heap.trim=false};
 * flags given on the command line (e.g. {@code -Xmx}, {@code -XX:MaxHeapFreeRatio}) still apply.
 */
public final class HeapTrimmer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HeapTrimmer.class.getName());
    static final int CHECK_SECONDS = 15;
    static final int MIN_GAP_SECONDS = 60;
    /** Below this much unused committed heap a full collection is not worth its pause... */
    static final long MIN_SLACK = 64L << 20;
    /** ...unless it would shrink the heap by at least this much... */
    static final long MIN_GAIN = 8L << 20;
    /**
     * ...and the pause is short: a full collection's pause grows with what is in use (0.1 s for
     * 55 MB), its gain does not, so a large store is only trimmed after a burst.
     */
    static final long MAX_GAIN_IN_USE = 128L << 20;

    private final ScheduledExecutorService timer;
    private final LongSupplier clockSeconds;
    /** Null when this JVM cannot trim its C heap. */
    private final NativeHeap nativeHeap;
    private long nativeFreed;
    private long lastTrim = Long.MIN_VALUE / 2;
    private int trims;

    HeapTrimmer(ScheduledExecutorService timer, LongSupplier clockSeconds, NativeHeap nativeHeap) {
        this.timer = timer;
        this.clockSeconds = clockSeconds;
        this.nativeHeap = nativeHeap;
    }

    /** Applies the flags and starts the periodic check, unless {@code -Dvigil.heap.trim=false}. */
    public static HeapTrimmer start() {
        if ("false".equals(System.getProperty("vigil.heap.trim"))) {
            return new HeapTrimmer(null, () -> 0, null);
        }
        setDefault("MinHeapFreeRatio", "10");
        setDefault("MaxHeapFreeRatio", "20");
        setDefault("G1PeriodicGCInterval", "300000");
        ScheduledExecutorService t = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread th = new Thread(r, "heap-trim");
            th.setDaemon(true);
            th.setPriority(Thread.MIN_PRIORITY);
            return th;
        });
        HeapTrimmer h = new HeapTrimmer(t, () -> System.nanoTime() / 1_000_000_000L, NativeHeap.find());
        // Started once the store is open: its burst is given back now, before the first
        // panels after a restart ask, and no collection stops them during the first minute.
        t.execute(h::checkAtStart);
        t.scheduleWithFixedDelay(h::check, CHECK_SECONDS, CHECK_SECONDS, TimeUnit.SECONDS);
        return h;
    }

    /**
     * The check at start, then none that collects for {@link #MIN_GAP_SECONDS}: a full
     * collection 15 s after a start (0.2-0.7 s measured on two busy cores) stopped the
     * dashboards opened right after a restart.
     */
    void checkAtStart() {
        check();
        lastTrim = clockSeconds.getAsLong();
    }

    /** When the last collection was asked for (seconds), or counted as asked for by the check at start. */
    long lastTrimSeconds() {
        return lastTrim;
    }

    /** Sets a manageable JVM flag unless the command line set it; false if it could not be set. */
    static boolean setDefault(String name, String value) {
        try {
            HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            VMOption o = hs.getVMOption(name);
            if (o.getOrigin() != VMOption.Origin.DEFAULT || !o.isWriteable()) {
                return false;
            }
            hs.setVMOption(name, value);
            return true;
        } catch (RuntimeException e) { // not HotSpot, a flag this JVM lacks, or a value it refuses
            LOG.log(Level.FINE, "cannot set " + name, e);
            return false;
        }
    }

    /**
     * True when a full collection should give memory back now: the heap is mostly unused and well
     * above its need (a burst grew it), or a collection would shrink it by at least
     * {@link #MIN_GAIN} while little is in use (it shrinks a heap to what is in use plus a quarter, {@code MaxHeapFreeRatio}
     * 20; what is in use after a young collection still holds the old generation's garbage, so
     * the heap ends smaller still).
     */
    static boolean shouldTrim(long committed, long usedAfterGc, long nowSeconds, long lastTrimSeconds) {
        long slack = committed - usedAfterGc;
        boolean burst = slack > MIN_SLACK && slack > committed / 2;
        boolean gain = usedAfterGc <= MAX_GAIN_IN_USE && committed - usedAfterGc - usedAfterGc / 4 >= MIN_GAIN;
        return usedAfterGc > 0 && (burst || gain) && nowSeconds - lastTrimSeconds >= MIN_GAP_SECONDS;
    }

    void check() {
        try {
            long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
            long used = usedAfterLastGc();
            long now = clockSeconds.getAsLong();
            if (shouldTrim(committed, used, now, lastTrim)) {
                lastTrim = now;
                trims++;
                long t0 = System.nanoTime();
                System.gc();
                // The first at info (it explains a pause); later ones at debug, not once a minute.
                LOG.log(trims == 1 ? Level.INFO : Level.FINE, String.format(
                        "heap trimmed: %d MiB committed, %d MiB in use after the last collection; now %d MiB committed (%d ms)%s",
                        committed >> 20, used >> 20, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted() >> 20,
                        (System.nanoTime() - t0) / 1_000_000, trims == 1 ? "; further trims are logged at debug level" : ""));
            }
            if (nativeHeap != null) {
                long t0 = System.nanoTime();
                long freed = nativeHeap.trim();
                nativeFreed += freed;
                if (LOG.isLoggable(Level.FINE)) {
                    LOG.fine(String.format("native heap trimmed: %d KiB given back in %d µs, %d MiB in all",
                            freed >> 10, (System.nanoTime() - t0) / 1000, nativeFreed >> 20));
                }
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "heap check failed", e);
        }
    }

    /**
     * Heap in use right after the most recent collection, young or full, over all heap pools; 0
     * before the first one. (A pool's own "collection usage" will not do: G1 updates its old
     * generation's only after a mixed or full collection, so it reads 0 for a long time.)
     */
    static long usedAfterLastGc() {
        Set<String> heapPools = new HashSet<>();
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                heapPools.add(p.getName());
            }
        }
        GcInfo last = null;
        for (java.lang.management.GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (b instanceof GarbageCollectorMXBean g) {
                GcInfo i = g.getLastGcInfo();
                if (i != null && (last == null || i.getEndTime() > last.getEndTime())) {
                    last = i;
                }
            }
        }
        long sum = 0;
        if (last != null) {
            for (Map.Entry<String, MemoryUsage> e : last.getMemoryUsageAfterGc().entrySet()) {
                if (heapPools.contains(e.getKey())) {
                    sum += e.getValue().getUsed();
                }
            }
        }
        return sum;
    }

    /** Full collections requested so far. */
    public int trims() {
        return trims;
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
        }
    }
}
