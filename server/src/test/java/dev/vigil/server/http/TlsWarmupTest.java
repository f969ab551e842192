package dev.vigil.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.server.http.tls.TlsWarmup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start-up TLS warm-up runs through the listener's own configured context and completes. */
class TlsWarmupTest {
    private static WebSecurity load(Path dir, String extra) throws Exception {
        TestPki pki = new TestPki(dir);
        pki.server("server", "127.0.0.1");
        Path web = dir.resolve("web.yml");
        Files.writeString(web, "tls_server_config:\n  cert_file: " + dir.resolve("server.crt") + "\n  key_file: "
                + dir.resolve("server.key") + "\n" + extra);
        return WebSecurity.load(web, null);
    }

    @Test
    void pumpsRecordsOverTls12And13WithTheListenersPreferredSuites(@TempDir Path dir) throws Exception {
        try (WebSecurity s = load(dir, "")) {
            TlsWarmup.Result r = new TlsWarmup(s.sslContext(), 50, Long.MAX_VALUE).run(() -> false);
            assertEquals(100, r.records());
            assertEquals(List.of("TLSv1.2 TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLSv1.3 TLS_AES_128_GCM_SHA256"),
                    r.sessions());
        }
    }

    @Test
    void warmsOnlyTheAllowedProtocolAndCompletesWhenTheListenerRequiresClientCertificates(@TempDir Path dir)
            throws Exception {
        try (WebSecurity s = load(dir, "  min_version: TLS13\n  client_auth_type: RequireAndVerifyClientCert\n"
                + "  client_ca_file: " + dir.resolve("ca.crt") + "\n")) {
            TlsWarmup.Result r = new TlsWarmup(s.sslContext(), 50, Long.MAX_VALUE).run(() -> false);
            assertEquals(50, r.records());
            assertEquals(List.of("TLSv1.3 TLS_AES_128_GCM_SHA256"), r.sessions());
        }
    }

    @Test
    void stopsWhenAskedAndWithinItsCpuBudget(@TempDir Path dir) throws Exception {
        try (WebSecurity s = load(dir, "")) {
            assertEquals(0, new TlsWarmup(s.sslContext(), 50, Long.MAX_VALUE).run(() -> true).records());
            // The budget is checked every 64 records: a budget of 0 stops at the first check.
            assertEquals(64, new TlsWarmup(s.sslContext(), 1000, 0).run(() -> false).records());
        }
    }
}
