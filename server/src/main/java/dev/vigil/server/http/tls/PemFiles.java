package dev.vigil.server.http.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM certificates and private keys (PKCS#8, and PKCS#1 RSA as OpenSSL's older tools write them). */
final class PemFiles {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END \\1-----");

    private PemFiles() {
    }

    /** Every certificate in the file, leaf first. */
    static List<X509Certificate> certificates(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try (InputStream in = new ByteArrayInputStream(bytes)) {
            List<X509Certificate> out = new ArrayList<>();
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(file + ": no certificate found");
            }
            return out;
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + ": not a PEM certificate: " + e.getMessage());
        }
    }

    /** The private key in {@code file}, of the algorithm of {@code publicKeyAlgorithm} (RSA, EC, Ed25519). */
    static PrivateKey privateKey(Path file, String publicKeyAlgorithm) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII);
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            byte[] pkcs8 = switch (type) {
                case "PRIVATE KEY" -> der;
                case "RSA PRIVATE KEY" -> Der.rsaPkcs1ToPkcs8(der);
                case "EC PRIVATE KEY" -> throw new IllegalArgumentException(file
                        + ": EC PRIVATE KEY (SEC 1) is not read; convert it with openssl pkcs8 -topk8 -nocrypt");
                case "ENCRYPTED PRIVATE KEY" -> throw new IllegalArgumentException(file + ": the key is encrypted");
                default -> null;
            };
            if (pkcs8 == null) {
                continue;
            }
            try {
                return KeyFactory.getInstance(publicKeyAlgorithm).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException(file + ": not a " + publicKeyAlgorithm
                        + " private key matching the certificate: " + e.getMessage());
            }
        }
        throw new IllegalArgumentException(file + ": no PEM private key found");
    }

    /** The little DER needed to wrap a PKCS#1 RSA key into PKCS#8. */
    private static final class Der {
        private static final byte[] RSA_ALGORITHM = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86,
            (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

        static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
            byte[] version = {0x02, 0x01, 0x00};
            byte[] octets = tlv(0x04, pkcs1);
            byte[] body = new byte[version.length + RSA_ALGORITHM.length + octets.length];
            System.arraycopy(version, 0, body, 0, version.length);
            System.arraycopy(RSA_ALGORITHM, 0, body, version.length, RSA_ALGORITHM.length);
            System.arraycopy(octets, 0, body, version.length + RSA_ALGORITHM.length, octets.length);
            return tlv(0x30, body);
        }

        private static byte[] tlv(int tag, byte[] value) {
            int n = value.length;
            byte[] len;
            if (n < 0x80) {
                len = new byte[] {(byte) n};
            } else if (n < 0x100) {
                len = new byte[] {(byte) 0x81, (byte) n};
            } else if (n < 0x10000) {
                len = new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
            } else {
                len = new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
            }
            byte[] out = new byte[1 + len.length + n];
            out[0] = (byte) tag;
            System.arraycopy(len, 0, out, 1, len.length);
            System.arraycopy(value, 0, out, 1 + len.length, n);
            return out;
        }
    }
}
