/**
 * Relabelling as Prometheus 2.42's {@code model/relabel} does it: the rules of
 * {@code relabel_configs}, {@code metric_relabel_configs} and the like, checked and compiled once,
 * then applied to label sets. Knows nothing about files or HTTP.
 */
package dev.vigil.ingest.relabel;
