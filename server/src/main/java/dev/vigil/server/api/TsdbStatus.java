package dev.vigil.server.api;

import dev.vigil.query.QueryGate;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbStats;
import dev.vigil.tsdb.db.DiskUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/status/tsdb}: the cardinality top lists Prometheus computes from its head index
 * (series per metric name, distinct values per label name, bytes of label values per name,
 * series per name=value pair), here by one pass over every series in the store.
 */
final class TsdbStatus {
    private static final int TOP = 10;

    private TsdbStatus() {
    }

    static ApiResult compute(Backend b, ApiRequest req) {
        int limit = TOP;
        String l = req.params().get("limit");
        if (!l.isEmpty()) {
            try {
                limit = Integer.parseInt(l);
            } catch (NumberFormatException e) {
                throw ApiException.badData("limit must be a number");
            }
            if (limit < 1) {
                throw ApiException.badData("limit must be a positive number");
            }
        }
        Map<String, Long> byMetric = new HashMap<>();
        Map<String, Map<String, Long>> pairs = new HashMap<>();
        long series = 0;
        long minT = Long.MAX_VALUE;
        long maxT = Long.MIN_VALUE;
        try (QueryGate.Admission a = PrometheusApi.admit(b, req.params());
                Querier q = b.storage().querier(ApiTime.MIN_TIME_MS, ApiTime.MAX_TIME_MS)) {
            SeriesSet s = q.select(false, new SelectHints(ApiTime.MIN_TIME_MS, ApiTime.MAX_TIME_MS, 0, 0, "series"),
                    Matcher.of(Matcher.Type.RE, Labels.METRIC_NAME, ".+"));
            while (s.next()) {
                Labels ls = s.at().labels();
                PrometheusApi.tick(a, PrometheusApi.TSDB_STATUS_STAGE);
                series++;
                byMetric.merge(ls.metricName(), 1L, Long::sum);
                for (int i = 0; i < ls.size(); i++) {
                    pairs.computeIfAbsent(ls.name(i), k -> new HashMap<>()).merge(ls.value(i), 1L, Long::sum);
                }
            }
        }
        DbStats hs = b.stats() == null ? null : b.stats().get();
        long numSeries = hs != null ? hs.headSeries() : series;
        long chunks = hs != null ? hs.headChunks() : 0;
        if (hs != null) {
            minT = hs.headMinT();
            maxT = hs.headMaxT();
        }
        List<Map.Entry<String, Long>> valueCount = new ArrayList<>();
        List<Map.Entry<String, Long>> memory = new ArrayList<>();
        List<Map.Entry<String, Long>> pairCount = new ArrayList<>();
        long numPairs = 0;
        for (Map.Entry<String, Map<String, Long>> e : pairs.entrySet()) {
            valueCount.add(Map.entry(e.getKey(), (long) e.getValue().size()));
            long bytes = 0;
            for (Map.Entry<String, Long> v : e.getValue().entrySet()) {
                bytes += (long) v.getKey().length() * v.getValue();
                pairCount.add(Map.entry(e.getKey() + "=" + v.getKey(), v.getValue()));
            }
            numPairs += e.getValue().size();
            memory.add(Map.entry(e.getKey(), bytes));
        }
        long fMinT = minT;
        long fMaxT = maxT;
        long fPairs = numPairs;
        int top = limit;
        DiskUsage usage = b.storage() instanceof Db db ? db.diskUsage() : null;
        long sizeLimit = b.storageLimits().retentionBytes();
        List<Map.Entry<String, Long>> metrics = new ArrayList<>(byMetric.entrySet());
        return ApiResult.of(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("headStats");
            g.writeNumberField("numSeries", numSeries);
            g.writeNumberField("numLabelPairs", fPairs);
            g.writeNumberField("chunkCount", chunks);
            // Prometheus reports an empty head as min=MaxInt64, max=MinInt64 in ms.
            g.writeNumberField("minTime", fMinT);
            g.writeNumberField("maxTime", fMaxT);
            g.writeEndObject();
            list(g, "seriesCountByMetricName", metrics, top);
            list(g, "labelValueCountByLabelName", valueCount, top);
            list(g, "memoryInBytesByLabelName", memory, top);
            list(g, "seriesCountByLabelValuePair", pairCount, top);
            if (usage != null) {
                diskUsage(g, usage, sizeLimit);
            }
            g.writeEndObject();
        });
    }

    /** Vigil only: what --storage.tsdb.retention.size counts, part by part, and the block it deletes next. */
    private static void diskUsage(com.fasterxml.jackson.core.JsonGenerator g, DiskUsage u, long limit) throws IOException {
        g.writeObjectFieldStart("diskUsage");
        g.writeNumberField("walBytes", u.wal());
        g.writeNumberField("walCheckpointBytes", u.walCheckpoint());
        g.writeNumberField("headChunksBytes", u.headChunks());
        g.writeNumberField("headSnapshotBytes", u.headSnapshot());
        g.writeNumberField("seriesRegistryBytes", u.seriesRegistry());
        g.writeNumberField("blocksBytes", u.blocks());
        g.writeNumberField("otherBytes", u.other());
        g.writeNumberField("totalBytes", u.total());
        g.writeNumberField("snapshotsBytes", u.snapshots());
        g.writeNumberField("retentionSizeBytes", limit);
        if (u.oldestBlock() == null) {
            g.writeNullField("nextBlockToGo");
        } else {
            g.writeStringField("nextBlockToGo", u.oldestBlock());
        }
        g.writeEndObject();
    }

    private static void list(com.fasterxml.jackson.core.JsonGenerator g, String field, List<Map.Entry<String, Long>> l,
            int top) throws IOException {
        l.sort((a, c) -> {
            int x = Long.compare(c.getValue(), a.getValue());
            return x != 0 ? x : a.getKey().compareTo(c.getKey());
        });
        g.writeArrayFieldStart(field);
        for (int i = 0; i < Math.min(top, l.size()); i++) {
            g.writeStartObject();
            g.writeStringField("name", l.get(i).getKey());
            g.writeNumberField("value", l.get(i).getValue());
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
