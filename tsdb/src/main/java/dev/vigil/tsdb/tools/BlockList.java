package dev.vigil.tsdb.tools;

import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.block.BlockMeta;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/** {@code tsdb list}: one row per block with promtool's columns, aligned as its tab writer aligns them. */
public final class BlockList {
    private BlockList() {
    }

    public static void print(DataFolder folder, boolean humanReadable, PrintStream out) {
        print(folder, humanReadable, out, b -> true);
    }

    /** Lists the blocks {@code which} accepts. */
    public static void print(DataFolder folder, boolean humanReadable, PrintStream out, Predicate<Block> which) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"BLOCK ULID", "MIN TIME", "MAX TIME", "DURATION", "NUM SAMPLES", "NUM CHUNKS", "NUM SERIES", "SIZE"});
        for (Block b : folder.blocks()) {
            if (!which.test(b)) {
                continue;
            }
            BlockMeta m = b.meta();
            rows.add(new String[] {m.ulid(),
                    humanReadable ? GoFormat.time(m.minTime()) : Long.toString(m.minTime()),
                    humanReadable ? GoFormat.time(m.maxTime()) : Long.toString(m.maxTime()),
                    GoFormat.duration(m.maxTime() - m.minTime()),
                    Long.toString(m.stats().numSamples()), Long.toString(m.stats().numChunks()),
                    Long.toString(m.stats().numSeries()),
                    humanReadable ? GoFormat.bytes(b.sizeBytes()) : Long.toString(b.sizeBytes())});
        }
        Table.print(rows, out);
        for (String d : folder.damaged()) {
            out.println("damaged block, not listed: " + d);
        }
    }
}
