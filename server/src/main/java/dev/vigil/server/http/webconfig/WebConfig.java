package dev.vigil.server.http.webconfig;

import java.util.Map;

/**
 * {@code --web.config.file}: the exporter-toolkit web configuration that Prometheus, the Pushgateway
 * and node_exporter read.
 *
 * @param tls null for plain HTTP
 * @param headers {@code http_server_config.headers}, sent on every answer
 * @param users {@code basic_auth_users}: user name to bcrypt hash
 */
public record WebConfig(TlsSettings tls, Map<String, String> headers, Map<String, String> users) {
    /** No file: plain HTTP, no passwords. */
    public static final WebConfig NONE = new WebConfig(null, Map.of(), Map.of());
}
