package dev.vigil.query.rules.template;

/** A template that does not parse or fails while running; the message reads like Go's text/template. */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean located;

    public TemplateException(String message) {
        this(message, false);
    }

    TemplateException(String message, boolean located) {
        super(message);
        this.located = located;
    }

    /** Whether the message already names where in the template it happened. */
    boolean located() {
        return located;
    }
}
