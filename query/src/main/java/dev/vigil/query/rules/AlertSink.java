package dev.vigil.query.rules;

import java.util.List;

/** Where alerts that need sending go after each evaluation (firing and resolved, never pending). */
@FunctionalInterface
public interface AlertSink {
    /** Sends nothing: the default until a notifier is configured. */
    AlertSink NONE = alerts -> {
    };

    /** Called from the evaluating thread; must not block for long. */
    void send(List<OutgoingAlert> alerts);
}
