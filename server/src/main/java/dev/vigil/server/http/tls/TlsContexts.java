package dev.vigil.server.http.tls;

import dev.vigil.server.http.webconfig.TlsSettings;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/** Builds a JDK TLS context from the PEM files a {@code tls_server_config} names. */
public final class TlsContexts {
    private TlsContexts() {
    }

    /** @throws IllegalArgumentException naming the file that cannot be used and why */
    public static SSLContext build(TlsSettings s) throws IOException {
        List<X509Certificate> chain = PemFiles.certificates(s.certFile());
        PrivateKey key = PemFiles.privateKey(s.keyFile(), chain.get(0).getPublicKey().getAlgorithm());
        try {
            checkPair(chain.get(0), key, s);
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("server", key, none, chain.toArray(new X509Certificate[0]));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            TrustManager[] trust;
            if (s.clientCaFile() != null) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                int i = 0;
                for (X509Certificate ca : PemFiles.certificates(s.clientCaFile())) {
                    ts.setCertificateEntry("ca" + i++, ca);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
                trust = s.clientAuth().verifies ? tmf.getTrustManagers() : new TrustManager[] {new AnyClient()};
            } else {
                trust = new TrustManager[] {new AnyClient()};
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(s.certFile() + ", " + s.keyFile() + ": " + e.getMessage());
        }
    }

    /**
     * Fails unless {@code key} is the certificate's (as Go's tls.X509KeyPair checks): a key file
     * replaced before its certificate would otherwise fail every handshake instead of the reload.
     */
    private static void checkPair(X509Certificate cert, PrivateKey key, TlsSettings s) throws GeneralSecurityException {
        String alg = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448
        };
        byte[] probe = "vigil key pair check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Signature sign = Signature.getInstance(alg);
        sign.initSign(key);
        sign.update(probe);
        byte[] sig = sign.sign();
        Signature verify = Signature.getInstance(alg);
        verify.initVerify(cert.getPublicKey());
        verify.update(probe);
        if (!verify.verify(sig)) {
            throw new IllegalArgumentException(s.keyFile() + ": private key does not match public key in " + s.certFile());
        }
    }

    /**
     * RequestClientCert and RequireAnyClientCert take any certificate unchecked, as Go does; such a
     * certificate never carries a role.
     */
    private static final class AnyClient extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("server side only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws java.security.cert.CertificateException {
            throw new java.security.cert.CertificateException("server side only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
