package dev.vigil.ingest.push;

import dev.vigil.ingest.push.Group.Fam;
import dev.vigil.ingest.push.Group.Slot;
import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What every group holds, for the consistency checks across groups: series → owning group and
 * family, and family → type counts, so a check costs the size of the push, not of everything
 * stored. A push is checked and applied in one step ({@link #admit}) and undone if its commit
 * fails ({@link #undo}). All methods hold this object's monitor, a short step for each push.
 */
final class GroupIndex {
    private record Owner(Group group, String family) {
    }

    /** Unchecked (--push.disable-consistency-check): nothing is refused, but ownership is still worked out. */
    private final boolean checked;
    /** Stored series labels → the group and family that own it. */
    private final HashMap<Labels, Owner> owners = new HashMap<>();
    /** Bumped by every change of {@link #owners}; a group's verified ownership is valid while it stays. */
    private long version;
    /** Family name → type → number of groups holding the family with that type. */
    private final HashMap<String, HashMap<String, Integer>> types = new HashMap<>();

    GroupIndex(boolean checked) {
        this.checked = checked;
    }

    /** Index changes of one push, reverted when its commit fails. */
    static final class Undo {
        private final HashMap<Labels, Owner> owners = new HashMap<>();
        private final List<Object[]> types = new ArrayList<>();
    }

    /**
     * Checks a push of {@code fresh} to {@code g} (replacing the families {@code replaced}) against
     * the other groups, and on success moves the index to the state after it: series that leave
     * the group are added to {@code leaving}, changes to {@code undo}. {@code unchanged}: the push
     * carries the group's current families with the same label instances; {@code stored} the
     * pushed stored labels, or null to work them out.
     *
     * @return the first consistency error, or null
     */
    synchronized String admit(Group g, Map<String, Fam> fresh, Set<String> replaced, boolean unchanged, Set<Labels> stored,
            List<Labels> leaving, Undo undo) {
        boolean[] owned = {unchanged};
        // Unchanged families whose ownership was verified with the index as it still is:
        // the per-series owner lookups would find this group again, only types can differ.
        boolean known = unchanged && g.ownedAt == version;
        String err = check(g, fresh, replaced, owned, known);
        if (err == null && owned[0] && fresh.size() == g.families.size()) {
            g.ownedAt = version;
        }
        if (err == null && !owned[0]) {
            apply(g, fresh, replaced, stored == null ? storedOf(fresh) : stored, leaving, undo);
        }
        // else: same families, types and series, all owned by this group: the index stays as it is
        return err;
    }

    /**
     * The first consistency error of a push against the other groups, or null. {@code owned[0]}
     * stays true only if every pushed series is already owned by this group under the same family
     * (then a push of unchanged families leaves the index as it is).
     */
    private String check(Group g, Map<String, Fam> fresh, Set<String> replaced, boolean[] owned, boolean ownersKnown) {
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
                                + e.getKey().toUpperCase(Locale.ROOT);
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

    private static HashSet<Labels> storedOf(Map<String, Fam> fresh) {
        HashSet<Labels> out = new HashSet<>();
        for (Fam f : fresh.values()) {
            for (Slot s : f.slots) {
                out.add(s.stored);
            }
        }
        return out;
    }

    /** Moves the index to the state after a push: departing series out, pushed series and types in. */
    private void apply(Group g, Map<String, Fam> fresh, Set<String> replaced, Set<Labels> stored, List<Labels> leaving, Undo undo) {
        version++;
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

    /** Reverts what {@link #admit} changed for a push whose commit failed. */
    synchronized void undo(Undo undo) {
        version++;
        for (Map.Entry<Labels, Owner> e : undo.owners.entrySet()) {
            if (e.getValue() == null) {
                owners.remove(e.getKey());
            } else {
                owners.put(e.getKey(), e.getValue());
            }
        }
        for (int i = undo.types.size() - 1; i >= 0; i--) {
            Object[] c = undo.types.get(i);
            countType((String) c[0], (String) c[1], (Integer) c[2], null);
        }
    }

    /** Takes a removed group's families and series out. */
    synchronized void remove(Group g) {
        version++;
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

    /** Adds a family of a group restored from the state file. */
    synchronized void restore(Group g, Fam f) {
        for (Slot s : f.slots) {
            owners.put(s.stored, new Owner(g, f.name));
        }
        countType(f.name, f.type, +1, null);
    }

    /** Forgets everything (a state file that could not be restored). */
    synchronized void clear() {
        owners.clear();
        types.clear();
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
}
