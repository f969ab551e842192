/** Scraping of static targets named in the configuration file, as Prometheus's scrape loop does it. */
package dev.vigil.ingest.scrape;
