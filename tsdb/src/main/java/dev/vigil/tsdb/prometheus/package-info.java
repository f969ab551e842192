/**
 * Readers of Prometheus 2.x's on-disk formats (tsdb/docs/format in the Prometheus repository: index v2, chunk
 * segments, XOR chunks, tombstones, meta.json), written from those documents, for importing an old Prometheus's
 * history. Read-only: nothing here writes Prometheus files.
 */
package dev.vigil.tsdb.prometheus;
