package dev.vigil.server.ops;

import dev.vigil.server.http.PlainText;
import io.undertow.server.HttpHandler;
import dev.vigil.server.http.Role;
import dev.vigil.server.http.Routes;
import java.util.function.BiFunction;
import java.util.function.BooleanSupplier;

/**
 * {@code /-/healthy}, {@code /-/ready}, {@code /-/reload}, {@code /-/quit} with Prometheus's status
 * codes and bodies; reload and quit only with {@code --web.enable-lifecycle}.
 */
public final class Lifecycle {
    /** What reload and quit do. */
    public interface Actions {
        /** Re-reads the configuration; returns null on success or the error text. */
        String reload();

        /** Starts a clean shutdown in the background. */
        void quit();
    }

    private final BooleanSupplier ready;
    private final boolean enabled;
    private final Actions actions;

    public Lifecycle(BooleanSupplier ready, boolean enabled, Actions actions) {
        this.ready = ready;
        this.enabled = enabled;
        this.actions = actions;
    }

    /** The health and readiness probes (both ports). */
    public void registerProbes(Routes r, BiFunction<String, HttpHandler, HttpHandler> wrap) {
        HttpHandler healthy = wrap.apply("/-/healthy", ex -> PlainText.send(ex, 200, "Vigil is Healthy.\n"));
        HttpHandler readyH = wrap.apply("/-/ready", ex -> {
            if (ready.getAsBoolean()) {
                PlainText.send(ex, 200, "Vigil is Ready.\n");
            } else {
                PlainText.send(ex, 503, "Service Unavailable");
            }
        });
        r.get(Role.PUBLIC, "/-/healthy", healthy).add(Role.PUBLIC, "HEAD", "/-/healthy", healthy);
        r.get(Role.PUBLIC, "/-/ready", readyH).add(Role.PUBLIC, "HEAD", "/-/ready", readyH);
    }

    /** Probes plus reload and quit (the main port). */
    public void register(Routes r, BiFunction<String, HttpHandler, HttpHandler> wrap) {
        registerProbes(r, wrap);
        HttpHandler wrongMethod = ex -> PlainText.send(ex, 405, "Only POST or PUT requests allowed");
        HttpHandler reload = wrap.apply("/-/reload", ex -> {
            if (!enabled) {
                PlainText.send(ex, 403, "Lifecycle API is not enabled.");
                return;
            }
            // Reading the file blocks: off the I/O thread.
            ex.dispatch(ex2 -> {
                String err = actions.reload();
                if (err == null) {
                    PlainText.send(ex2, 200, "");
                } else {
                    PlainText.send(ex2, 500, "failed to reload config: " + err + "\n");
                }
            });
        });
        HttpHandler quit = wrap.apply("/-/quit", ex -> {
            if (!enabled) {
                PlainText.send(ex, 403, "Lifecycle API is not enabled.");
                return;
            }
            PlainText.send(ex, 200, "Requesting termination... Goodbye!");
            actions.quit();
        });
        for (String m : new String[] {"POST", "PUT"}) {
            r.add(Role.ADMIN, m, "/-/reload", reload);
            r.add(Role.ADMIN, m, "/-/quit", quit);
        }
        // A GET never acts: 405 as Prometheus answers, and only to an administrator.
        r.get(Role.ADMIN, "/-/reload", wrongMethod);
        r.get(Role.ADMIN, "/-/quit", wrongMethod);
    }
}
