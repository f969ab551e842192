package dev.vigil.server.alerting;

import java.util.Map;

/**
 * One Alertmanager of {@code alerting.alertmanagers}.
 *
 * @param url where alerts are posted: {@code scheme://target/path_prefix/api/v2/alerts}
 * @param timeoutMs the per-request timeout ({@code timeout}, 10s)
 * @param headers the authorization header, when {@code basic_auth} or {@code authorization} is set
 */
public record Alertmanager(String url, long timeoutMs, Map<String, String> headers) {
    public Alertmanager {
        headers = Map.copyOf(headers);
    }
}
