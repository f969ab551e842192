package dev.vigil.ingest;

import dev.vigil.ingest.text.MalformedBodyException;
import java.io.IOException;

/**
 * Why {@link Ingest} refused what it was given, with a message for the client. The kinds say what
 * went wrong, not how a protocol answers it: the server maps each kind to its status in one place.
 */
public abstract sealed class IngestException extends Exception {
    private static final long serialVersionUID = 1L;

    private IngestException(String message) {
        super(message);
    }

    /**
     * The {@link BadInput} a body read failed with, when the body itself is malformed (damaged
     * gzip), or null when the read failed for another reason (a broken connection).
     */
    public static BadInput ofRead(IOException e) {
        return e instanceof MalformedBodyException ? new BadInput("body", e.getMessage()) : null;
    }

    /** The input cannot be read: a malformed body, path, header or argument. */
    public static final class BadInput extends IngestException {
        private static final long serialVersionUID = 1L;
        private final String where;

        /** @param where what part of the request is wrong: {@code body}, a header or argument name */
        public BadInput(String where, String message) {
            super(message);
            this.where = where;
        }

        public String where() {
            return where;
        }
    }

    /** The push contradicts what is held: a series or family type of another group, a series twice. */
    public static final class Conflict extends IngestException {
        private static final long serialVersionUID = 1L;

        public Conflict(String message) {
            super(message);
        }
    }

    /** The input exceeds a configured limit; the message names it. */
    public static final class TooLarge extends IngestException {
        private static final long serialVersionUID = 1L;
        private final long limit;

        public TooLarge(long limit, String message) {
            super(message);
            this.limit = limit;
        }

        public long limit() {
            return limit;
        }
    }

    /** The input is in a format or protocol version that is not taken. */
    public static final class Unsupported extends IngestException {
        private static final long serialVersionUID = 1L;

        public Unsupported(String message) {
            super(message);
        }
    }

    /** The store refused a sample or series (out of order, over its series limit, invalid); what came before it may be stored. */
    public static final class Refused extends IngestException {
        private static final long serialVersionUID = 1L;

        public Refused(String message) {
            super(message);
        }
    }
}
