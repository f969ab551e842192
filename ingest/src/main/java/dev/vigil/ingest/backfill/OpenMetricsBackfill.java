package dev.vigil.ingest.backfill;

import dev.vigil.ingest.ExpositionException;
import dev.vigil.ingest.ParseSink;
import dev.vigil.ingest.text.OpenMetricsParser;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.tools.BlockBackfill;
import dev.vigil.tsdb.tools.DataFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code tsdb create-blocks-from openmetrics}: an OpenMetrics file (every sample with a timestamp, ending in
 * {@code # EOF}) written as blocks into a stopped store's data folder, whose lock it holds meanwhile. The file is
 * parsed whole before any block is written, so a bad file writes nothing.
 */
public final class OpenMetricsBackfill {
    private OpenMetricsBackfill() {
    }

    /** The outcome: the blocks written and how many samples they hold. */
    public record Result(List<BlockMeta> blocks, long samples) {
    }

    /**
     * @throws ExpositionException when the file is not valid OpenMetrics or a sample has no timestamp
     * @throws dev.vigil.tsdb.tools.FolderInUseException when a running Vigil holds {@code dataDir}
     */
    public static Result run(Path file, Path dataDir, long blockMs, FileIo io) throws IOException, ExpositionException {
        byte[] body = Files.readAllBytes(file);
        BlockBackfill backfill = new BlockBackfill();
        ExpositionException[] missing = {null};
        new OpenMetricsParser().parse(body, 0, body.length, new ParseSink() {
            @Override
            public void sample(Labels labels, double value, boolean hasTimestamp, long timestampMs, int line) {
                if (!hasTimestamp) {
                    if (missing[0] == null) {
                        missing[0] = new ExpositionException(line, 0, "sample without a timestamp: backfilled samples need one");
                    }
                    return;
                }
                backfill.add(labels, timestampMs, value);
            }
        });
        if (missing[0] != null) {
            throw missing[0];
        }
        try (DataFolder folder = DataFolder.openForWriting(io, dataDir)) {
            return new Result(backfill.write(io, folder, blockMs), backfill.samples());
        }
    }
}
