/** Ways samples come in, behind the {@link dev.vigil.ingest.Ingest} facade: exposition parsers, push groups, remote write, import, scraping. */
package dev.vigil.ingest;
