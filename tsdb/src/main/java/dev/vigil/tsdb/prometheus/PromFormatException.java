package dev.vigil.tsdb.prometheus;

import java.io.IOException;

/** A Prometheus file that does not follow its documented format; the message names the file and where. */
public final class PromFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public PromFormatException(String message) {
        super(message);
    }
}
