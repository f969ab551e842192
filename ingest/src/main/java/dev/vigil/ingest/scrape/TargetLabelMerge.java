package dev.vigil.ingest.scrape;

import dev.vigil.tsdb.Labels;
import java.util.function.Predicate;

/** How Prometheus puts a target's labels on a scraped series ({@code honor_labels} and {@code exported_*}). */
public final class TargetLabelMerge {
    private TargetLabelMerge() {
    }

    /**
     * The target's labels on a scraped series. A scraped label that clashes with a target label
     * is kept as {@code exported_<name>} unless {@code honor}, in which case the scraped one wins;
     * {@code emptyInScrape} names labels the exposition carried with an empty value (they count as
     * set for {@code honor}, as in Prometheus, and are then dropped with the other empty ones).
     */
    public static Labels merge(Labels scraped, Labels target, boolean honor, Predicate<String> emptyInScrape) {
        Labels.Builder b = scraped.toBuilder();
        for (int i = 0; i < target.size(); i++) {
            String name = target.name(i);
            String existing = scraped.get(name);
            boolean present = existing != null && !existing.isEmpty();
            if (honor) {
                if (!present && !emptyInScrape.test(name)) {
                    b.set(name, target.value(i));
                }
                continue;
            }
            if (present) {
                String exported = "exported_" + name;
                while (scraped.has(exported) || target.has(exported)) {
                    exported = "exported_" + exported;
                }
                b.set(exported, existing);
            }
            b.set(name, target.value(i));
        }
        return b.build();
    }
}
