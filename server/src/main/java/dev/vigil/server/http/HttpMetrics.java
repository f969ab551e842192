package dev.vigil.server.http;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HttpString;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;

/** Requests served, by handler and status code, and time spent per handler; for /metrics. */
public final class HttpMetrics {
    /** Marks the start-up query warm-up's own requests, with {@link #warmupToken()} as value: they are not counted. */
    public static final String WARMUP_HEADER = "X-Vigil-Warmup";
    private static final HttpString WARMUP = new HttpString(WARMUP_HEADER);
    /** Random per process, so no client can hide its requests from the counters. */
    private final String warmupToken = UUID.randomUUID().toString();
    private final Map<String, Map<Integer, LongAdder>> requests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> nanos = new ConcurrentHashMap<>();

    /** Wraps {@code h} so each exchange it starts is counted under {@code handler} when it completes. */
    public HttpHandler instrument(String handler, HttpHandler h) {
        LongAdder time = nanos.computeIfAbsent(handler, k -> new LongAdder());
        Map<Integer, LongAdder> codes = requests.computeIfAbsent(handler, k -> new ConcurrentHashMap<>());
        return ex -> {
            if (warmupToken.equals(ex.getRequestHeaders().getFirst(WARMUP))) {
                h.handleRequest(ex);
                return;
            }
            long t0 = System.nanoTime();
            ex.addExchangeCompleteListener((HttpServerExchange done, io.undertow.server.ExchangeCompletionListener.NextListener next) -> {
                codes.computeIfAbsent(done.getStatusCode(), c -> new LongAdder()).increment();
                time.add(System.nanoTime() - t0);
                next.proceed();
            });
            h.handleRequest(ex);
        };
    }

    /** The value of {@link #WARMUP_HEADER} that keeps a request out of the counters. */
    public String warmupToken() {
        return warmupToken;
    }

    /** Visits (handler, code → count) in name order. */
    public void forEachCount(BiConsumer<String, Map<Integer, Long>> f) {
        new TreeMap<>(requests).forEach((h, m) -> {
            Map<Integer, Long> copy = new TreeMap<>();
            m.forEach((c, n) -> copy.put(c, n.sum()));
            f.accept(h, copy);
        });
    }

    /** Seconds spent per handler. */
    public Map<String, Double> seconds() {
        Map<String, Double> out = new TreeMap<>();
        nanos.forEach((h, n) -> out.put(h, n.sum() / 1e9));
        return out;
    }
}
