package dev.vigil.ingest.scrape;

import java.util.List;

/** What {@code /api/v1/targets} shows: the active targets in configuration order and the dropped ones. */
public record TargetsView(List<ScrapeTarget> active, List<DroppedTarget> dropped) {
    public static final TargetsView EMPTY = new TargetsView(List.of(), List.of());
}
