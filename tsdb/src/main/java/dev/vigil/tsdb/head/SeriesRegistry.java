package dev.vigil.tsdb.head;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.IntPredicate;
import java.util.function.IntSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import net.openhft.chronicle.map.ChronicleMap;
import net.openhft.chronicle.map.ChronicleMapBuilder;
import net.openhft.chronicle.map.ExternalMapQueryContext;
import net.openhft.chronicle.map.MapEntry;

/**
 * Label set → series id, persisted in a Chronicle Map file so a series that comes back (a
 * restarted Flink job) gets its old id and ids are not handed out twice across restarts.
 *
 * <p>Chronicle Map never fsyncs, so the file is only a cache: at start it is checked against
 * the series the WAL names and rebuilt from them when it disagrees or cannot be opened. Series
 * that leave the head are removed, so the file does not grow with churn.
 *
 * <p>A process killed while it holds one of the map's segment locks leaves that lock set in the
 * file, and every later access to that segment waits for it forever. So a marker file
 * ({@value #OPEN_MARKER}) exists while the map is open; when a start finds it, the last process
 * did not close the map, and its file is deleted unread and rebuilt from the head.
 */
public final class SeriesRegistry implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SeriesRegistry.class.getName());
    /** Key under which the highest reserved id is kept (no label set encodes to it). */
    private static final String RESERVED_KEY = "\u0000reserved";
    /** Ids are reserved in steps so the reservation is written once per 4096 new series. */
    private static final int RESERVE_STEP = 4096;
    /** Present in the registry's folder from open to clean close. */
    static final String OPEN_MARKER = "open";

    static {
        // Before any Chronicle class loads: no usage reporting, no banner (a monitoring appliance
        // must never phone home).
        if (System.getProperty("chronicle.analytics.disable") == null) {
            System.setProperty("chronicle.analytics.disable", "true");
        }
        if (System.getProperty("chronicle.announcer.disable") == null) {
            System.setProperty("chronicle.announcer.disable", "true");
        }
    }

    private final FileIo io;
    private ChronicleMap<CharSequence, Long> map;
    private Path file;
    /** Set when the map failed beyond repair; the registry is a cache, so appends go on without it. */
    private boolean disabled;
    private long reserved;
    private volatile long mismatches;
    private volatile boolean rebuilt;
    private final long openMillis;
    /** Reads and writes of the map so far, the time of the last one, and their count at the last page release. */
    private long accesses;
    private long lastAccessNanos = System.nanoTime();
    private long accessesAtLastRelease = -1;
    /** How long the map must have been left alone before its pages are released. */
    static final long IDLE_NANOS = 30_000_000_000L;

    private SeriesRegistry(FileIo io, ChronicleMap<CharSequence, Long> map, Path file, long openMillis) {
        this.io = io;
        this.map = map;
        this.file = file;
        this.openMillis = openMillis;
        Long r = map.get(RESERVED_KEY);
        this.reserved = r == null ? 0 : r;
    }

    /**
     * How long an existing file may take to open. Chronicle Map waits about a minute on a file
     * whose header is garbage before it gives up; a cache is not worth that delay at start.
     */
    static final long OPEN_TIMEOUT_MS = 5_000;

    /**
     * Opens or creates the registry in {@code dir} ({@code NNNNNN.cmap}, the highest number
     * wins). A file that cannot be opened is renamed {@code *.damaged} and a new generation is
     * created under the next number: Chronicle Map remembers paths it is still trying to open,
     * so the same name cannot be reused in this process. Chronicle Map creates and maps its
     * file itself; every other file operation goes through {@code io}.
     */
    public static SeriesRegistry open(FileIo io, Path dir, long entries) throws IOException {
        long t0 = System.nanoTime();
        io.createDirectories(dir);
        int gen = 0;
        for (Path p : io.list(dir)) {
            String n = p.getFileName().toString();
            if (n.matches("\\d{6}\\.cmap")) {
                gen = Math.max(gen, Integer.parseInt(n.substring(0, 6)));
            }
        }
        ChronicleMap<CharSequence, Long> m = null;
        Path file = dir.resolve(String.format("%06d.cmap", Math.max(gen, 1)));
        Path marker = dir.resolve(OPEN_MARKER);
        if (gen > 0 && io.exists(marker)) {
            // Its locks may be held by a dead process: opening it could block on any access.
            LOG.warning("series registry " + file + " was not closed cleanly (the process stopped while it was open,"
                    + " possibly holding one of its locks); deleting it and rebuilding it from the head");
            io.deleteIfExists(file);
            file = dir.resolve(String.format("%06d.cmap", gen + 1));
            gen = 0;
        }
        writeMarker(io, marker);
        if (gen > 0) {
            Path existing = file;
            java.util.concurrent.FutureTask<ChronicleMap<CharSequence, Long>> task =
                    new java.util.concurrent.FutureTask<>(() -> build(io, existing, entries));
            Thread t = new Thread(task, "vigil-series-registry-open");
            t.setDaemon(true);
            t.start();
            try {
                m = task.get(OPEN_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                LOG.warning("series registry " + file + " did not open within " + OPEN_TIMEOUT_MS
                        + " ms; setting it aside and rebuilding");
            } catch (java.util.concurrent.ExecutionException e) {
                LOG.log(Level.WARNING, "series registry " + file + " unreadable; setting it aside and rebuilding", e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while opening " + file, e);
            }
            if (m == null) {
                io.rename(file, file.resolveSibling(file.getFileName() + ".damaged"));
                file = dir.resolve(String.format("%06d.cmap", gen + 1));
            }
        }
        if (m == null) {
            m = build(io, file, entries);
        }
        return new SeriesRegistry(io, m, file, (System.nanoTime() - t0) / 1_000_000);
    }

    private static void writeMarker(FileIo io, Path marker) throws IOException {
        FileIo.WriteFile f = io.create(marker);
        try {
            f.force(true);
        } finally {
            f.close();
        }
        io.fsyncDir(marker.getParent());
    }

    private static ChronicleMap<CharSequence, Long> build(FileIo io, Path file, long entries) throws IOException {
        io.createDirectories(file.getParent());
        return ChronicleMapBuilder.of(CharSequence.class, Long.class).name("vigil-series")
                .entries(Math.max(entries, 1024)).averageKeySize(300)
                // Beyond the sized capacity the map adds tiers instead of failing (up to 10 ×).
                .maxBloatFactor(10).createPersistedTo(file.toFile());
    }

    static String key(Labels l) {
        StringBuilder sb = new StringBuilder(256);
        for (int i = 0; i < l.size(); i++) {
            sb.append(l.name(i)).append('\u0000').append(l.value(i)).append('\u0000');
        }
        return sb.toString();
    }

    /** The id this label set had, or -1. */
    public synchronized int lookup(Labels l) {
        if (disabled) {
            return -1;
        }
        touch();
        try {
            Long id = map.get(key(l));
            return id == null ? -1 : (int) (long) id;
        } catch (Exception e) { // Chronicle Map may rethrow an IOException unchecked
            disable(e);
            return -1;
        }
    }

    /**
     * The id of a series being created, in one access of the map (one key encoding, one hash):
     * the id this label set had when {@code inUse} says no live series holds it, else a fresh id
     * from {@code fresh}, which is then recorded (the reservation moved forward when needed).
     * Nothing here ever fails an append: a failed map answers fresh ids.
     */
    public synchronized int resolve(Labels l, IntPredicate inUse, IntSupplier fresh) {
        if (disabled) {
            return fresh.getAsInt();
        }
        touch();
        String k = key(l);
        int id = 0;
        try (ExternalMapQueryContext<CharSequence, Long, ?> c = map.queryContext(k)) {
            c.updateLock().lock();
            MapEntry<CharSequence, Long> e = c.entry();
            if (e != null) {
                long had = e.value().get();
                if (had > 0 && had <= Integer.MAX_VALUE && !inUse.test((int) had)) {
                    return (int) had;
                }
                id = fresh.getAsInt();
                e.doReplaceValue(c.wrapValueAsData((long) id));
            } else {
                id = fresh.getAsInt();
                c.absentEntry().doInsert(c.wrapValueAsData((long) id));
            }
        } catch (IllegalStateException full) {
            // Chronicle Map cannot grow past its sized capacity times the bloat factor.
            if (id == 0) {
                id = fresh.getAsInt();
            }
            store(k, id); // grows into the next generation
        } catch (Exception e) { // Chronicle Map may rethrow an IOException unchecked
            disable(e);
            return id == 0 ? fresh.getAsInt() : id;
        }
        if (id > reserved) {
            reserved = id + (long) RESERVE_STEP;
            store(RESERVED_KEY, reserved);
        }
        return id;
    }

    /**
     * Records a series; also moves the id reservation forward when needed. A full map grows into
     * a new generation file; nothing here ever fails an append.
     */
    public synchronized void put(Labels l, int id) {
        if (disabled) {
            return;
        }
        if (id > reserved) {
            reserved = id + (long) RESERVE_STEP;
            store(RESERVED_KEY, reserved);
        }
        store(key(l), id);
    }

    private void store(String k, long v) {
        touch();
        try {
            map.put(k, v);
        } catch (IllegalStateException full) {
            // Chronicle Map cannot grow past its sized capacity times the bloat factor.
            try {
                grow();
                map.put(k, v);
            } catch (IOException | RuntimeException e) {
                disable(e);
            }
        } catch (Exception e) { // Chronicle Map may rethrow an IOException unchecked
            disable(e);
        }
    }

    /** Copies the map into the next generation file, sized for twice the entries it holds. */
    private void grow() throws IOException {
        long t0 = System.nanoTime();
        long want = Math.max(1024, 2L * map.size());
        String n = file.getFileName().toString();
        Path next = file.resolveSibling(String.format("%06d.cmap", Integer.parseInt(n.substring(0, 6)) + 1));
        ChronicleMap<CharSequence, Long> bigger = build(io, next, want);
        try {
            map.forEach(bigger::put);
        } catch (Exception e) { // Chronicle Map may rethrow an IOException unchecked
            bigger.close();
            io.deleteIfExists(next);
            throw e;
        }
        long had = map.size();
        ChronicleMap<CharSequence, Long> old = map;
        Path oldFile = file;
        map = bigger;
        file = next;
        old.close();
        io.deleteIfExists(oldFile);
        LOG.info(String.format("series registry full at %d entries; grew into %s sized for %d in %d ms",
                had, next.getFileName(), want, (System.nanoTime() - t0) / 1_000_000));
    }

    private void disable(Exception e) {
        disabled = true;
        LOG.log(Level.WARNING, "series registry " + file + " failed; going on without it (ids come from the WAL at the"
                + " next start, series that return get new ids)", e);
    }

    public synchronized void remove(Labels l, int id) {
        if (disabled) {
            return;
        }
        touch();
        try {
            String k = key(l);
            Long cur = map.get(k);
            if (cur != null && cur == id) {
                map.remove(k);
            }
        } catch (Exception e) { // Chronicle Map may rethrow an IOException unchecked
            disable(e);
        }
    }

    /** Highest id that may have been handed out before (new ids must be above it). */
    public synchronized long reserved() {
        return reserved;
    }

    /**
     * Checks the registry against the series the head holds after WAL replay; on any
     * disagreement it is rebuilt from them (keeping the reservation). The lock is taken per
     * entry, not for the whole walk, so when this runs in the background (after a snapshot
     * load) a new series waits for one entry's check, not for a million: an id looked up
     * during a rebuild may be missing, which only gives that series a new id.
     */
    public void validate(Head head) {
        long[] bad = new long[1];
        head.forEachSeriesLabels((l, ref) -> {
            String k = key(l);
            synchronized (this) {
                touch();
                Long id = map.get(k);
                if (id == null || id != ref) {
                    bad[0]++;
                }
            }
        });
        mismatches = bad[0];
        if (mismatches > 0) {
            LOG.warning("series registry disagrees with the WAL for " + mismatches + " series; rebuilding it");
            long keep;
            synchronized (this) {
                keep = reserved;
                try {
                    map.clear();
                } catch (Exception e) { // Chronicle Map may rethrow an IOException unchecked
                    disable(e);
                    return;
                }
            }
            head.forEachSeriesLabels((l, ref) -> {
                String k = key(l);
                synchronized (this) {
                    store(k, ref);
                }
            });
            synchronized (this) {
                reserved = Math.max(Math.max(keep, reserved), head.lastId());
                store(RESERVED_KEY, reserved);
            }
            rebuilt = true;
        }
    }

    private void touch() {
        accesses++;
        lastAccessNanos = System.nanoTime();
    }

    /**
     * Drops the map file's pages from this process's resident memory once the map has been left
     * alone for {@link #IDLE_NANOS} since it was last used (call it every minute or so); returns
     * the bytes of mapping advised, 0 when nothing was done.
     *
     * <p>Why: the map is used only when a series is created or removed, but every page it
     * touched stays mapped in the process: 22 MiB for 42,000 Flink series, an eighth of the
     * server's resident memory, for a file read a few times a day. The pages stay in the page
     * cache ({@code MADV_DONTNEED} on a shared file mapping keeps their contents, dirty or not);
     * the next access maps back in only the pages it needs.
     */
    public synchronized long releasePages() {
        return releasePages(System.nanoTime());
    }

    synchronized long releasePages(long nowNanos) {
        if (disabled || accesses == accessesAtLastRelease || nowNanos - lastAccessNanos < IDLE_NANOS) {
            return 0;
        }
        accessesAtLastRelease = accesses;
        long advised = 0;
        try {
            for (long[] range : MappedRanges.of(file.toRealPath().toString())) {
                if (net.openhft.posix.PosixAPI.posix().madvise(range[0], range[1] - range[0],
                        net.openhft.posix.MAdviseFlag.MADV_DONTNEED) == 0) {
                    advised += range[1] - range[0];
                }
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.log(Level.FINE, "cannot release the pages of " + file, e);
        }
        return advised;
    }

    public long mismatches() {
        return mismatches;
    }

    public boolean rebuilt() {
        return rebuilt;
    }

    public long openMillis() {
        return openMillis;
    }

    public synchronized long size() {
        if (disabled) {
            return 0; // a map that failed is not touched again (one of its locks may be left held)
        }
        return Math.max(0, map.size() - (map.containsKey(RESERVED_KEY) ? 1 : 0));
    }

    public Path file() {
        return file;
    }

    /** The map itself, for tests that hold its locks. */
    ChronicleMap<CharSequence, Long> map() {
        return map;
    }

    @Override
    public synchronized void close() {
        map.close();
        try {
            io.deleteIfExists(file.resolveSibling(OPEN_MARKER));
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot delete the series registry's open marker; the next start rebuilds it", e);
        }
    }
}
