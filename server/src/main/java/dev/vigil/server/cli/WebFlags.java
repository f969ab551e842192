package dev.vigil.server.cli;

/**
 * The flags of the HTTP edge.
 *
 * @param configFile {@code --web.config.file}, empty when not set
 * @param rolesFile {@code --web.roles.file}, empty when not set
 * @param readTimeoutMs {@code --web.read-timeout}: a connection idle this long is closed
 * @param maxConnections {@code --web.max-connections}: per port
 */
public record WebFlags(String configFile, String rolesFile, long readTimeoutMs, int maxConnections) {
}
