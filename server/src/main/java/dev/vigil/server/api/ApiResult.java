package dev.vigil.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;

/**
 * A successful answer: a writer for {@code data} and the warnings of the envelope. A streaming
 * result computes while it writes (a series set read straight from the store), learns only then
 * whether it was truncated, and releases what it held in {@link #close()}.
 */
public final class ApiResult {
    private final ApiJson.DataWriter writer;
    private final TruncatingWriter streaming;
    private final Runnable onClose;
    private final List<String> warnings;

    /** Writes data and says whether it stopped at a limit. */
    @FunctionalInterface
    public interface TruncatingWriter {
        boolean write(JsonGenerator g) throws IOException;
    }

    public ApiResult(ApiJson.DataWriter writer, List<String> warnings) {
        this(writer, null, null, warnings);
    }

    private ApiResult(ApiJson.DataWriter writer, TruncatingWriter streaming, Runnable onClose, List<String> warnings) {
        this.writer = writer;
        this.streaming = streaming;
        this.onClose = onClose;
        this.warnings = warnings == null ? List.of() : warnings;
    }

    /** Success with no body: 204, as Prometheus answers the admin endpoints. */
    public static final ApiResult NO_CONTENT = new ApiResult(g -> { }, List.of());

    public static ApiResult of(ApiJson.DataWriter writer) {
        return new ApiResult(writer, List.of());
    }

    static ApiResult streaming(TruncatingWriter w, Runnable onClose) {
        return new ApiResult(null, w, onClose, List.of());
    }

    /** Writes the whole success envelope. */
    public void writeTo(java.io.OutputStream out) throws IOException {
        ApiJson.success(out, streaming != null ? streaming : g -> {
            writer.write(g);
            return false;
        }, warnings);
    }

    public void close() {
        if (onClose != null) {
            onClose.run();
        }
    }
}
