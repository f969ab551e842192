package dev.vigil.ingest.push;

import dev.vigil.ingest.push.Group.Fam;
import dev.vigil.ingest.push.Group.Slot;
import dev.vigil.ingest.text.SeriesCache;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Storage;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Push groups with the semantics of the push API Flink's reporter speaks: a group is {@code job}
 * plus the grouping labels of the URL; PUT replaces the group, POST replaces the families it
 * carries, DELETE removes the group.
 *
 * <p>Every accepted push is written to the store at once, at the receive time, in one appender
 * transaction committed before the caller answers: the group's samples, staleness markers for
 * series that left the group, and the group's {@code push_time_seconds} /
 * {@code push_failure_time_seconds}. Timestamps are strictly increasing per group (a second push
 * in the same millisecond is written 1 ms later), so a replaced value never collides with the
 * previous one.
 *
 * <p>Consistency checks (a series pushed twice, a series owned by another group, a family typed
 * differently in another group) go through the {@link GroupIndex}; the store writes through the
 * {@link GroupWriter}; the state file and the TTL expiry run in the {@link GroupState}. Pushes to
 * different groups run in parallel except for the short index step; pushes to one group are
 * serialised.
 */
public final class PushGroups implements Closeable {
    private static final Logger LOG = Logger.getLogger(PushGroups.class.getName());

    private final PushOptions options;
    private final LongSupplier clock;
    private final ConcurrentHashMap<Labels, Group> groups = new ConcurrentHashMap<>();
    /** Per group, the series cache its pushes are parsed with (see {@link #parseLease}). */
    private final ParseCaches parseCaches = new ParseCaches(Runtime.getRuntime().maxMemory() / 8);
    private final GroupIndex index;
    private final GroupWriter writer;
    private final GroupState state;
    private volatile String stateWarning;

    public PushGroups(Storage storage, PushOptions options, LongSupplier clock) {
        this.options = options;
        this.clock = clock;
        this.index = new GroupIndex(options.consistencyCheck());
        this.writer = new GroupWriter(storage);
        this.state = new GroupState(options.stateFile(), clock);
        try {
            for (GroupView v : state.load()) {
                restore(v);
            }
        } catch (IOException | RuntimeException e) {
            stateWarning = "push group state " + options.stateFile() + " is damaged (" + e.getMessage() + "); set aside as "
                    + state.setAside() + ", starting with no groups";
            LOG.log(Level.WARNING, stateWarning);
            groups.clear();
            index.clear();
        }
        state.start(this::groups, options.groupTtlMs(), this::expire);
    }

    /** Why the state file could not be used at start, or null. */
    public String stateWarning() {
        return stateWarning;
    }

    public PushOptions options() {
        return options;
    }

    /**
     * The series cache to parse a text push to the group {@code key} with: the group's own (its
     * series in the order of its last push, so the parse hashes nothing and returns the label
     * instances the group already holds). Waits while another push to the group is parsing;
     * close the lease as soon as the parse is done, before {@link #push}. The budget for all
     * caches is an eighth of the heap (430,000 Flink series take about 200 MB of key bytes).
     */
    public ParseLease parseLease(Labels key) {
        return parseCaches.take(key);
    }

    /** Forgets the group's parse cache if the group does not exist (a refused first push). */
    public void releaseParseCacheIfNoGroup(Labels key) {
        if (!groups.containsKey(key)) {
            parseCaches.drop(key);
        }
    }

    /** A group's parse cache, held by one parse at a time. */
    public static final class ParseLease implements AutoCloseable {
        private final SeriesCache cache;
        private final Runnable release;
        private boolean closed;

        ParseLease(SeriesCache cache, Runnable release) {
            this.cache = cache;
            this.release = release;
        }

