package dev.vigil.server.http.webconfig;

/** {@code client_auth_type}: whether a client certificate is asked for, required and checked against the CA. */
public enum ClientAuth {
    NO_CLIENT_CERT("NoClientCert", false, false, false),
    REQUEST_CLIENT_CERT("RequestClientCert", true, false, false),
    REQUIRE_ANY_CLIENT_CERT("RequireAnyClientCert", true, true, false),
    VERIFY_CLIENT_CERT_IF_GIVEN("VerifyClientCertIfGiven", true, false, true),
    REQUIRE_AND_VERIFY_CLIENT_CERT("RequireAndVerifyClientCert", true, true, true);

    /** The name in the file. */
    public final String text;
    /** The handshake asks for a certificate. */
    public final boolean asks;
    /** The handshake fails without one. */
    public final boolean requires;
    /** A certificate given must chain to {@code client_ca_file}; only then may its subject carry roles. */
    public final boolean verifies;

    ClientAuth(String text, boolean asks, boolean requires, boolean verifies) {
        this.text = text;
        this.asks = asks;
        this.requires = requires;
        this.verifies = verifies;
    }

    /** The toolkit's names (and its alias {@code RequireClientCert}); empty means none. */
    static ClientAuth parse(String s) {
        if (s.isEmpty()) {
            return NO_CLIENT_CERT;
        }
        if (s.equals("RequireClientCert")) {
            return REQUIRE_ANY_CLIENT_CERT;
        }
        for (ClientAuth c : values()) {
            if (c.text.equals(s)) {
                return c;
            }
        }
        return null;
    }
}
