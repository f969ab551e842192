package dev.vigil.server.http.tls;

import dev.vigil.server.http.webconfig.TlsSettings;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * The context the HTTPS listener holds for its lifetime: each new connection's engine comes from
 * the context and settings loaded last, so replaced certificates and a changed web config apply
 * to the next handshake without a restart (as the toolkit re-reads them per handshake).
 */
public final class SwitchingSslContext extends SSLContext {
    /** A loaded context with the settings it was built from. */
    public record Current(SSLContext context, TlsSettings settings) {
    }

    public SwitchingSslContext(Supplier<Current> current) {
        super(new Spi(current), current.get().context().getProvider(), "TLS");
    }

    private static final class Spi extends SSLContextSpi {
        private final Supplier<Current> current;

        Spi(Supplier<Current> current) {
            this.current = current;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("initialised from the web config file");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return current.get().context().getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return current.get().context().getServerSocketFactory();
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            return configure(current.get(), null, -1);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            return configure(current.get(), host, port);
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return current.get().context().getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return current.get().context().getClientSessionContext();
        }

        private static SSLEngine configure(Current c, String host, int port) {
            SSLEngine e = host == null ? c.context().createSSLEngine() : c.context().createSSLEngine(host, port);
            e.setUseClientMode(false);
            TlsSettings s = c.settings();
            SSLParameters p = e.getSSLParameters();
            List<String> protocols = new ArrayList<>(s.protocols());
            protocols.retainAll(List.of(e.getSupportedProtocols()));
            p.setProtocols(protocols.toArray(new String[0]));
            List<String> defaults = List.of(c.context().getDefaultSSLParameters().getCipherSuites());
            List<String> suites;
            if (s.cipherSuites().isEmpty()) {
                suites = CipherOrder.preferAes128(defaults);
            } else {
                // As in Go, the list narrows TLS 1.2 and older only (in its order); TLS 1.3's suites stay on.
                suites = new ArrayList<>(s.cipherSuites());
                List<String> tls13 = new ArrayList<>();
                for (String d : defaults) {
                    if (d.startsWith("TLS_AES_") || d.startsWith("TLS_CHACHA20_")) {
                        tls13.add(d);
                    }
                }
                suites.addAll(CipherOrder.preferAes128(tls13));
                suites.retainAll(List.of(e.getSupportedCipherSuites()));
            }
            p.setCipherSuites(suites.toArray(new String[0]));
            p.setUseCipherSuitesOrder(s.preferServerCipherSuites());
            NamedGroups.apply(p, s.namedGroups());
            if (s.clientAuth().requires) {
                p.setNeedClientAuth(true);
            } else if (s.clientAuth().asks) {
                p.setWantClientAuth(true);
            }
            e.setSSLParameters(p);
            return e;
        }
    }
}
