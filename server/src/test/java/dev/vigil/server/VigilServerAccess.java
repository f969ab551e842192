package dev.vigil.server;

/** Package-private settings of the server, for tests elsewhere. */
public final class VigilServerAccess {
    private VigilServerAccess() {
    }

    public static long pollMs() {
        return VigilServer.WEB_CONFIG_POLL_MS;
    }
}
