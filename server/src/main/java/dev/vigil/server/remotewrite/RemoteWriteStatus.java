package dev.vigil.server.remotewrite;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /api/v1/status/remote_write} (Vigil's own, for the status page): each remote's
 * shards, backlog, counters, lag and saved WAL position, in the Prometheus API's envelope. No
 * secrets: the URL without its user part, never the headers.
 */
public final class RemoteWriteStatus implements HttpHandler {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Supplier<RemoteWrites> remotes;

    public RemoteWriteStatus(Supplier<RemoteWrites> remotes) {
        this.remotes = remotes;
    }

    @Override
    public void handleRequest(HttpServerExchange ex) throws Exception {
        if (ex.isInIoThread()) {
            ex.dispatch(this); // a reload may hold the queues' lock while they drain
            return;
        }
        RemoteWrites r = remotes.get();
        List<RemoteWrites.QueueView> queues = r == null ? List.of() : r.view();
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
        ex.getResponseSender().send(JSON.writeValueAsString(Map.of("status", "success", "data", Map.of("queues", queues))));
    }
}
