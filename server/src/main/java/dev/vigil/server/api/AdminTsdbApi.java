package dev.vigil.server.api;

import dev.vigil.query.QueryException;
import dev.vigil.query.QueryException.ErrorType;
import dev.vigil.server.http.Role;
import dev.vigil.server.http.Routes;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.db.Db;
import io.undertow.server.HttpHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Prometheus 2.x's TSDB admin API: {@code delete_series}, {@code clean_tombstones} and
 * {@code snapshot}, with 2.42's parameters, answers and errors; without
 * {@code --web.enable-admin-api} each answers 503 "admin APIs disabled".
 */
public final class AdminTsdbApi {
    private static final DateTimeFormatter SNAPSHOT_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final Supplier<Backend> backend;
    private final boolean enabled;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    private final dev.vigil.server.http.Cors cors;
    private final dev.vigil.server.http.WorkerPool pool;

    /** @param cors and {@code pool} as the rest of the API's */
    public AdminTsdbApi(Supplier<Backend> backend, boolean enabled, LongSupplier clock, dev.vigil.server.http.Cors cors,
            dev.vigil.server.http.WorkerPool pool) {
        this.cors = cors;
        this.pool = pool;
        this.backend = backend;
        this.enabled = enabled;
        this.clock = clock;
    }

    /** Adds the three routes (POST and PUT each) as admin routes; {@code wrap} instruments them. */
    public void register(Routes r, BiFunction<String, HttpHandler, HttpHandler> wrap) {
        route(r, wrap, "/api/v1/admin/tsdb/delete_series", this::deleteSeries);
        route(r, wrap, "/api/v1/admin/tsdb/clean_tombstones", this::cleanTombstones);
        route(r, wrap, "/api/v1/admin/tsdb/snapshot", this::snapshot);
    }

    private void route(Routes r, BiFunction<String, HttpHandler, HttpHandler> wrap, String path,
            PrometheusApi.Endpoint e) {
        HttpHandler h = wrap.apply(path, new ApiHandler(backend, (b, q) -> {
            if (!enabled) {
                throw new ApiException(ErrorType.UNAVAILABLE, "admin APIs disabled");
            }
            return e.apply(b, q);
        }, enabled, cors, pool));
        r.post(Role.ADMIN, path, h);
        r.put(Role.ADMIN, path, h);
    }

    ApiResult deleteSeries(Backend b, ApiRequest req) {
        Params p = req.params();
        List<String> selectors = p.all("match[]");
        if (selectors.isEmpty()) {
            throw ApiException.badData("no match[] parameter provided");
        }
        long start = PrometheusApi.timeParam(p, "start", ApiTime.MIN_TIME_MS);
        long end = PrometheusApi.timeParam(p, "end", ApiTime.MAX_TIME_MS);
        // All parsed before any is applied: a bad one deletes nothing.
        List<List<Matcher>> sets = new ArrayList<>();
        for (String s : selectors) {
            try {
                sets.add(SeriesSelector.parse(b.engine(), s));
            } catch (QueryException e) {
                throw ApiException.invalidParam("match[]", e.getMessage());
            }
        }
        Db db = db(b);
        for (List<Matcher> ms : sets) {
            if (ms.isEmpty()) {
                continue; // {} selects no series in Prometheus's index
            }
            try {
                db.deleteSeries(start, end, ms.toArray(new Matcher[0]));
            } catch (IOException e) {
                throw writeFailed("delete series", e);
            }
        }
        return ApiResult.NO_CONTENT;
    }

    ApiResult cleanTombstones(Backend b, ApiRequest req) {
        try {
            db(b).cleanTombstones();
        } catch (IOException e) {
            throw writeFailed("clean tombstones", e);
        }
        return ApiResult.NO_CONTENT;
    }

    ApiResult snapshot(Backend b, ApiRequest req) {
        String v = req.params().get("skip_head");
        boolean skipHead = false;
        if (!v.isEmpty()) {
            Boolean parsed = goParseBool(v);
            if (parsed == null) {
                throw ApiException.invalidParam("skip_head",
                        "unable to parse boolean: strconv.ParseBool: parsing \"" + v + "\": invalid syntax");
            }
            skipHead = parsed;
        }
        Db db = db(b);
        String name = ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(clock.getAsLong()), ZoneOffset.UTC)
                .format(SNAPSHOT_TIME) + "-" + String.format("%016x", random.nextLong() & Long.MAX_VALUE);
        Path dir = db.options().dir().resolve("snapshots").resolve(name);
        try {
            db.snapshot(dir, !skipHead);
        } catch (IOException e) {
            throw writeFailed("create snapshot", e);
        }
        return ApiResult.of(g -> {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeEndObject();
        });
    }

    /**
     * A full disk is the operator's to fix, not a bug: Prometheus's "unavailable" (503), and the
     * operation changed nothing (tombstones are renamed into place whole; a failed snapshot is
     * deleted). Anything else stays Prometheus's "internal" (500).
     */
    private static ApiException writeFailed(String what, IOException e) {
        if (dev.vigil.tsdb.StorageWriteException.outOfSpace(e)) {
            return new ApiException(ErrorType.UNAVAILABLE, what + ": the disk is full: " + e.getMessage());
        }
        return new ApiException(ErrorType.INTERNAL, what + ": " + e.getMessage());
    }

    private static Db db(Backend b) {
        if (b.storage() instanceof Db db) {
            return db;
        }
        throw new ApiException(ErrorType.UNAVAILABLE, "this store has no admin operations");
    }

    /** Go's strconv.ParseBool: null when it is none of its spellings. */
    static Boolean goParseBool(String s) {
        return switch (s) {
            case "1", "t", "T", "TRUE", "true", "True" -> Boolean.TRUE;
            case "0", "f", "F", "FALSE", "false", "False" -> Boolean.FALSE;
            default -> null;
        };
    }
}
