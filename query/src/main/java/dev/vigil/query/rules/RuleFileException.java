package dev.vigil.query.rules;

/** A rule file that cannot be loaded; the message names the file, the line and what is wrong. */
public final class RuleFileException extends Exception {
    private static final long serialVersionUID = 1L;

    public RuleFileException(String message) {
        super(message);
    }
}
