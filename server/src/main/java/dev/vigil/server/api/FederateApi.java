package dev.vigil.server.api;

import dev.vigil.query.QueryException;
import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.query.text.GoText;
import dev.vigil.server.federate.FederationText;
import dev.vigil.server.federate.LatestSamples;
import dev.vigil.server.http.PlainText;
import dev.vigil.server.http.Role;
import dev.vigil.server.http.Routes;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SelectHints;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code GET|POST /federate}: the newest sample of every series that a {@code match[]} selects,
 * within the lookback delta of the request time, in the text format as Prometheus 2.42 writes it.
 */
public final class FederateApi {
    private static final Logger LOG = Logger.getLogger(FederateApi.class.getName());
    private static final String ALL_EMPTY = "vector selector must contain at least one non-empty matcher";

    private final Supplier<Backend> backend;
    private final Supplier<Labels> externalLabels;
    private final long lookbackMs;
    private final LongSupplier clock;

    /**
     * @param externalLabels {@code global.external_labels} of the configuration in force
     * @param lookbackMs {@code --query.lookback-delta}
     */
    public FederateApi(Supplier<Backend> backend, Supplier<Labels> externalLabels, long lookbackMs, LongSupplier clock) {
        this.backend = backend;
        this.externalLabels = externalLabels;
        this.lookbackMs = lookbackMs;
        this.clock = clock;
    }

    /** Adds the route; {@code wrap} instruments a handler under a name (for /metrics). */
    public void register(Routes routes, BiFunction<String, HttpHandler, HttpHandler> wrap) {
        HttpHandler h = wrap.apply("/federate", this::handle);
        routes.get(Role.READ, "/federate", h);
        routes.post(Role.READ, "/federate", h);
    }

    private void handle(HttpServerExchange ex) throws Exception {
        if (ex.isInIoThread()) {
            ex.dispatch(this::handle);
            return;
        }
        ex.startBlocking();
        Backend b = backend.get();
        if (b == null) {
            PlainText.UNAVAILABLE.handleRequest(ex);
            return;
        }
        List<Matcher[]> sets;
        try {
            List<String> selectors = Params.read(ex).all("match[]");
            if (selectors.isEmpty()) {
                throw ApiException.badData("no match[] parameter provided");
            }
            sets = new ArrayList<>(selectors.size());
            for (String s : selectors) {
                sets.add(matchers(b, s));
            }
        } catch (ApiException e) {
            PlainText.send(ex, 400, e.getMessage() + "\n");
            return;
        } catch (Params.BodyTooLargeException e) {
            PlainText.send(ex, 413, e.getMessage() + "\n");
            return;
        } catch (IOException e) {
            PlainText.send(ex, 400, "error parsing form values: " + e.getMessage() + "\n");
            return;
        }
        long maxt = clock.getAsLong();
        long mint = maxt - lookbackMs;
        List<LatestSamples.Sample> samples;
        try (Querier q = b.storage().querier(mint, maxt)) {
            samples = LatestSamples.collect(q, new SelectHints(mint, maxt, 0, 0, null), sets);
        }
        ex.setStatusCode(200);
        ex.getResponseHeaders().put(Headers.CONTENT_TYPE, FederationText.CONTENT_TYPE);
        try (Writer w = new BufferedWriter(new OutputStreamWriter(ex.getOutputStream(), StandardCharsets.UTF_8), 64 << 10)) {
            new FederationText(externalLabels.get()).write(samples, w);
        } catch (IOException e) {
            LOG.log(Level.FINE, "federation client went away", e);
        }
    }

    /**
     * A series selector's matchers. Unlike a PromQL expression, a federation selector may consist
     * of matchers that all match the empty string ({@code {job=""}} selects everything, as in
     * 2.42); nameless series are never federated, so a name matcher makes it a valid query.
     */
    private static Matcher[] matchers(Backend b, String s) {
        Expr e;
        try {
            e = b.engine().parse(s);
        } catch (QueryException ex) {
            int brace = s.indexOf('{');
            if (!ex.getMessage().endsWith(ALL_EMPTY) || brace < 0) {
                throw ApiException.badData(ex.getMessage());
            }
            String named = s.substring(0, brace + 1) + "__name__=~\".+\"," + s.substring(brace + 1);
            try {
                e = b.engine().parse(named);
            } catch (QueryException again) {
                throw ApiException.badData(ex.getMessage());
            }
        }
        if (!(e instanceof VectorSelector vs) || vs.offsetMs() != 0 || vs.at() != null) {
            throw ApiException.badData("1:1: parse error: " + GoText.quote(s) + " is not a series selector");
        }
        return vs.matchers().toArray(new Matcher[0]);
    }
}
