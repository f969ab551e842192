package dev.vigil.ingest.scrape;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The {@link SSLContext} of a scrape job's {@code tls_config}: trust from {@code ca_file} (or the
 * system's), a client certificate from {@code cert_file} and {@code key_file} (PEM; the key in
 * PKCS#8, or RSA in PKCS#1), {@code server_name} checked instead of the target's host, and
 * {@code insecure_skip_verify} accepting any certificate, as Go's TLS client does.
 */
public final class TlsContexts {
    private TlsContexts() {
    }

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    public static SSLContext of(ScrapeJob.TlsConfig c) {
        try {
            TrustManager tm;
            if (c.insecureSkipVerify()) {
                tm = new AnyCertificate();
            } else {
                X509ExtendedTrustManager base = trust(c.caFile());
                tm = c.serverName().isEmpty() ? base : new NamedServer(base, c.serverName());
            }
            KeyManagerFactory kmf = null;
            if (!c.certFile().isEmpty() || !c.keyFile().isEmpty()) {
                if (c.certFile().isEmpty() || c.keyFile().isEmpty()) {
                    throw new IllegalArgumentException("client cert file and key file must both be set");
                }
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                List<X509Certificate> chain = certificates(c.certFile());
                ks.setKeyEntry("client", key(c.keyFile()), new char[0], chain.toArray(new Certificate[0]));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), new TrustManager[] {tm}, null);
            return ctx;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static X509ExtendedTrustManager trust(String caFile) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        if (caFile.isEmpty()) {
            tmf.init((KeyStore) null);
        } else {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (X509Certificate cert : certificates(caFile)) {
                ks.setCertificateEntry("ca" + i++, cert);
            }
            tmf.init(ks);
        }
        for (TrustManager t : tmf.getTrustManagers()) {
            if (t instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    private static List<X509Certificate> certificates(String file) throws IOException, CertificateException {
        byte[] b = Files.readAllBytes(Path.of(file));
        Collection<? extends Certificate> cs = CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(b));
        if (cs.isEmpty()) {
            throw new CertificateException("unable to use specified CA cert " + file + ": no certificate in it");
        }
        return cs.stream().map(x -> (X509Certificate) x).toList();
    }

    private static PrivateKey key(String file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(Path.of(file), StandardCharsets.US_ASCII);
        byte[] der;
        if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
            der = body(pem, "PRIVATE KEY");
        } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            der = pkcs1ToPkcs8(body(pem, "RSA PRIVATE KEY"));
        } else {
            throw new GeneralSecurityException(file + ": the key must be PEM in PKCS#8 (BEGIN PRIVATE KEY) or RSA PKCS#1; "
                    + "convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pkcs8");
        }
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException(file + ": not an RSA, EC or Ed25519 private key");
    }

    private static byte[] body(String pem, String type) {
        int start = pem.indexOf("-----BEGIN " + type + "-----") + ("-----BEGIN " + type + "-----").length();
        int end = pem.indexOf("-----END " + type + "-----", start);
        return Base64.getMimeDecoder().decode(pem.substring(start, end));
    }

    /** Wraps an RSA PKCS#1 key in the PKCS#8 structure Java reads: SEQUENCE { 0, rsaEncryption, OCTET STRING key }. */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        byte[] version = {0x02, 0x01, 0x00};
        byte[] octet = concat(header(0x04, pkcs1.length), pkcs1);
        byte[] content = concat(concat(version, algorithm), octet);
        return concat(header(0x30, content.length), content);
    }

    private static byte[] header(int tag, int len) {
        if (len < 0x80) {
            return new byte[] {(byte) tag, (byte) len};
        }
        if (len < 0x100) {
            return new byte[] {(byte) tag, (byte) 0x81, (byte) len};
        }
        if (len < 0x10000) {
            return new byte[] {(byte) tag, (byte) 0x82, (byte) (len >> 8), (byte) len};
        }
        return new byte[] {(byte) tag, (byte) 0x83, (byte) (len >> 16), (byte) (len >> 8), (byte) len};
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** {@code insecure_skip_verify}: neither the chain nor the name is checked. */
    private static final class AnyCertificate extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** {@code server_name}: the chain as usual, the name in the certificate checked against the configured one. */
    private static final class NamedServer extends X509ExtendedTrustManager {
        private final X509TrustManager base;
        private final String name;

        NamedServer(X509TrustManager base, String name) {
            this.base = base;
            this.name = name.toLowerCase(Locale.ROOT);
        }

        private void check(X509Certificate[] chain, String authType) throws CertificateException {
            base.checkServerTrusted(chain, authType);
            Collection<List<?>> sans = chain[0].getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0)) && matches(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT))) {
                        return;
                    }
                    if (Integer.valueOf(7).equals(san.get(0)) && name.equals(String.valueOf(san.get(1)))) {
                        return;
                    }
                }
            }
            throw new CertificateException("x509: certificate is not valid for " + name);
        }

        private boolean matches(String dns) {
            if (dns.startsWith("*.")) {
                int dot = name.indexOf('.');
                return dot > 0 && name.substring(dot).equals(dns.substring(1));
            }
            return dns.equals(name);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            check(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            base.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            base.checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            base.checkClientTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return base.getAcceptedIssuers();
        }
    }
}
