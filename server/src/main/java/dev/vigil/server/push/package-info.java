/** HTTP side of pushing, over {@link dev.vigil.ingest.Ingest}: the push API routes, body reading, JSON views, text exposition, remote write and import. */
package dev.vigil.server.push;
