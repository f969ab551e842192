package dev.vigil.bench.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The generator's TLS client context: trusting the CA certificates of a PEM file (a target with
 * a self-made CA), or, with {@code insecure}, any certificate (loopback measurements only). One
 * context for all workers, so a reconnecting worker resumes its TLS session as the JDK client of
 * Flink's reporter does.
 */
public final class ClientTls {
    private ClientTls() {
    }

    /** A context trusting the certificates in {@code caFile} only. */
    public static SSLContext trusting(Path caFile) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        int n = 0;
        try (InputStream in = Files.newInputStream(caFile)) {
            for (Certificate c : cf.generateCertificates(in)) {
                ks.setCertificateEntry("ca" + n++, c);
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException(caFile + ": no certificate in it");
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Runs the JDK's AES-GCM over heap buffers (the path its TLS socket encrypts records on) until it
     * is compiled: a fresh JVM encrypts in plain Java (counter mode and GHASH without the CPU's AES
     * and carry-less multiply instructions) for tens of seconds under load, and the generator stands
     * in for TaskManagers that run for days. Stops after {@code maxMillis} either way.
     *
     * @return the last rate, MB/s
     */
    public static double warmUpAesGcm(long maxMillis) throws GeneralSecurityException {
        byte[] record = new byte[16 << 10];
        java.nio.ByteBuffer in = java.nio.ByteBuffer.allocate(record.length + 16);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(record.length + 16);
        byte[] iv = new byte[12];
        long end = System.nanoTime() + maxMillis * 1_000_000L;
        double rate = 0;
        int fast = 0;
        while (System.nanoTime() < end && fast < 3) {
            long t = System.nanoTime();
            for (int i = 0; i < 1024; i++) { // 16 MB, half with each key size
                javax.crypto.Cipher c = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
                iv[0] = (byte) i;
                iv[1] = (byte) (i >> 8);
                iv[2]++;
                c.init(javax.crypto.Cipher.ENCRYPT_MODE, new javax.crypto.spec.SecretKeySpec(new byte[(i & 1) == 0 ? 16 : 32], "AES"),
                        new javax.crypto.spec.GCMParameterSpec(128, iv));
                in.clear();
                in.put(record).flip();
                out.clear();
                c.doFinal(in, out);
            }
            rate = 1024.0 * record.length / ((System.nanoTime() - t) / 1e3);
            fast = rate > 1000 ? fast + 1 : 0;
        }
        return rate;
    }

    /** A context that accepts any server certificate (the target is on loopback). */
    public static SSLContext insecure() throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[] {new X509TrustManager() {
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
        }}, null);
        return ctx;
    }
}
