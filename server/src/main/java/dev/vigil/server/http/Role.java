package dev.vigil.server.http;

/** What a route needs of its caller: every route is registered with exactly one. */
public enum Role {
    /** Liveness and readiness probes: open to anyone who reaches the port. */
    PUBLIC,
    /** Push groups, remote write and import: what the Flink reporter and Prometheus agents do. */
    PUSH,
    /** The query API, metadata, the web pages, Vigil's own metrics. */
    READ,
    /** Deleting and wiping data, the admin API, reload and quit. */
    ADMIN
}
