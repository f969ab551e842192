package dev.vigil.tsdb.tools;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.block.BlockMeta;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code tsdb analyze}: one block's cardinality in promtool's sections. Churn is promtool's: for each label pair (and
 * name), the block time its series leave uncovered (the block's range minus first-to-last sample), summed, in whole
 * block ranges; so a pair counts 1 for each series missing from the whole block, or two missing half of it.
 */
public final class Cardinality {
    private Cardinality() {
    }

    /** Analyzes the block with this ULID, or the newest when {@code ulid} is null; false when there is none. */
    public static boolean print(DataFolder folder, String ulid, int limit, PrintStream out, PrintStream err) {
        Block block = null;
        for (Block b : folder.blocks()) {
            if (ulid == null ? block == null || b.meta().maxTime() >= block.meta().maxTime() : b.meta().ulid().equals(ulid)) {
                block = b;
            }
        }
        if (block == null) {
            err.println(ulid == null ? "no blocks found in " + folder.dir() : "block " + ulid + " not found in " + folder.dir());
            return false;
        }
        BlockMeta m = block.meta();
        long range = m.maxTime() - m.minTime();
        Map<String, Set<String>> values = new HashMap<>();
        Map<String, Long> valueLength = new HashMap<>();
        Map<String, Long> pairs = new HashMap<>();
        Map<String, Long> churnPairs = new HashMap<>();
        Map<String, Long> churnNames = new HashMap<>();
        Map<String, Long> metrics = new HashMap<>();
        long series = 0;
        long entries = 0;
        try (Querier q = block.querier(m.minTime(), m.maxTime())) {
            SeriesSet set = q.select(false, new SelectHints(m.minTime(), m.maxTime(), 0, 0, null), DataFolder.ALL);
            SampleIterator it = null;
            while (set.next()) {
                Labels l = set.at().labels();
                series++;
                metrics.merge(l.metricName(), 1L, Long::sum);
                it = set.at().iterator(it);
                long first = Long.MAX_VALUE;
                long last = Long.MIN_VALUE;
                while (it.next()) {
                    first = Math.min(first, it.t());
                    last = Math.max(last, it.t());
                }
                long uncovered = first == Long.MAX_VALUE ? range : range - (last - first);
                for (int i = 0; i < l.size(); i++) {
                    String name = l.name(i);
                    String pair = name + "=" + l.value(i);
                    entries++;
                    if (values.computeIfAbsent(name, k -> new HashSet<>()).add(l.value(i))) {
                        valueLength.merge(name, (long) l.value(i).length(), Long::sum);
                    }
                    pairs.merge(pair, 1L, Long::sum);
                    churnPairs.merge(pair, uncovered, Long::sum);
                    churnNames.merge(name, uncovered, Long::sum);
                }
            }
        }
        Map<String, Long> cardinality = new HashMap<>();
        values.forEach((k, v) -> cardinality.put(k, (long) v.size()));
        out.println("Block ID: " + m.ulid());
        out.println("Duration: " + GoFormat.duration(m.maxTime() - m.minTime()));
        out.println("Series: " + series);
        out.println("Label names: " + values.size());
        out.println("Postings (unique label pairs): " + pairs.size());
        out.println("Postings entries (total label pairs): " + entries);
        churnPairs.replaceAll((k, v) -> v / range);
        churnNames.replaceAll((k, v) -> v / range);
        section(out, "Label pairs most involved in churning:", churnPairs, limit);
        section(out, "Label names most involved in churning:", churnNames, limit);
        section(out, "Most common label pairs:", pairs, limit);
        section(out, "Label names with highest cumulative label value length:", valueLength, limit);
        section(out, "Highest cardinality labels:", cardinality, limit);
        section(out, "Highest cardinality metric names:", metrics, limit);
        return true;
    }

    private static void section(PrintStream out, String title, Map<String, Long> counts, int limit) {
        out.println();
        out.println(title);
        List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
        sorted.sort(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
        for (int i = 0; i < Math.min(limit, sorted.size()); i++) {
            out.println(sorted.get(i).getValue() + " " + sorted.get(i).getKey());
        }
    }
}
