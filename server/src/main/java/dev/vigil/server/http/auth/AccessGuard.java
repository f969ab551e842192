package dev.vigil.server.http.auth;

import dev.vigil.server.http.Role;
import dev.vigil.server.http.Routes;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.SSLSessionInfo;
import io.undertow.util.Headers;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The check in front of every non-public route: basic auth against the web config's users, the
 * verified client certificate's subject, and the caller's network, each granting roles. Wrong or
 * missing credentials get 401 with {@code WWW-Authenticate: Basic} (the toolkit's answer); a known
 * caller without the route's role gets 403.
 */
public final class AccessGuard implements Routes.Guard {
    private final Supplier<AccessPolicy> policy;
    private final PasswordCheck passwords;

    public AccessGuard(Supplier<AccessPolicy> policy, PasswordCheck passwords) {
        this.policy = policy;
        this.passwords = passwords;
    }

    @Override
    public HttpHandler guard(Role role, HttpHandler next) {
        if (role == Role.PUBLIC) {
            return next;
        }
        return new HttpHandler() {
            @Override
            public void handleRequest(HttpServerExchange ex) throws Exception {
                AccessPolicy p = policy.get();
                if (!p.enforced()) {
                    next.handleRequest(ex);
                    return;
                }
                Set<Role> roles = EnumSet.noneOf(Role.class);
                boolean known = certificateRoles(p, ex, roles);
                String auth = ex.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
                if (auth != null) {
                    String[] up = basic(auth);
                    if (up == null) {
                        unauthorized(ex);
                        return;
                    }
                    String hash = p.hash(up[0]);
                    Boolean ok = passwords.cached(up[0], hash, up[1]);
                    if (ok == null) {
                        if (ex.isInIoThread()) {
                            ex.dispatch(this); // bcrypt takes tens of ms: not on an I/O thread
                            return;
                        }
                        ok = passwords.verify(up[0], hash, up[1]);
                    }
                    if (!ok) {
                        unauthorized(ex);
                        return;
                    }
                    known = true;
                    roles.addAll(p.rolesOfUser(up[0]));
                } else if (ex.getSourceAddress() != null && p.networkAllows(role, ex.getSourceAddress().getAddress())) {
                    roles.add(role);
                }
                if (roles.contains(role)) {
                    next.handleRequest(ex);
                } else if (known) {
                    forbidden(ex, role);
                } else {
                    unauthorized(ex);
                }
            }
        };
    }

    /** Adds the roles of a verified client certificate; true when it names a known subject. */
    private static boolean certificateRoles(AccessPolicy p, HttpServerExchange ex, Set<Role> roles) {
        if (!p.verifiesCertificates()) {
            return false;
        }
        SSLSessionInfo ssl = ex.getConnection().getSslSessionInfo();
        if (ssl == null) {
            return false;
        }
        try {
            Certificate[] chain = ssl.getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate leaf) {
                Set<Role> r = p.rolesOfSubject(leaf.getSubjectX500Principal());
                roles.addAll(r);
                return !r.isEmpty();
            }
        } catch (javax.net.ssl.SSLPeerUnverifiedException | io.undertow.server.RenegotiationRequiredException e) {
            return false;
        }
        return false;
    }

    /** {user, password} of a Basic header, or null when malformed. */
    static String[] basic(String header) {
        if (header.length() < 6 || !header.substring(0, 6).toLowerCase(Locale.ROOT).equals("basic ")) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon < 0 ? null : new String[] {decoded.substring(0, colon), decoded.substring(colon + 1)};
    }

    private static void unauthorized(HttpServerExchange ex) {
        ex.setStatusCode(401);
        ex.getResponseHeaders().put(Headers.WWW_AUTHENTICATE, "Basic");
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        ex.getResponseSender().send("Unauthorized\n");
    }

    private static void forbidden(HttpServerExchange ex, Role role) {
        ex.setStatusCode(403);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; charset=utf-8");
        ex.getResponseSender().send("Forbidden: this route needs the " + role.name().toLowerCase(Locale.ROOT) + " role\n");
    }
}
