package dev.vigil.server.cli;

/**
 * The flags of the HTTP edge.
 *
 * @param configFile {@code --web.config.file}, empty when not set
 * @param rolesFile {@code --web.roles.file}, empty when not set
 */
public record WebFlags(String configFile, String rolesFile) {
}
