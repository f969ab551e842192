package dev.vigil.tsdb.tombstones;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import java.util.List;

/**
 * One deletion: the samples in [mint, maxt] (ms, both ends included) of every series that all
 * matchers select.
 */
public record Tombstone(List<Matcher> matchers, long mint, long maxt) {
    public Tombstone {
        matchers = List.copyOf(matchers);
        if (maxt < mint) {
            throw new IllegalArgumentException("tombstone ends (" + maxt + ") before it starts (" + mint + ")");
        }
    }

    public boolean selects(Labels labels) {
        for (Matcher m : matchers) {
            if (!m.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    public boolean overlaps(long from, long to) {
        return mint <= to && from <= maxt;
    }
}
