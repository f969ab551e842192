package dev.vigil.server.http;

import dev.vigil.server.http.auth.AccessGuard;
import dev.vigil.server.http.auth.AccessPolicy;
import dev.vigil.server.http.auth.PasswordCheck;
import dev.vigil.server.http.tls.NamedGroups;
import dev.vigil.server.http.tls.SwitchingSslContext;
import dev.vigil.server.http.tls.TlsContexts;
import dev.vigil.server.http.webconfig.RolesConfig;
import dev.vigil.server.http.webconfig.RolesParser;
import dev.vigil.server.http.webconfig.WebConfig;
import dev.vigil.server.http.webconfig.WebConfigParser;
import io.undertow.server.HttpHandler;
import io.undertow.util.HttpString;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;

/**
 * {@code --web.config.file} and {@code --web.roles.file} in force: the guard every route passes,
 * the TLS context of both listeners and the configured response headers. The files (and the
 * certificates they name) are watched and re-read when they change; a bad new version is logged
 * and the one in force stays.
 */
public final class WebSecurity implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(WebSecurity.class.getName());

    /** What one successful load produced. */
    private record State(AccessPolicy policy, SwitchingSslContext.Current tls, List<Stamp> stamps, boolean http2) {
    }

    /** A watched file's modification time and size when it was read. */
    private record Stamp(Path file, long modified, long size) {
        static Stamp of(Path f) {
            try {
                return new Stamp(f, Files.getLastModifiedTime(f).toMillis(), Files.size(f));
            } catch (IOException e) {
                return new Stamp(f, -1, -1);
            }
        }
    }

    private final Path webFile;
    private final Path rolesFile;
    private final PasswordCheck passwords = new PasswordCheck();
    private volatile State state;
    private final SwitchingSslContext ssl;
    private final Routes.Guard guard;
    private ScheduledExecutorService watcher;

    private WebSecurity(Path webFile, Path rolesFile, State first) {
        this.webFile = webFile;
        this.rolesFile = rolesFile;
        this.state = first;
        this.ssl = first.tls() == null ? null : new SwitchingSslContext(() -> state.tls());
        this.guard = new SameOriginWrites(new AccessGuard(() -> state.policy(), passwords));
    }

    /** No files: everything open over plain HTTP. */
    public static WebSecurity open() {
        return new WebSecurity(null, null, new State(AccessPolicy.OPEN, null, List.of(), false));
    }

    /**
     * Loads the files (either may be null).
     *
     * @throws IllegalArgumentException naming the file, the line and what is wrong
     */
    public static WebSecurity load(Path webFile, Path rolesFile) throws IOException {
        return new WebSecurity(webFile, rolesFile, read(webFile, rolesFile));
    }

    private static State read(Path webFile, Path rolesFile) throws IOException {
        List<Stamp> stamps = new ArrayList<>();
        WebConfig web = WebConfig.NONE;
        if (webFile != null) {
            stamps.add(Stamp.of(webFile));
            web = WebConfigParser.load(webFile);
        }
        RolesConfig roles = null;
        if (rolesFile != null) {
            stamps.add(Stamp.of(rolesFile));
            roles = RolesParser.load(rolesFile, web.users().keySet());
        }
        SwitchingSslContext.Current tls = null;
        if (web.tls() != null) {
            for (Path f : web.tls().files()) {
                stamps.add(Stamp.of(f));
            }
            tls = new SwitchingSslContext.Current(TlsContexts.build(web.tls()), web.tls());
            if (!web.tls().namedGroups().isEmpty() && !NamedGroups.supported()) {
                LOG.warning(webFile + ": curve_preferences needs Java 20 or later (this is Java "
                        + Runtime.version().feature() + "); the JDK's default key exchange groups apply");
            }
        }
        return new State(new AccessPolicy(web, roles), tls, List.copyOf(stamps), web.http2());
    }

    /** Re-reads the files every {@code periodMs} when one of them changed. */
    public void watch(long periodMs) {
        if (webFile == null && rolesFile == null) {
            return;
        }
        watcher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "web-config-watcher");
            t.setDaemon(true);
            return t;
        });
        watcher.scheduleWithFixedDelay(this::reloadIfChanged, periodMs, periodMs, TimeUnit.MILLISECONDS);
    }

    /** Re-reads the files if any changed on disk; returns null when nothing was wrong, else why the old ones stay. */
    public synchronized String reloadIfChanged() {
        State old = state;
        boolean changed = false;
        for (Stamp s : old.stamps()) {
            if (!s.equals(Stamp.of(s.file()))) {
                changed = true;
                break;
            }
        }
        return changed ? reload() : null;
    }

    /** Re-reads the files now; returns null on success, else why the ones in force stay. */
    public synchronized String reload() {
        State old = state;
        try {
            State next = read(webFile, rolesFile);
            if ((next.tls() == null) != (old.tls() == null)) {
                throw new IllegalArgumentException(webFile + ": switching TLS on or off needs a restart");
            }
            state = next;
            LOG.info("web config reloaded" + (next.tls() != null ? " (certificates re-read)" : ""));
            return null;
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            // Remember the stamps so one bad edit is reported once, not every poll.
            state = new State(old.policy(), old.tls(), stampsNow(old.stamps()), old.http2());
            String why = e.getMessage();
            LOG.warning("web config reload failed, the previous one stays in force: " + why);
            return why;
        }
    }

    private static List<Stamp> stampsNow(List<Stamp> old) {
        List<Stamp> out = new ArrayList<>();
        for (Stamp s : old) {
            out.add(Stamp.of(s.file()));
        }
        return out;
    }

    /** The guard every route is registered behind: roles, then no cross-site writes (also with no files). */
    public Routes.Guard guard() {
        return guard;
    }

    /** The listeners' TLS context, or null for plain HTTP. */
    public SSLContext sslContext() {
        return ssl;
    }

    /**
     * Whether the listeners offer HTTP/2 (TLS and {@code http_server_config.http2}, default true);
     * read at start only, as the exporter toolkit does.
     */
    public boolean http2() {
        return ssl != null && state.http2();
    }

    /** Puts {@code http_server_config.headers} on every answer, before anything else runs (401s get them too). */
    public HttpHandler headers(HttpHandler next) {
        return ex -> {
            Map<String, String> h = state.policy().headers();
            if (!h.isEmpty()) {
                h.forEach((k, v) -> ex.getResponseHeaders().put(HttpString.tryFromString(k), v));
            }
            next.handleRequest(ex);
        };
    }

    /** The policy in force (for tests and status pages). */
    public AccessPolicy policy() {
        return state.policy();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "web config " + Objects.toString(webFile, "none") + ", roles " + Objects.toString(rolesFile, "none");
    }
}
