package dev.vigil.server.push;

import dev.vigil.ingest.IngestException;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;

/** The one place an ingest refusal becomes an HTTP status: the statuses the push API we replace answers. */
final class IngestErrors {
    private IngestErrors() {
    }

    static int status(IngestException e) {
        if (e instanceof IngestException.TooLarge) {
            return StatusCodes.REQUEST_ENTITY_TOO_LARGE;
        }
        if (e instanceof IngestException.Unsupported) {
            return StatusCodes.UNSUPPORTED_MEDIA_TYPE;
        }
        if (e instanceof IngestException.BadInput || e instanceof IngestException.Conflict || e instanceof IngestException.Refused) {
            // The gateway answers an inconsistent push 400, and so does the store's refusal of a sample.
            return StatusCodes.BAD_REQUEST;
        }
        throw new AssertionError("unmapped ingest error " + e.getClass().getName());
    }

    /** Answers {@code e} as plain text with its status. */
    static void answer(HttpServerExchange ex, IngestException e) {
        Exchanges.text(ex, status(e), e.getMessage());
    }
}
