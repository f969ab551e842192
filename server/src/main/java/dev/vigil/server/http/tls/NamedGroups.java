package dev.vigil.server.http.tls;

import java.lang.reflect.Method;
import java.util.List;
import javax.net.ssl.SSLParameters;

/**
 * {@code curve_preferences} on a listener: {@code SSLParameters.setNamedGroups} exists from Java 20
 * on, so it is found by reflection; on Java 17-19 the JDK offers only the JVM-wide
 * {@code -Djdk.tls.namedGroups} property, which would narrow Vigil's outgoing TLS too, and the
 * preference is not applied (the web config loader says so once).
 */
public final class NamedGroups {
    private static final Method SET = find();

    private NamedGroups() {
    }

    private static Method find() {
        try {
            return SSLParameters.class.getMethod("setNamedGroups", String[].class);
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    /** Whether this JVM can narrow the groups per listener. */
    public static boolean supported() {
        return SET != null;
    }

    /** Narrows {@code p} to {@code groups}, in order; no-op when empty or unsupported. */
    static void apply(SSLParameters p, List<String> groups) {
        if (groups.isEmpty() || SET == null) {
            return;
        }
        try {
            SET.invoke(p, (Object) groups.toArray(new String[0]));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot set TLS named groups " + groups, e);
        }
    }
}
