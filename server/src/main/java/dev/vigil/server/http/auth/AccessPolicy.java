package dev.vigil.server.http.auth;

import dev.vigil.server.http.Role;
import dev.vigil.server.http.webconfig.Cidr;
import dev.vigil.server.http.webconfig.RolesConfig;
import dev.vigil.server.http.webconfig.WebConfig;
import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * Who may act in which role, from the web config and the roles file: without a roles file every
 * user of the web config may do everything (what the file means to Prometheus); with one, each
 * user, certificate subject and network has the roles it lists and no others.
 */
public final class AccessPolicy {
    /** No web config and no roles file: everything open, as before either existed. */
    public static final AccessPolicy OPEN = new AccessPolicy(WebConfig.NONE, null);
    private static final Set<Role> ALL = EnumSet.of(Role.PUSH, Role.READ, Role.ADMIN);

    private final WebConfig web;
    private final RolesConfig roles;

    /** @param roles null without a roles file */
    public AccessPolicy(WebConfig web, RolesConfig roles) {
        this.web = web;
        this.roles = roles;
    }

    /** Whether requests are checked at all. */
    public boolean enforced() {
        return !web.users().isEmpty() || roles != null;
    }

    /** The bcrypt hash of {@code user}, or null for a user not in the file. */
    public String hash(String user) {
        return web.users().get(user);
    }

    public Set<Role> rolesOfUser(String user) {
        return roles == null ? ALL : roles.users().getOrDefault(user, Set.of());
    }

    /**
     * The roles of a client certificate's subject (only for certificates the handshake verified
     * against {@code client_ca_file}): matched by its RFC 2253 name or by its CN alone.
     */
    public Set<Role> rolesOfSubject(X500Principal subject) {
        if (roles == null || roles.subjects().isEmpty()) {
            return Set.of();
        }
        String dn = subject.getName(X500Principal.RFC2253);
        Set<Role> r = roles.subjects().get(dn);
        if (r != null) {
            return r;
        }
        String cn = commonName(dn);
        return cn == null ? Set.of() : roles.subjects().getOrDefault(cn, roles.subjects().getOrDefault("CN=" + cn, Set.of()));
    }

    /** Whether a request from {@code a} may act in {@code role} without credentials. */
    public boolean networkAllows(Role role, InetAddress a) {
        if (roles == null || a == null) {
            return false;
        }
        List<Cidr> nets = roles.networks().get(role);
        if (nets == null) {
            return false;
        }
        for (Cidr c : nets) {
            if (c.contains(a)) {
                return true;
            }
        }
        return false;
    }

    public WebConfig web() {
        return web;
    }

    /** Whether client certificates are checked against a CA, so their subjects can be trusted. */
    public boolean verifiesCertificates() {
        return web.tls() != null && web.tls().clientAuth().verifies;
    }

    public Map<String, String> headers() {
        return web.headers();
    }

    private static String commonName(String dn) {
        try {
            for (Rdn rdn : new LdapName(dn).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }
}
