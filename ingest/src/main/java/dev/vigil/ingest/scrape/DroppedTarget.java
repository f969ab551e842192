package dev.vigil.ingest.scrape;

import dev.vigil.tsdb.Labels;

/** A target that {@code relabel_configs} dropped: its job and the labels it was discovered with. */
public record DroppedTarget(String scrapePool, Labels discoveredLabels) {
}
