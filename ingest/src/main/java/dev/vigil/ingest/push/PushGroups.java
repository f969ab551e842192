package dev.vigil.ingest.push;

import dev.vigil.ingest.text.SeriesCache;
import dev.vigil.tsdb.AppendRejectedException;
import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Storage;
import dev.vigil.tsdb.Values;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
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
 * differently in another group) use two indexes updated with each push — series → owning group
 * and family → type counts — so a check costs the size of the push, not of everything stored.
 * Pushes to different groups run in parallel except for the short index step; pushes to one
 * group are serialised.
 */
public final class PushGroups implements Closeable {
    private static final Logger LOG = Logger.getLogger(PushGroups.class.getName());

    public static final String PUSH_TIME = "push_time_seconds";
    public static final String PUSH_FAILURE_TIME = "push_failure_time_seconds";
    public static final String PUSH_TIME_HELP = "Last Unix time when changing this group in the Pushgateway succeeded.";
    public static final String PUSH_FAILURE_TIME_HELP = "Last Unix time when changing this group in the Pushgateway failed.";
    private static final Metadata GAUGE_OK = new Metadata("gauge", PUSH_TIME_HELP, "");
    private static final Metadata GAUGE_FAIL = new Metadata("gauge", PUSH_FAILURE_TIME_HELP, "");

    private final Storage storage;
    private final PushOptions options;
    private final LongSupplier clock;
    private final ConcurrentHashMap<Labels, Group> groups = new ConcurrentHashMap<>();
    /** Per group, the series cache its pushes are parsed with (see {@link #parseLease}). */
    private final ParseCaches parseCaches = new ParseCaches(Runtime.getRuntime().maxMemory() / 8);
    private final Object indexLock = new Object();
    /** Stored series labels → the group and family that own it. Guarded by indexLock. */
    private final HashMap<Labels, Owner> owners = new HashMap<>();
    /** Bumped by every change of {@link #owners}; a group's verified ownership is valid while it stays. Guarded by indexLock. */
    private long indexVersion;
    /** Family name → type → number of groups holding the family with that type. Guarded by indexLock. */
    private final HashMap<String, HashMap<String, Integer>> types = new HashMap<>();
    private final StateFile state;
    private final ScheduledExecutorService background;
    /** Group membership changed (groups, families, series, types, help): written within a second. */
    private volatile boolean dirty;
    /** Only push times and values changed: written at most every {@link #TIMES_SAVE_INTERVAL_MS}. */
    private volatile boolean timesDirty;
    private volatile long lastSaveMs;
    /**
     * A steady Flink cluster re-pushes the same series every interval; rewriting the whole state
     * for new values alone would cost a full write per second at 430,000 series, for data the
     * store already has. After a crash, push times (the TTL clock) and the values shown by the
     * JSON API may be this old; series membership never is more than a second old.
     */
    static final long TIMES_SAVE_INTERVAL_MS = 30_000;
    private volatile String stateWarning;

    private record Owner(Group group, String family) {
    }

    /** A series of a group: pushed labels, stored labels, the store's reference. */
    static final class Slot {
        final Labels body;
        final Labels stored;
        long ref;

        Slot(Labels body, Labels stored) {
            this.body = body;
            this.stored = stored;
        }
    }

    static final class Fam {
        final String name;
        final String type;
        final String help;
        final long timestampMs;
        final Slot[] slots;
        final double[] values;

        Fam(String name, String type, String help, long timestampMs, Slot[] slots, double[] values) {
            this.name = name;
            this.type = type;
            this.help = help;
            this.timestampMs = timestampMs;
            this.slots = slots;
            this.values = values;
        }
    }

    static final class Group {
        final Labels key;
        final Labels pushTimeLabels;
        final Labels failureLabels;
        final ReentrantLock lock = new ReentrantLock();
        LinkedHashMap<String, Fam> families = new LinkedHashMap<>();
        HashMap<Labels, Slot> slots = new HashMap<>();
        double pushTime;
        double failureTime;
        long pushStampMs;
        long failureStampMs;
        long lastPushMs;
        long lastWriteMs;
        long pushRef;
        long failRef;
        boolean removed;
        /**
         * The {@link #indexVersion} at which every series of every family of this group was seen
         * owned by this group under that family, or -1. Guarded by indexLock.
         */
        long ownedAt = -1;

