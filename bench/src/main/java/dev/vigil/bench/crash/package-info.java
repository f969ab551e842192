/** The HTTP crash harness: clients write through every ingest path while the server is killed with SIGKILL, restarted and checked. */
package dev.vigil.bench.crash;
