package dev.vigil.query.rules.template;

/** A template that does not parse or fails while running; the message reads like Go's text/template. */
public final class TemplateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TemplateException(String message) {
        super(message);
    }
}