        public SeriesCache cache() {
            return cache;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release.run();
            }
        }
    }

    /**
     * Applies a push: {@code replaceAll} for PUT (the whole group), false for POST (the families
     * in the body). On success the samples are committed to the store.
     *
     * @throws PushException for consistency errors (then push_failure_time_seconds was set) or
     *     limits (then nothing changed)
     * @throws IOException when the store could not commit (nothing changed)
     */
    public void push(Labels key, boolean replaceAll, PushBody body) throws PushException, IOException {
        long now = clock.getAsLong();
        Group g = lockGroup(key);
        try {
            long t = Math.max(now, g.lastWriteMs + 1);
            if (body.firstTimestampLine() != 0) {
                throw fail(g, now, t, "pushed metrics must not have timestamps");
            }
            // Build the new families. A reporter re-pushes the same series in the same order, and
            // the group's parse cache hands back the same label instances: when every family
            // pushed equals the group's current one series for series (by identity), the push
            // reuses the slots as they are and needs no per-series hashing to find them or to
            // look for duplicates (the group's state has none).
            boolean structural = g.pristine();
            LinkedHashMap<String, Fam> fresh = new LinkedHashMap<>();
            boolean unchanged = unchangedShape(g, body, replaceAll);
            HashMap<Labels, Slot> newSlots = null;
            HashSet<Labels> stored = null;
            if (!unchanged) {
                newSlots = new HashMap<>(Math.max(16, body.samples() * 2));
                stored = new HashSet<>(Math.max(16, body.samples() * 2));
            }
            for (PushBody.Family f : body.families().values()) {
                if (f.name.equals(GroupView.PUSH_TIME) || f.name.equals(GroupView.PUSH_FAILURE_TIME)) {
                    continue; // the group's own gauges win, silently
                }
                String type = f.type == null ? "untyped" : f.type;
                int n = f.size();
                Fam before = g.families.get(f.name);
                Slot[] slots;
                if (unchanged) {
                    slots = before.slots;
                } else {
                    slots = new Slot[n];
                    for (int i = 0; i < n; i++) {
                        Labels bl = f.labels(i);
                        Slot s = newSlots.get(bl);
                        if (s == null) {
                            s = g.slots.get(bl);
                            if (s == null) {
                                s = new Slot(bl, merge(bl, key));
                                structural = true;
                            } else if (s.body != bl) {
                                // Equal labels from another parse: keep this instance so the next push is recognised by identity.
                                Slot same = new Slot(bl, s.stored);
                                same.ref = s.ref;
                                s = same;
                            }
                            newSlots.put(bl, s);
                        }
                        if (!stored.add(s.stored) && options.consistencyCheck()) {
                            throw fail(g, now, t, "collected metric " + ProtoText.metric(f.name, type, s.stored, f.values[i])
                                    + " was collected before with the same name and label values");
                        }
                        slots[i] = s;
                    }
                }
                if (before == null || !before.type.equals(type) || !Objects.equals(before.help, f.help) || before.slots.length != n) {
                    structural = true;
                }
                fresh.put(f.name, new Fam(f.name, type, f.help, now, slots, Arrays.copyOf(f.values, n)));
            }
            Set<String> replaced = replaceAll ? new HashSet<>(g.families.keySet()) : fresh.keySet();
            List<Labels> leaving = new ArrayList<>();
            GroupIndex.Undo undo = new GroupIndex.Undo();
            String err = index.admit(g, fresh, replaced, unchanged, stored, leaving, undo);
            if (err != null) {
                throw fail(g, now, t, err); // outside the index lock: it commits to the store
            }
            boolean ok = false;
            try {
                writer.write(g, t, fresh, leaving, t / 1000.0, g.pristine() ? 0 : g.failureTime);
                ok = true;
            } finally {
                if (!ok) {
                    index.undo(undo);
                    if (g.pristine()) {
                        forget(g);
                    }
                }
            }
            LinkedHashMap<String, Fam> fams = replaceAll ? new LinkedHashMap<>() : new LinkedHashMap<>(g.families);
            for (Fam f : fresh.values()) {
                if (f.slots.length == 0) {
                    fams.remove(f.name);
                } else {
                    fams.put(f.name, f);
                }
            }
            if (g.pristine()) {
                g.failureStampMs = now;
            }
            g.families = fams;
            if (!unchanged) {
                HashMap<Labels, Slot> all = replaceAll ? newSlots : new HashMap<>();
                if (!replaceAll) {
                    for (Fam f : fams.values()) {
                        for (Slot s : f.slots) {
                            all.put(s.body, s);
                        }
                    }
                }
                g.slots = all;
            }
            g.pushTime = t / 1000.0;
            g.pushStampMs = now;
            g.lastPushMs = now;
            g.lastWriteMs = t;
            if (structural || !leaving.isEmpty() || (replaceAll && fams.size() != fresh.size())) {
                state.changed();
            } else {
                state.timesChanged();
            }
        } finally {
            g.lock.unlock();
        }
    }

    /**
     * Whether the push carries exactly the group's current families (for PUT: all of them; for
     * POST: each one it carries), each with the same label instances in the same order and the
     * same type and help; then the group's slots can be reused without lookups.
     */
    private static boolean unchangedShape(Group g, PushBody body, boolean replaceAll) {
        int pushed = 0;
        for (PushBody.Family f : body.families().values()) {
            if (f.name.equals(GroupView.PUSH_TIME) || f.name.equals(GroupView.PUSH_FAILURE_TIME)) {
                continue;
            }
            Fam before = g.families.get(f.name);
            int n = f.size();
            if (before == null || n == 0 || before.slots.length != n || !before.type.equals(f.type == null ? "untyped" : f.type)
                    || !Objects.equals(before.help, f.help)) {
                return false;
            }
            Slot[] slots = before.slots;
            for (int i = 0; i < n; i++) {
                if (slots[i].body != f.labels(i)) {
                    return false;
                }
            }
            pushed++;
        }
        return pushed > 0 && (!replaceAll || pushed == g.families.size());
    }

    /** Records a rejected push: failure time set (group created if new), written to the store. */
    private PushException fail(Group g, long now, long t, String message) throws IOException {
        boolean pristine = g.pristine();
        try {
            writer.writeFailure(g, t, pristine);
        } catch (IOException | RuntimeException e) {
            if (pristine) {
                forget(g);
            }
            throw e;
        }
        if (pristine) {
            g.pushTime = 0;
            g.pushStampMs = now;
        }
        g.failureTime = t / 1000.0;
        g.failureStampMs = now;
        g.lastPushMs = now;
        g.lastWriteMs = t;
        if (pristine) {
            state.changed();
        } else {
            state.timesChanged();
        }
        return new PushException(PushException.INCONSISTENT + message, true);
    }

    /** Stored labels: the pushed ones with the grouping labels set over them (an empty grouping value removes the label). */
    static Labels merge(Labels body, Labels key) {
        Labels.Builder b = body.toBuilder();
        key.forEach(b::set);
        if (key.has(GroupKeys.EMPTY)) {
            b.remove(GroupKeys.EMPTY);
            for (String n : GroupKeys.emptyNames(key)) {
                b.remove(n);
            }
        }
        return b.build();
    }

    private Group lockGroup(Labels key) {
        while (true) {
            Group g = groups.computeIfAbsent(key, Group::new);
            g.lock.lock();
            if (!g.removed) {
                return g;
            }
            g.lock.unlock();
        }
    }

    private void forget(Group g) {
        g.removed = true;
        groups.remove(g.key, g);
        parseCaches.drop(g.key);
    }

    /** Removes a group (DELETE): staleness markers for all its series. Unknown groups are fine. */
    public boolean delete(Labels key) throws IOException {
        Group g = groups.get(key);
        if (g == null) {
            return false;
        }
        g.lock.lock();
        try {
            if (g.removed) {
                return false;
            }
            remove(g, clock.getAsLong());
            return true;
        } finally {
            g.lock.unlock();
        }
    }
    /** Holds g.lock. */
    private void remove(Group g, long now) throws IOException {
        writer.writeRemoval(g, Math.max(now, g.lastWriteMs + 1));
        index.remove(g);
        forget(g);
        state.changed();
    }

    /** Removes every group ({@code PUT /api/v1/admin/wipe}); returns how many. */
    public int wipe() throws IOException {
        int n = 0;
        for (Labels k : new ArrayList<>(groups.keySet())) {
            if (delete(k)) {
                n++;
            }
        }
        return n;
    }

    /** Removes the groups nobody pushed to for the TTL; returns how many. */
    public int expire() throws IOException {
        long ttl = options.groupTtlMs();
        if (ttl <= 0) {
            return 0;
        }
        int n = 0;
        for (Group g : new ArrayList<>(groups.values())) {
            long now = clock.getAsLong();
            if (now - g.lastPushMs < ttl || !g.lock.tryLock()) {
                continue;
            }
            try {
                if (!g.removed && now - g.lastPushMs >= ttl) {
                    LOG.info("push group " + g.key + " expired: no push for " + (now - g.lastPushMs) + " ms");
                    remove(g, now);
                    n++;
                }
            } finally {
                g.lock.unlock();
            }
        }
        return n;
    }
    /** A copy of every group, in key order. */
    public List<GroupView> groups() {
        List<GroupView> out = new ArrayList<>(groups.size());
        for (Group g : groups.values()) {
            GroupView v = view(g);
            if (v != null) {
                out.add(v);
            }
        }
        out.sort((a, b) -> a.key().compareTo(b.key()));
        return out;
    }

    public int size() {
        return groups.size();
    }

    private static GroupView view(Group g) {
        g.lock.lock();
        try {
            if (g.removed) {
                return null;
            }
            List<GroupView.FamilyView> fams = new ArrayList<>(g.families.size());
            for (Fam f : g.families.values()) {
                Labels[] body = new Labels[f.slots.length];
                Labels[] stored = new Labels[f.slots.length];
                for (int i = 0; i < body.length; i++) {
                    body[i] = f.slots[i].body;
                    stored[i] = f.slots[i].stored;
                }
                fams.add(new GroupView.FamilyView(f.name, f.type, f.help, f.timestampMs, body, stored, f.values));
            }
            return new GroupView(g.key, fams, g.pushTime, g.failureTime, g.pushStampMs, g.failureStampMs, g.lastPushMs);
        } finally {
            g.lock.unlock();
        }
    }
    /** Rebuilds a group from the state file (no store writes: its samples are already stored). */
    private void restore(GroupView v) {
        Group g = new Group(v.key());
        for (GroupView.FamilyView f : v.families()) {
            Slot[] slots = new Slot[f.bodyLabels().length];
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new Slot(f.bodyLabels()[i], merge(f.bodyLabels()[i], v.key()));
                g.slots.put(slots[i].body, slots[i]);
            }
            Fam fam = new Fam(f.name(), f.type(), f.help(), f.timestampMs(), slots, f.values());
            index.restore(g, fam);
            g.families.put(f.name(), fam);
        }
        g.pushTime = v.pushTimeSeconds();
        g.failureTime = v.failureTimeSeconds();
        g.pushStampMs = v.pushStampMs();
        g.failureStampMs = v.failureStampMs();
        g.lastPushMs = v.lastPushMs();
        g.lastWriteMs = Math.max(v.lastPushMs(), (long) (Math.max(v.pushTimeSeconds(), v.failureTimeSeconds()) * 1000));
        groups.put(g.key, g);
    }

    /** Writes the state file now if anything changed since the last write. */
    public void save() throws IOException {
        state.save();
    }

    @Override
    public void close() throws IOException {
        state.close();
    }
}
