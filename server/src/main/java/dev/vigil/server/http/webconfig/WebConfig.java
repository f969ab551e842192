package dev.vigil.server.http.webconfig;

import java.util.Map;

/**
 * {@code --web.config.file}: the exporter-toolkit web configuration that Prometheus, the Pushgateway
 * and node_exporter read.
 *
 * @param tls null for plain HTTP
 * @param headers {@code http_server_config.headers}, sent on every answer
 * @param users {@code basic_auth_users}: user name to bcrypt hash
 * @param http2 {@code http_server_config.http2} (default true): offer HTTP/2 over TLS by ALPN
 */
public record WebConfig(TlsSettings tls, Map<String, String> headers, Map<String, String> users, boolean http2) {
    /** No file: plain HTTP, no passwords. */
    public static final WebConfig NONE = new WebConfig(null, Map.of(), Map.of(), true);
}
