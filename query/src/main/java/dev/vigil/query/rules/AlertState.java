package dev.vigil.query.rules;

/** An alert's state, ordered as Prometheus orders them (a rule shows its highest alert's). */
public enum AlertState {
    INACTIVE, PENDING, FIRING;

    /** The API's spelling. */
    public String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
