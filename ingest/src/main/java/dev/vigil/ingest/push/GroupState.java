package dev.vigil.ingest.push;

import dev.vigil.tsdb.Labels;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The groups' persisted state and their expiry: a change of membership is logged to the
 * {@link GroupJournal} (on disk before the change is answered); on one background thread the
 * state file, a checkpoint of the journal, is rewritten at most every
 * {@link #TIMES_SAVE_INTERVAL_MS} (or when the journal passes {@link #JOURNAL_CHECKPOINT_BYTES}),
 * and groups nobody pushed to for the TTL are removed every quarter TTL (between 0.1 and 10 s).
 */
final class GroupState implements Closeable {
    private static final Logger LOG = Logger.getLogger(GroupState.class.getName());

    /**
     * A steady Flink cluster re-pushes the same series every interval; rewriting the whole state
     * for new values alone would cost a full write per second at 430,000 series, for data the
     * store already has. After a crash, push times (the TTL clock) and the values shown by the
     * JSON API may be this old in the file; at start they are caught up from the store.
     */
    static final long TIMES_SAVE_INTERVAL_MS = 30_000;

    /** Past this many journal bytes a checkpoint is written at once (replay at start stays short). */
    static final long JOURNAL_CHECKPOINT_BYTES = 64L << 20;

    private final Path path;
    private final StateFile file;
    private final GroupJournal journal;
    private final LongSupplier clock;
    private final ScheduledExecutorService background;
    /** Group membership changed since the last checkpoint (the journal has it). */
    private volatile boolean dirty;
    /** Only push times and values changed: written at most every {@link #TIMES_SAVE_INTERVAL_MS}. */
    private volatile boolean timesDirty;
    private volatile long lastSaveMs;
    private Supplier<List<GroupView>> snapshot = List::of;

    /** @param path the state file, or null to keep no state */
    GroupState(Path path, LongSupplier clock) {
        this.path = path;
        this.file = path == null ? null : new StateFile(path);
        this.journal = path == null ? null : new GroupJournal(path);
        this.clock = clock;
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-push-groups");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The groups as last logged: the state file with the journal's changes applied, none without
     * a state file. Opens the journal for writing even when the state file is damaged (then
     * throws, and start goes on with no groups).
     */
    /**
     * What start restores: the groups, and for each group whose last logged change was a push,
     * the series that push made leave it (see {@link PushGroups} on redoing a push whose store
     * commit a crash cut short).
     */
    record Loaded(List<GroupView> groups, java.util.Map<Labels, List<Labels>> lastPushLeaving) {
    }

    Loaded load() throws IOException {
        if (file == null) {
            return new Loaded(List.of(), java.util.Map.of());
        }
        List<GroupView> base;
        try {
            base = file.load();
        } catch (IOException | RuntimeException e) {
            journal.open();
            dirty = true;
            throw e;
        }
        List<GroupJournal.Change> changes = journal.open();
        java.util.HashMap<Labels, List<Labels>> leaving = new java.util.HashMap<>();
        if (changes.isEmpty()) {
            return new Loaded(base, leaving);
        }
        LinkedHashMap<Labels, GroupView> byKey = new LinkedHashMap<>();
        for (GroupView g : base) {
            byKey.put(g.key(), g);
        }
        for (GroupJournal.Change c : changes) {
            if (c.group() == null) {
                byKey.remove(c.key());
                leaving.remove(c.key());
            } else {
                byKey.put(c.key(), c.group());
                leaving.put(c.key(), c.leaving());
            }
        }
        dirty = true;
        LOG.info("push groups: " + changes.size() + " changes replayed from the journal over " + base.size() + " checkpointed groups");
        return new Loaded(new ArrayList<>(byKey.values()), leaving);
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

    /**
     * Group membership changes: logs the group's new state and the stored series leaving it;
     * returns once it is on disk.
     */
    void changed(GroupView group, List<Labels> leaving) throws IOException {
        if (journal != null && group != null) {
            journal.logGroup(group, leaving);
        }
        dirty = true;
    }

    /** A group was removed: logs it; returns once it is on disk. */
    void removed(Labels key) throws IOException {
        if (journal != null) {
            journal.logDelete(key);
        }
        dirty = true;
    }

    /** Only push times and values changed. */
    void timesChanged() {
        timesDirty = true;
    }

    /**
     * Writes a checkpoint now if anything changed since the last one: a new journal segment is
     * started first, so every change logged in the older segments is in the snapshot taken after
     * (a change is logged under its group's lock after the group was updated, and the snapshot
     * takes every group's lock); those segments are deleted once the state file is renamed into
     * place. Changes in the new segment may already be in the checkpoint; replaying them again
     * is harmless, as each one carries the group's whole state.
     */
    synchronized void save() throws IOException {
        if (file == null || !(dirty || timesDirty)) {
            return;
        }
        long last = journal.roll();
        dirty = false;
        timesDirty = false;
        try {
            file.write(snapshot.get());
            lastSaveMs = clock.getAsLong();
        } catch (IOException | RuntimeException e) {
            dirty = true;
            throw e;
        }
        journal.dropUpTo(last);
    }

    private void saveQuietly() {
        try {
            boolean due = clock.getAsLong() - lastSaveMs >= TIMES_SAVE_INTERVAL_MS;
            if ((dirty || timesDirty) && (due || journal.bytesSinceCheckpoint() >= JOURNAL_CHECKPOINT_BYTES)) {
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
        try {
            save();
        } finally {
            if (journal != null) {
                journal.close();
            }
        }
    }
}
