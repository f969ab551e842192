package dev.vigil.server.http.webconfig;

import dev.vigil.server.http.Role;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --web.roles.file}: Vigil's narrowing of the web config, which alone lets every user do
 * everything. A separate file because the toolkit's strict parser (Prometheus, promtool) rejects
 * any key it does not know, so the web config file stays one they all accept.
 *
 * @param users user of {@code basic_auth_users} to the roles they hold
 * @param subjects client-certificate subject (RFC 2253 DN or its CN) to roles
 * @param networks role to the networks that may act in it without credentials
 */
public record RolesConfig(Map<String, Set<Role>> users, Map<String, Set<Role>> subjects, Map<Role, List<Cidr>> networks) {
}
