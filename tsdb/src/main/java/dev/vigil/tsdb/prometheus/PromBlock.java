package dev.vigil.tsdb.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One Prometheus block directory: {@code meta.json}, {@code index}, {@code chunks/} and {@code tombstones}. Reads one
 * series at a time into a {@link SampleBuffer}, with the tombstones' deleted ranges left out.
 */
public final class PromBlock implements PromSource {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What {@code meta.json} says: ID, time range {@code [minTime, maxTime)}, sample count, level, parents. */
    public record Meta(String ulid, long minTime, long maxTime, long numSamples, long numSeries, int level,
            List<String> parents) {
    }

    private final Path dir;
    private final Meta meta;
    private final PromIndex index;
    private final PromChunks chunks;
    private final PromTombstones tombstones;
    private final PromChunks.Chunk chunk = new PromChunks.Chunk();
    private long[] refs = new long[16];

    private PromBlock(Path dir, Meta meta, PromIndex index, PromChunks chunks, PromTombstones tombstones) {
        this.dir = dir;
        this.meta = meta;
        this.index = index;
        this.chunks = chunks;
        this.tombstones = tombstones;
    }

    /** Reads a block's {@code meta.json} only. */
    public static Meta readMeta(FileIo io, Path dir) throws IOException {
        Path file = dir.resolve("meta.json");
        JsonNode m;
        try {
            m = JSON.readTree(io.readAllBytes(file));
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new PromFormatException(file + ": not JSON: " + e.getOriginalMessage());
        }
        if (m == null || !m.hasNonNull("ulid") || !m.hasNonNull("minTime") || !m.hasNonNull("maxTime")) {
            throw new PromFormatException(file + ": lacks ulid, minTime or maxTime");
        }
        int version = m.path("version").asInt(1);
        if (version != 1) {
            throw new PromFormatException(file + ": meta version " + version + " is not supported (only 1)");
        }
        List<String> parents = new ArrayList<>();
        for (JsonNode p : m.path("compaction").path("parents")) {
            parents.add(p.path("ulid").asText());
        }
        return new Meta(m.get("ulid").asText(), m.get("minTime").asLong(), m.get("maxTime").asLong(),
                m.path("stats").path("numSamples").asLong(), m.path("stats").path("numSeries").asLong(),
                m.path("compaction").path("level").asInt(1), List.copyOf(parents));
    }

    public static PromBlock open(FileIo io, Path dir) throws IOException {
        Meta meta = readMeta(io, dir);
        return new PromBlock(dir, meta, PromIndex.open(io, dir.resolve("index")), PromChunks.open(io, dir.resolve("chunks")),
                PromTombstones.read(io, dir.resolve("tombstones")));
    }

    public Path dir() {
        return dir;
    }

    @Override
    public Meta meta() {
        return meta;
    }

    public PromTombstones tombstones() {
        return tombstones;
    }

    @Override
    public List<PromIndex.Entry> series() throws PromFormatException {
        try {
            return index.series();
        } catch (RuntimeException e) {
            // Past every checksum yet still inconsistent (an offset out of the file, a bad label set): damaged.
            throw new PromFormatException(dir + "/index: " + e);
        }
    }

    /** Chunks of another encoding than XOR (native histograms) are left out and counted. */
    @Override
    public void read(PromIndex.Entry e, SampleBuffer out) throws PromFormatException {
        try {
            readChecked(e, out);
        } catch (RuntimeException ex) {
            throw new PromFormatException(dir + ": series " + e.labels() + ": " + ex);
        }
    }

    private void readChecked(PromIndex.Entry e, SampleBuffer out) throws PromFormatException {
        out.clear();
        refs = index.chunkRefs(e.offset(), refs);
        int nc = (int) refs[0];
        for (int i = 0; i < nc; i++) {
            chunks.read(refs[i + 1], chunk);
            if (chunk.encoding != PromChunks.XOR) {
                out.histogramChunks++;
                continue;
            }
            int n = XorChunkDecoder.count(chunk.data, 0);
            out.ensure(out.n + n);
            try {
                XorChunkDecoder.decode(chunk.data, 0, chunk.length, out.t, out.v, out.n);
            } catch (IllegalArgumentException ex) {
                throw new PromFormatException(dir + ": chunk " + Long.toHexString(refs[i + 1]) + " of " + e.labels() + ": "
                        + ex.getMessage());
            }
            out.n += n;
        }
        out.sortIfNeeded();
        long[] deleted = tombstones.deleted(e.ref());
        if (deleted != null) {
            out.delete(deleted);
        }
    }
}
