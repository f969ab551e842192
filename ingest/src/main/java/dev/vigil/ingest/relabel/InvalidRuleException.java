package dev.vigil.ingest.relabel;

/** A relabelling rule Prometheus would refuse; {@link #index()} says which one of its list. */
public final class InvalidRuleException extends IllegalArgumentException {
    private final int index;

    InvalidRuleException(int index, String message) {
        super(message);
        this.index = index;
    }

    /** The rule's position in its list, from 0. */
    public int index() {
        return index;
    }
}
