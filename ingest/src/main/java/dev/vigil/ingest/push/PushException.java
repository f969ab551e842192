package dev.vigil.ingest.push;

/** A push the groups refused, with a client-facing message: a consistency error or a series the store would not take. */
public final class PushException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Prefix of every consistency error, as the API we replace words it. */
    public static final String INCONSISTENT = "pushed metrics are invalid or inconsistent with existing metrics: ";

    private final boolean recordedAsFailure;

    public PushException(String message, boolean recordedAsFailure) {
        super(message);
        this.recordedAsFailure = recordedAsFailure;
    }

    /** Whether the group's {@code push_failure_time_seconds} was set (consistency errors), as opposed to nothing touched. */
    public boolean recordedAsFailure() {
        return recordedAsFailure;
    }
}
