package dev.vigil.ingest.push;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The groups' persisted state and their expiry, on one background thread: the state file is
 * rewritten within a second of a change of membership and at most every
 * {@link #TIMES_SAVE_INTERVAL_MS} for new values alone; groups nobody pushed to for the TTL are
 * removed every quarter TTL (between 0.1 and 10 s).
 */
final class GroupState implements Closeable {
    private static final Logger LOG = Logger.getLogger(GroupState.class.getName());

    /**
     * A steady Flink cluster re-pushes the same series every interval; rewriting the whole state
     * for new values alone would cost a full write per second at 430,000 series, for data the
     * store already has. After a crash, push times (the TTL clock) and the values shown by the
     * JSON API may be this old; series membership never is more than a second old.
     */
    static final long TIMES_SAVE_INTERVAL_MS = 30_000;

    private final Path path;
    private final StateFile file;
    private final LongSupplier clock;
    private final ScheduledExecutorService background;
    /** Group membership changed (groups, families, series, types, help): written within a second. */
    private volatile boolean dirty;
    /** Only push times and values changed: written at most every {@link #TIMES_SAVE_INTERVAL_MS}. */
    private volatile boolean timesDirty;
    private volatile long lastSaveMs;
    private Supplier<List<GroupView>> snapshot = List::of;

    /** @param path the state file, or null to keep no state */
    GroupState(Path path, LongSupplier clock) {
        this.path = path;
        this.file = path == null ? null : new StateFile(path);
        this.clock = clock;
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-push-groups");
            t.setDaemon(true);
            return t;
        });
    }

    /** The groups saved last time, none without a state file. */
    List<GroupView> load() throws IOException {
        return file == null ? List.of() : file.load();
    }

    /** Moves a state file that could not be loaded out of the way; returns where it went. */
    String setAside() {
        return file.setAside(clock.getAsLong());
    }

    /**
     * Starts saving what {@code snapshot} returns and, with a TTL, calling {@code expire}.
     */
    void start(Supplier<List<GroupView>> snapshot, long ttlMs, Expiry expire) {
        this.snapshot = snapshot;
        if (file != null) {
            background.scheduleWithFixedDelay(this::saveQuietly, 1, 1, TimeUnit.SECONDS);
        }
        if (ttlMs > 0) {
            long period = Math.max(100, Math.min(10_000, ttlMs / 4));
            background.scheduleWithFixedDelay(() -> {
                try {
                    expire.expire();
                } catch (IOException | RuntimeException e) {
                    LOG.log(Level.WARNING, "push group expiry failed", e);
                }
            }, period, period, TimeUnit.MILLISECONDS);
        }
    }

    /** Removes the groups past their TTL. */
    @FunctionalInterface
    interface Expiry {
        int expire() throws IOException;
    }

    /** Group membership changed. */
    void changed() {
        dirty = true;
    }

    /** Only push times and values changed. */
    void timesChanged() {
        timesDirty = true;
    }

    /** Writes the state file now if anything changed since the last write. */
    void save() throws IOException {
        if (file == null || !(dirty || timesDirty)) {
            return;
        }
        dirty = false;
        timesDirty = false;
        try {
            file.write(snapshot.get());
            lastSaveMs = clock.getAsLong();
        } catch (IOException | RuntimeException e) {
            dirty = true;
            throw e;
        }
    }

    private void saveQuietly() {
        try {
            if (dirty || (timesDirty && clock.getAsLong() - lastSaveMs >= TIMES_SAVE_INTERVAL_MS)) {
                save();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "could not write push group state " + path, e);
        }
    }

    /** Stops the background thread and saves what changed. */
    @Override
    public void close() throws IOException {
        background.shutdownNow();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        save();
    }
}
