/** A remote-write receiver that only decodes and counts, for measuring the sender without a real receiver on the same cores. */
package dev.vigil.bench.sink;
