package dev.vigil.ingest.importer;

import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.ParseSink;
import dev.vigil.ingest.text.ExpositionFormat;
import dev.vigil.ingest.text.LineParser;
import dev.vigil.ingest.text.OpenMetricsParser;
import dev.vigil.ingest.text.TextParser;
import dev.vigil.tsdb.Labels;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Text import with explicit timestamps ({@code POST /api/v1/import/prometheus}), compatible with
 * the import API of the same path elsewhere: the body is the Prometheus text format whose samples
 * may carry a timestamp in milliseconds; a sample without one gets the request's time; comment
 * lines are skipped (no TYPE semantics, every line is its own series); a last line without its
 * newline and CRLF line ends are accepted; {@code extra_label=name=value} query arguments add
 * labels to every sample (they win over a label of the same name in the body). With an
 * OpenMetrics content type the body is OpenMetrics (timestamps in seconds, {@code # EOF}).
 *
 * <p>Where we differ on purpose: a malformed line stops the import with its line and column
 * (the other implementation logs and skips it), so nothing is silently lost; every line before
 * it is handed over first, and the error says how many samples that was.
 *
 * <p>The body streams through a fixed buffer ({@code chunkBytes}, default 1 MiB, growing only
 * for a single longer line up to {@code maxLineBytes}); samples go out in batches of
 * {@code batchSamples} for the caller to append and commit. Not thread-safe; reusable.
 */
public final class PrometheusImporter {
    /** Stores one batch; called in input order; may throw to stop the import. */
    public interface BatchSink {
        void accept(Batch batch) throws IOException;
    }

    /** What an import did. */
    public record Result(long samples, long lines, long batches) {
    }

    private final int chunkBytes;
    private final int maxLineBytes;
    private final int batchSamples;
    private final TextParser text = new TextParser(false);
    private final OpenMetricsParser openMetrics = new OpenMetricsParser();

    public PrometheusImporter() {
        this(1 << 20, 16 << 20, 10_000);
    }

    public PrometheusImporter(int chunkBytes, int maxLineBytes, int batchSamples) {
        this.chunkBytes = chunkBytes;
        this.maxLineBytes = Math.max(maxLineBytes, chunkBytes);
        this.batchSamples = batchSamples;
    }

    /**
     * Imports a whole body.
     *
     * @param extraLabels labels added to every sample (from {@code extra_label} query arguments)
     * @param nowMs the timestamp of samples that have none
     */
    public Result importBody(InputStream in, ExpositionFormat format, Map<String, String> extraLabels, long nowMs, BatchSink sink)
            throws IOException, ImportException {
        if (format == ExpositionFormat.PROTOBUF_DELIMITED) {
            throw new IllegalArgumentException("import takes text 0.0.4 or OpenMetrics, not protobuf");
        }
        LineParser parser = format == ExpositionFormat.OPENMETRICS ? openMetrics : text;
        Collect collect = new Collect(extraLabels, nowMs, sink);
        byte[] buf = new byte[chunkBytes];
        int start = 0; // first unparsed byte
        int end = 0; // end of data in buf
        parser.begin();
        try {
            while (true) {
                if (end == buf.length) {
                    if (start > 0) {
                        System.arraycopy(buf, start, buf, 0, end - start);
                        end -= start;
                        start = 0;
                    } else {
                        if (buf.length >= maxLineBytes) {
                            throw new ExpositionException(parser.linesRead() + 1, 0, "line longer than " + maxLineBytes + " bytes");
                        }
                        buf = Arrays.copyOf(buf, Math.min(maxLineBytes, buf.length * 2));
                    }
                }
                int n = in.read(buf, end, buf.length - end);
                if (n < 0) {
                    break;
                }
                int from = end;
                end = from + n;
                end = dropCarriageReturns(buf, from > start && buf[from - 1] == '\r' ? from - 1 : from, end);
                if (hasNewline(buf, Math.max(start, from - 1), end)) { // else a long line would be rescanned on every read
                    start = parser.parseLines(buf, start, end, collect);
                }
            }
            if (parser == text && start < end && buf[end - 1] != '\n') {
                // The last line may lack its newline here (a lone CR counts as one).
                if (buf[end - 1] != '\r') {
                    if (end == buf.length) {
                        buf = Arrays.copyOf(buf, buf.length + 1);
                    }
                    end++;
                }
                buf[end - 1] = '\n';
                start = parser.parseLines(buf, start, end, collect);
            }
            parser.finish(buf, start, end, collect);
            collect.flush();
        } catch (ExpositionException e) {
            collect.flush(); // everything before the bad line goes in, so a client can resume after it
            throw new ImportException(e, collect.samples);
        } catch (UncheckedIOException e) {
            throw e.getCause(); // from the batch sink, called while parsing
        }
        return new Result(collect.samples, parser.linesRead(), collect.batches);
    }

    /**
     * The labels of {@code extra_label} query arguments ({@code name=value} each; later ones win).
     *
     * @throws IllegalArgumentException naming the bad argument (a 400)
     */
    public static Map<String, String> extraLabels(List<String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            String name = eq < 0 ? a : a.substring(0, eq);
            if (eq < 0 || name.isEmpty() || !name.matches("[a-zA-Z_][a-zA-Z0-9_]*") || name.equals(Labels.METRIC_NAME)) {
                throw new IllegalArgumentException("invalid extra_label \"" + a + "\": expected name=value with a valid label name");
            }
            out.put(name, a.substring(eq + 1));
        }
        return out;
    }

    private static boolean hasNewline(byte[] b, int from, int end) {
        for (int i = from; i < end; i++) {
            if (b[i] == '\n') {
                return true;
            }
        }
        return false;
    }

    /** Removes every {@code \r} that ends a line in {@code b[from, end)}; returns the new end. */
    static int dropCarriageReturns(byte[] b, int from, int end) {
        int w = from;
        for (int r = from; r < end; r++) {
            byte x = b[r];
            if (x == '\r' && r + 1 < end && b[r + 1] == '\n') {
                continue;
            }
            b[w++] = x;
        }
        return w;
    }

    private final class Collect implements ParseSink {
        final Batch batch = new Batch(Math.min(batchSamples, 1 << 16));
        final String[] extra;
        final long nowMs;
        final BatchSink sink;
        long samples;
        long batches;

        Collect(Map<String, String> extraLabels, long nowMs, BatchSink sink) {
            this.extra = new String[extraLabels.size() * 2];
            int i = 0;
            for (Map.Entry<String, String> e : extraLabels.entrySet()) {
                extra[i++] = e.getKey();
                extra[i++] = e.getValue();
            }
            this.nowMs = nowMs;
            this.sink = sink;
        }

        @Override
        public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
            Labels l = labels;
            if (extra.length > 0) {
                Labels.Builder b = labels.toBuilder();
                for (int i = 0; i < extra.length; i += 2) {
                    b.set(extra[i], extra[i + 1]);
                }
                l = b.build();
            }
            batch.add(l, hasTimestamp ? timestampMs : nowMs, value);
            samples++;
            if (batch.size() >= batchSamples) {
                try {
                    flush();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        void flush() throws IOException {
            if (batch.size() > 0) {
                sink.accept(batch);
                batches++;
                batch.clear();
            }
        }
    }
}
