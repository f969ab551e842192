package dev.vigil.tsdb.downsample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.block.BlockWriter;
import dev.vigil.tsdb.block.Ulid;
import dev.vigil.tsdb.block.chunks.ChunkWriter;
import dev.vigil.tsdb.block.codec.ChunkCodec;
import dev.vigil.tsdb.block.index.ChunkMeta;
import dev.vigil.tsdb.block.index.IndexWriter;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes one rollup block (docs/format/downsample.md): the block layout of docs/format/block.md
 * with aggregate chunks, and meta.json marked with its resolution; published by rename as a raw
 * block is.
 */
public final class RollupWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /**
     * A series keeps a counter column when its value went down at most once per this many
     * windows: counters reset rarely, gauges go down all the time (and rate of a gauge is moot).
     */
    static final int WINDOWS_PER_ALLOWED_DROP = 16;

    private final FileIo fs;

    public RollupWriter(FileIo fs) {
        this.fs = fs;
    }

    /**
     * Writes the rollup at {@code res} of the samples of {@code sortedSeries} with
     * {@code mint <= t < maxt} under {@code parentDir}; series must come sorted and unique.
     *
     * @param sources the raw blocks summarised, recorded as the block's compaction sources
     */
    public BlockMeta write(Path parentDir, SeriesSet sortedSeries, long mint, long maxt, long res, List<String> sources)
            throws IOException {
        if (maxt <= mint) {
            throw new IllegalArgumentException("empty rollup range [" + mint + ", " + maxt + ")");
        }
        String ulid = Ulid.next(System.currentTimeMillis());
        Path tmp = parentDir.resolve(ulid + BlockWriter.TMP_SUFFIX);
        fs.createDirectories(parentDir);
        fs.deleteTree(tmp);
        boolean done = false;
        try {
            Path chunksDir = tmp.resolve(BlockWriter.CHUNKS);
            fs.createDirectories(chunksDir);
            List<IndexWriter.Entry> entries = new ArrayList<>();
            long numWindows = 0;
            long numChunks = 0;
            AggregateChunk enc = new AggregateChunk();
            Windows w = new Windows();
            try (ChunkWriter chunks = new ChunkWriter(fs, chunksDir, ChunkWriter.DEFAULT_SEGMENT_SIZE)) {
                long[] t = new long[1024];
                double[] v = new double[1024];
                SampleIterator reuse = null;
                while (sortedSeries.next()) {
                    var s = sortedSeries.at();
                    Labels labels = s.labels();
                    SampleIterator it = s.iterator(reuse);
                    reuse = it;
                    int n = 0;
                    if (it.seek(mint)) {
                        do {
                            if (it.t() >= maxt) {
                                break;
                            }
                            if (n == t.length) {
                                t = Arrays.copyOf(t, n * 2);
                                v = Arrays.copyOf(v, n * 2);
                            }
                            t[n] = it.t();
                            v[n++] = it.v();
                        } while (it.next());
                    }
                    w.rollup(t, v, n, res);
                    int windows = w.size();
                    if (windows == 0) {
                        continue;
                    }
                    boolean withCounter = counterTyped(w);
                    int parts = (windows + ChunkCodec.MAX_SAMPLES - 1) / ChunkCodec.MAX_SAMPLES;
                    List<ChunkMeta> metas = new ArrayList<>(parts);
                    int from = 0;
                    for (int p = 0; p < parts; p++) {
                        int to = (int) ((long) windows * (p + 1) / parts);
                        int start = from;
                        int len = to - from;
                        boolean last = p == parts - 1;
                        long[] cts = Arrays.copyOfRange(w.t, start, to);
                        long ref = chunks.write(cts, len, (back, out) -> enc.encode(w, start, len, withCounter, last, back, out));
                        metas.add(new ChunkMeta(cts[0], cts[len - 1], ref, len));
                        from = to;
                    }
                    entries.add(new IndexWriter.Entry(labels, metas));
                    numWindows += windows;
                    numChunks += parts;
                }
            }
            IndexWriter.write(fs, tmp.resolve(BlockWriter.INDEX), entries);
            List<String> src = sources == null || sources.isEmpty() ? List.of(ulid) : List.copyOf(sources);
            BlockMeta meta = new BlockMeta(ulid, mint, maxt, new BlockMeta.Stats(numWindows, entries.size(), numChunks),
                    new BlockMeta.Compaction(1, src), IndexWriter.VERSION);
            try (FileIo.WriteFile out = fs.create(tmp.resolve(BlockWriter.META))) {
                out.write(ByteBuffer.wrap(metaJson(meta, res)));
                out.force(true);
            }
            fs.fsyncDir(chunksDir);
            fs.fsyncDir(tmp);
            fs.rename(tmp, parentDir.resolve(ulid));
            fs.fsyncDir(parentDir);
            done = true;
            return meta;
        } finally {
            if (!done) {
                try {
                    fs.deleteTree(tmp);
                } catch (IOException | RuntimeException ignored) {
                    // Left for the next open, which deletes every *.tmp block directory.
                }
            }
        }
    }

    /** Whether a series went down rarely enough to be a counter, so a reset chunk keeps a counter column. */
    public static boolean counterTyped(Windows w) {
        return w.drops() <= Math.max(1, w.size() / WINDOWS_PER_ALLOWED_DROP);
    }

    /** meta.json of a raw block plus {@code "downsample": {"resolution": res}}. */
    static byte[] metaJson(BlockMeta meta, long res) throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(meta.toJson());
        node.putObject("downsample").put("resolution", res);
        return JSON.writeValueAsBytes(node);
    }

    /** The resolution recorded in a rollup block's meta.json, or 0 when it has none. */
    public static long resolutionOf(byte[] metaJson) throws IOException {
        var node = JSON.readTree(metaJson).path("downsample").path("resolution");
        return node.canConvertToLong() ? node.asLong() : 0;
    }
}
