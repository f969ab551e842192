package dev.vigil.tsdb.io;

/** Encoded data that cannot be decoded: the bytes are damaged or were never valid. */
public final class MalformedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public MalformedException(String message) {
        super(message);
    }

    public MalformedException(String message, Throwable cause) {
        super(message, cause);
    }
}
