package dev.vigil.ingest.relabel;

import java.util.Locale;

/** A relabelling action, named as in a Prometheus configuration file. */
public enum Action {
    REPLACE, KEEP, DROP, KEEPEQUAL, DROPEQUAL, HASHMOD, LABELMAP, LABELDROP, LABELKEEP, LOWERCASE, UPPERCASE;

    /** The name in a configuration file. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Case-insensitive, as Prometheus reads it. */
    public static Action parse(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        for (Action a : values()) {
            if (a.text().equals(lower)) {
                return a;
            }
        }
        throw new IllegalArgumentException("unknown relabel action \"" + s + "\"");
    }
}
