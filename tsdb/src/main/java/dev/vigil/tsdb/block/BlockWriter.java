package dev.vigil.tsdb.block;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.chunks.ChunkWriter;
import dev.vigil.tsdb.block.codec.ChunkCodec;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.block.index.ChunkMeta;
import dev.vigil.tsdb.block.index.IndexWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes one block directory (docs/format/block.md): chunks, index, meta.json into
 * {@code <ulid>.tmp}, fsynced, then renamed to {@code <ulid>} — a reader never sees half a block.
 */
public final class BlockWriter {
    /** Suffix of a block directory being written; such directories are deleted at start. */
    public static final String TMP_SUFFIX = ".tmp";
    public static final String META = "meta.json";
    public static final String INDEX = "index";
    public static final String CHUNKS = "chunks";

    private final FileIo fs;
    private long segmentSize = ChunkWriter.DEFAULT_SEGMENT_SIZE;

    public BlockWriter(FileIo fs) {
        this.fs = fs;
    }

    /** For tests: a small segment size forces several chunk files. */
    public BlockWriter segmentSize(long bytes) {
        this.segmentSize = bytes;
        return this;
    }

    /**
     * Writes the samples of {@code sortedSeries} with {@code mint <= t < maxt} as a new block
     * under {@code parentDir}. Series must come in {@link Labels#compareTo} order, unique; series
     * with no sample in range are left out.
     *
     * @param level 1 for a block cut from the head, else one more than the highest input level
     * @param sourceUlids the level-1 blocks this one replaces; empty means itself
     */
    public BlockMeta writeBlock(Path parentDir, SeriesSet sortedSeries, long mint, long maxt, int level,
            List<String> sourceUlids) throws IOException {
        if (maxt <= mint) {
            throw new IllegalArgumentException("empty block range [" + mint + ", " + maxt + ")");
        }
        String ulid = Ulid.next(System.currentTimeMillis());
        Path tmp = parentDir.resolve(ulid + TMP_SUFFIX);
        Path dir = parentDir.resolve(ulid);
        fs.createDirectories(parentDir);
        fs.deleteTree(tmp);
        boolean done = false;
        try {
            Path chunksDir = tmp.resolve(CHUNKS);
            fs.createDirectories(chunksDir);
            List<IndexWriter.Entry> entries = new ArrayList<>();
            long numSamples = 0;
            long numChunks = 0;
            try (ChunkWriter chunks = new ChunkWriter(fs, chunksDir, segmentSize)) {
                long[] t = new long[1024];
                double[] v = new double[1024];
                SampleIterator reuse = null;
                Labels prev = null;
                while (sortedSeries.next()) {
                    var s = sortedSeries.at();
                    Labels labels = s.labels();
                    if (prev != null && prev.compareTo(labels) >= 0) {
                        throw new IllegalArgumentException("series not sorted or duplicated: " + prev + " then " + labels);
                    }
                    prev = labels;
                    SampleIterator it = s.iterator(reuse);
                    reuse = it;
                    int n = 0;
                    long last = Long.MIN_VALUE;
                    if (it.seek(mint)) {
                        do {
                            long ts = it.t();
                            if (ts >= maxt) {
                                break;
                            }
                            if (ts <= last) {
                                throw new IllegalArgumentException("samples out of order in " + labels + " at " + ts);
                            }
                            last = ts;
                            if (n == t.length) {
                                t = Arrays.copyOf(t, n * 2);
                                v = Arrays.copyOf(v, n * 2);
                            }
                            t[n] = ts;
                            v[n++] = it.v();
                        } while (it.next());
                    }
                    if (n == 0) {
                        continue;
                    }
                    // Split evenly into as few chunks as the cap allows, so series with the same
                    // timestamps split alike and can share timestamp columns.
                    int parts = (n + ChunkCodec.MAX_SAMPLES - 1) / ChunkCodec.MAX_SAMPLES;
                    List<ChunkMeta> metas = new ArrayList<>(parts);
                    long[] ct = new long[Math.min(n, ChunkCodec.MAX_SAMPLES)];
                    double[] cv = new double[ct.length];
                    int from = 0;
                    for (int p = 0; p < parts; p++) {
                        int to = (int) ((long) n * (p + 1) / parts);
                        int len = to - from;
                        System.arraycopy(t, from, ct, 0, len);
                        System.arraycopy(v, from, cv, 0, len);
                        long ref = chunks.write(ct, cv, len);
                        metas.add(new ChunkMeta(ct[0], ct[len - 1], ref, len));
                        from = to;
                    }
                    entries.add(new IndexWriter.Entry(labels, metas));
                    numSamples += n;
                    numChunks += parts;
                }
            }
            IndexWriter.write(fs, tmp.resolve(INDEX), entries);
            List<String> sources = sourceUlids == null || sourceUlids.isEmpty() ? List.of(ulid) : List.copyOf(sourceUlids);
            BlockMeta meta = new BlockMeta(ulid, mint, maxt, new BlockMeta.Stats(numSamples, entries.size(), numChunks),
                    new BlockMeta.Compaction(level, sources), IndexWriter.VERSION);
            try (FileIo.WriteFile out = fs.create(tmp.resolve(META))) {
                out.write(ByteBuffer.wrap(meta.toJson()));
                out.force(true);
            }
            fs.fsyncDir(chunksDir);
            fs.fsyncDir(tmp);
            fs.rename(tmp, dir);
            fs.fsyncDir(parentDir);
            done = true;
            return meta;
        } finally {
            if (!done) {
                try {
                    fs.deleteTree(tmp);
                } catch (IOException | RuntimeException ignored) {
                    // Left for the next start, which deletes every *.tmp directory.
                }
            }
        }
    }
}