        Group(Labels key) {
            this.key = key;
            this.pushTimeLabels = GroupKeys.stored(key).toBuilder().set(Labels.METRIC_NAME, PUSH_TIME).build();
            this.failureLabels = GroupKeys.stored(key).toBuilder().set(Labels.METRIC_NAME, PUSH_FAILURE_TIME).build();
        }

        boolean pristine() {
            return lastPushMs == 0 && families.isEmpty();
        }
    }

    public PushGroups(Storage storage, PushOptions options, LongSupplier clock) {
        this.storage = storage;
        this.options = options;
        this.clock = clock;
        this.state = options.stateFile() == null ? null : new StateFile(options.stateFile());
        if (state != null) {
            try {
                for (GroupView v : state.load()) {
                    restore(v);
                }
            } catch (IOException | RuntimeException e) {
                stateWarning = "push group state " + options.stateFile() + " is damaged (" + e.getMessage() + "); set aside as "
                        + state.setAside(clock.getAsLong()) + ", starting with no groups";
                LOG.log(Level.WARNING, stateWarning);
                groups.clear();
                owners.clear();
                types.clear();
            }
        }
        this.background = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vigil-push-groups");
            t.setDaemon(true);
            return t;
        });
        if (state != null) {
            background.scheduleWithFixedDelay(this::saveQuietly, 1, 1, TimeUnit.SECONDS);
        }
        if (options.groupTtlMs() > 0) {
            long period = Math.max(100, Math.min(10_000, options.groupTtlMs() / 4));
            background.scheduleWithFixedDelay(this::expireQuietly, period, period, TimeUnit.MILLISECONDS);
        }
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
                if (f.name.equals(PUSH_TIME) || f.name.equals(PUSH_FAILURE_TIME)) {
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
                if (before == null || !before.type.equals(type) || !java.util.Objects.equals(before.help, f.help) || before.slots.length != n) {
                    structural = true;
                }
                fresh.put(f.name, new Fam(f.name, type, f.help, now, slots, java.util.Arrays.copyOf(f.values, n)));
            }
            Set<String> replaced = replaceAll ? new HashSet<>(g.families.keySet()) : fresh.keySet();
            List<Labels> leaving = new ArrayList<>();
            Undo undo = new Undo();
            String err;
            synchronized (indexLock) {
                boolean[] owned = {unchanged};
                // Unchanged families whose ownership was verified with the index as it still is:
                // the per-series owner lookups would find this group again, only types can differ.
                boolean known = unchanged && g.ownedAt == indexVersion;
                err = check(g, fresh, replaced, owned, known);
                if (err == null && owned[0] && fresh.size() == g.families.size()) {
                    g.ownedAt = indexVersion;
                }
                if (err == null && !owned[0]) {
                    if (stored == null) {
                        stored = storedOf(fresh);
                    }
                    apply(g, fresh, replaced, stored, leaving, undo);
                }
                // else: same families, types and series, all owned by this group: the index stays as it is
            }
            if (err != null) {
                throw fail(g, now, t, err); // outside the index lock: it commits to the store
            }
            boolean ok = false;
            try {
                write(g, t, fresh, leaving, t / 1000.0, g.pristine() ? 0 : g.failureTime);
                ok = true;
            } finally {
                if (!ok) {
                    synchronized (indexLock) {
                        undo.apply();
                    }
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
                dirty = true;
            } else {
                timesDirty = true;
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
            if (f.name.equals(PUSH_TIME) || f.name.equals(PUSH_FAILURE_TIME)) {
                continue;
            }
            Fam before = g.families.get(f.name);
            int n = f.size();
            if (before == null || n == 0 || before.slots.length != n || !before.type.equals(f.type == null ? "untyped" : f.type)
                    || !java.util.Objects.equals(before.help, f.help)) {
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

    private static HashSet<Labels> storedOf(Map<String, Fam> fresh) {
        HashSet<Labels> out = new HashSet<>();
        for (Fam f : fresh.values()) {
            for (Slot s : f.slots) {
                out.add(s.stored);
            }
        }
        return out;
    }

    /** Moves the index to the state after a push: departing series out, pushed series and types in. Holds indexLock. */
    private void apply(Group g, Map<String, Fam> fresh, Set<String> replaced, Set<Labels> stored, List<Labels> leaving, Undo undo) {
        indexVersion++;
        for (String name : replaced) {
            Fam old = g.families.get(name);
            if (old == null) {
                continue;
            }
            countType(name, old.type, -1, undo);
            for (Slot s : old.slots) {
                if (!stored.contains(s.stored)) {
                    leaving.add(s.stored);
                    Owner o = owners.get(s.stored);
                    if (o != null && o.group == g) {
                        owners.remove(s.stored);
                        undo.owners.put(s.stored, o);
                    }
                }
            }
        }
        for (Fam f : fresh.values()) {
            if (f.slots.length == 0) {
                continue; // a TYPE line without samples: the group will not hold the family, so neither may the index
            }
            countType(f.name, f.type, +1, undo);
            Owner o = new Owner(g, f.name);
            for (Slot s : f.slots) {
                Owner prev = owners.put(s.stored, o);
                if (!undo.owners.containsKey(s.stored)) {
                    undo.owners.put(s.stored, prev);
                }
            }
        }
    }

    /**
     * The first consistency error of a push against the other groups, or null. Holds indexLock.
     * {@code owned[0]} stays true only if every pushed series is already owned by this group under
     * the same family (then a push of unchanged families leaves the index as it is).
     */
    private String check(Group g, Map<String, Fam> fresh, Set<String> replaced, boolean[] owned, boolean ownersKnown) {
        // Unchecked (--push.disable-consistency-check): nothing is refused, but owned[] is still worked out.
        boolean checked = options.consistencyCheck();
        for (Fam f : fresh.values()) {
            String clash = checked && f.slots.length > 0 ? GatewayFamilies.clash(f.name, f.type) : null;
            if (clash != null) {
                return clash;
            }
            HashMap<String, Integer> counts = types.get(f.name);
            if (counts != null) {
                for (Map.Entry<String, Integer> e : counts.entrySet()) {
                    if (e.getKey().equals(f.type)) {
                        continue;
                    }
                    int own = 0;
                    Fam mine = g.families.get(f.name);
                    if (mine != null && replaced.contains(f.name) && mine.type.equals(e.getKey())) {
                        own = 1;
                    }
                    if (checked && e.getValue() - own > 0 && f.slots.length > 0) {
                        return "collected metric " + ProtoText.metric(f.name, f.type, f.slots[0].stored, f.values[0]) + " is not a "
                                + e.getKey().toUpperCase(java.util.Locale.ROOT);
                    }
                }
            }
            for (int i = 0; i < f.slots.length && !ownersKnown; i++) {
                Owner o = owners.get(f.slots[i].stored);
                if (owned[0] && (o == null || o.group != g || !o.family.equals(f.name))) {
                    owned[0] = false;
                }
                if (checked && o != null && (o.group != g || !replaced.contains(o.family))) {
                    return "collected metric " + ProtoText.metric(f.name, f.type, f.slots[i].stored, f.values[i])
                            + " was collected before with the same name and label values";
                }
            }
        }
        return null;
    }

    private void countType(String family, String type, int delta, Undo undo) {
        HashMap<String, Integer> m = types.computeIfAbsent(family, k -> new HashMap<>(4));
        int v = m.getOrDefault(type, 0) + delta;
        if (v <= 0) {
            m.remove(type);
            if (m.isEmpty()) {
                types.remove(family);
            }
        } else {
            m.put(type, v);
        }
        if (undo != null) {
            undo.types.add(new Object[] {family, type, -delta});
        }
    }

    /** Index changes of one push, reverted when its commit fails. */
    private final class Undo {
        final HashMap<Labels, Owner> owners = new HashMap<>();
        final List<Object[]> types = new ArrayList<>();

        void apply() {
            indexVersion++;
            for (Map.Entry<Labels, Owner> e : owners.entrySet()) {
                if (e.getValue() == null) {
                    PushGroups.this.owners.remove(e.getKey());
                } else {
                    PushGroups.this.owners.put(e.getKey(), e.getValue());
                }
            }
            for (int i = types.size() - 1; i >= 0; i--) {
                Object[] c = types.get(i);
                countType((String) c[0], (String) c[1], (Integer) c[2], null);
            }
        }
    }

    /** Records a rejected push: failure time set (group created if new), written to the store. */
    private PushException fail(Group g, long now, long t, String message) throws IOException {
        boolean pristine = g.pristine();
        Appender a = storage.appender();
        try {
            a.metadata(PUSH_TIME, GAUGE_OK);
            a.metadata(PUSH_FAILURE_TIME, GAUGE_FAIL);
            g.pushRef = appendQuietly(a, g.pushRef, g.pushTimeLabels, t, pristine ? 0 : g.pushTime);
            g.failRef = appendQuietly(a, g.failRef, g.failureLabels, t, t / 1000.0);
            a.commit();
        } catch (IOException | RuntimeException e) {
            a.rollback();
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
            dirty = true;
        } else {
            timesDirty = true;
        }
        return new PushException(400, PushException.INCONSISTENT + message, true);
    }

    private void write(Group g, long t, Map<String, Fam> fresh, List<Labels> leaving, double pushTime, double failureTime)
            throws IOException, PushException {
        Appender a = storage.appender();
        boolean committed = false;
        try {
            for (Fam f : fresh.values()) {
                // Metadata goes to the WAL with the commit: only when this group's view of it changed.
                Fam before = g.families.get(f.name);
                boolean same = before != null && before.type.equals(f.type) && java.util.Objects.equals(before.help, f.help);
                if (!same && (f.help != null || !"untyped".equals(f.type))) {
                    a.metadata(f.name, new Metadata(f.type, f.help == null ? "" : f.help, ""));
                }
                for (int i = 0; i < f.slots.length; i++) {
                    Slot s = f.slots[i];
                    try {
                        s.ref = a.append(s.ref, s.stored, t, f.values[i]);
                    } catch (AppendRejectedException e) {
                        if (e.reason() == AppendRejectedException.Reason.SERIES_LIMIT || e.reason() == AppendRejectedException.Reason.INVALID) {
                            throw new PushException(400, "series " + s.stored + " refused by the store: " + e.getMessage(), false);
                        }
                        // Per-group timestamps only grow; a collision here means another writer used the series. Skip it.
                    }
                }
            }
            for (Labels l : leaving) {
                appendQuietly(a, 0, l, t, Values.STALE_NAN);
            }
            if (g.pristine()) {
                a.metadata(PUSH_TIME, GAUGE_OK);
                a.metadata(PUSH_FAILURE_TIME, GAUGE_FAIL);
            }
            g.pushRef = appendQuietly(a, g.pushRef, g.pushTimeLabels, t, pushTime);
            g.failRef = appendQuietly(a, g.failRef, g.failureLabels, t, failureTime);
            a.commit();
            committed = true;
        } finally {
            if (!committed) {
                a.rollback();
            }
        }
    }

    private static long appendQuietly(Appender a, long ref, Labels l, long t, double v) {
        try {
            return a.append(ref, l, t, v);
        } catch (AppendRejectedException e) {
            return ref;
        }
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
        long t = Math.max(now, g.lastWriteMs + 1);
        Appender a = storage.appender();
        boolean committed = false;
        try {
            for (Fam f : g.families.values()) {
                for (Slot s : f.slots) {
                    appendQuietly(a, s.ref, s.stored, t, Values.STALE_NAN);
                }
            }
            appendQuietly(a, g.pushRef, g.pushTimeLabels, t, Values.STALE_NAN);
            appendQuietly(a, g.failRef, g.failureLabels, t, Values.STALE_NAN);
            a.commit();
            committed = true;
        } finally {
            if (!committed) {
                a.rollback();
            }
        }
        synchronized (indexLock) {
            indexVersion++;
            for (Fam f : g.families.values()) {
                countType(f.name, f.type, -1, null);
                for (Slot s : f.slots) {
                    Owner o = owners.get(s.stored);
                    if (o != null && o.group == g) {
                        owners.remove(s.stored);
                    }
                }
            }
        }
        forget(g);
        dirty = true;
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

    private void expireQuietly() {
        try {
            expire();
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "push group expiry failed", e);
        }
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
                owners.put(slots[i].stored, new Owner(g, f.name()));
            }
            countType(f.name(), f.type(), +1, null);
            g.families.put(f.name(), new Fam(f.name(), f.type(), f.help(), f.timestampMs(), slots, f.values()));
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
        if (state == null || !(dirty || timesDirty)) {
            return;
        }
        dirty = false;
        timesDirty = false;
        try {
            state.write(groups());
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
            LOG.log(Level.WARNING, "could not write push group state " + options.stateFile(), e);
        }
    }

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
