package dev.vigil.tsdb.tombstones;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Querier;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The deletions in force, immutable: a querier seen through them has no sample a tombstone
 * covers, whether it reads the head or a block. Matchers rather than series ids, so one
 * deletion covers the head and every block alike.
 */
public final class Tombstones {
    public static final Tombstones NONE = new Tombstones(List.of());

    private final List<Tombstone> all;

    public Tombstones(List<Tombstone> all) {
        this.all = List.copyOf(all);
    }

    public List<Tombstone> all() {
        return all;
    }

    public boolean isEmpty() {
        return all.isEmpty();
    }

    public Tombstones with(Tombstone t) {
        List<Tombstone> next = new ArrayList<>(all);
        next.add(t);
        return new Tombstones(next);
    }

    /** The tombstones that {@code keep} accepts. */
    public Tombstones retain(Predicate<Tombstone> keep) {
        List<Tombstone> next = new ArrayList<>();
        for (Tombstone t : all) {
            if (keep.test(t)) {
                next.add(t);
            }
        }
        return next.size() == all.size() ? this : new Tombstones(next);
    }

    /** True if some tombstone covers part of [from, to]. */
    public boolean overlaps(long from, long to) {
        for (Tombstone t : all) {
            if (t.overlaps(from, to)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The deleted intervals of one series, sorted and merged as {mint0, maxt0, mint1, ...}, or
     * null when nothing of it is deleted.
     */
    long[] intervalsFor(Labels labels) {
        List<long[]> hit = null;
        for (Tombstone t : all) {
            if (t.selects(labels)) {
                if (hit == null) {
                    hit = new ArrayList<>();
                }
                hit.add(new long[] {t.mint(), t.maxt()});
            }
        }
        if (hit == null) {
            return null;
        }
        hit.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] out = new long[hit.size() * 2];
        int n = 0;
        for (long[] iv : hit) {
            if (n > 0 && iv[0] <= out[n - 1] + 1) {
                out[n - 1] = Math.max(out[n - 1], iv[1]);
            } else {
                out[n++] = iv[0];
                out[n++] = iv[1];
            }
        }
        return n == out.length ? out : java.util.Arrays.copyOf(out, n);
    }

    /** {@code q} without the deleted samples (and without series left with none); {@code q} itself if none. */
    public Querier filter(Querier q) {
        return all.isEmpty() ? q : new TombstoneQuerier(q, this);
    }

    @Override
    public String toString() {
        return all.toString();
    }
}
