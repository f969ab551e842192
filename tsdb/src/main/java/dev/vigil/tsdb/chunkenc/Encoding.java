package dev.vigil.tsdb.chunkenc;

/**
 * Chunk encoding bytes of the head chunk files (docs/format/head-chunks.md). Blocks do not use
 * them: they store the columnar encodings of {@code block.codec.ChunkCodec} (docs/format/chunks.md).
 */
public final class Encoding {
    /** The Gorilla-derived float chunk with joint "nothing changed" and staleness codes. */
    public static final byte VXOR = 1;

    /**
     * Samples per chunk: Gorilla's block-size curve flattens around 120 samples, and Prometheus
     * keeps 120 as its default; past it decoding cost per seek grows with no gain in size.
     */
    public static final int TARGET_SAMPLES = 120;

    /** A chunk is cut before it would pass this size (Prometheus's MaxBytesPerXORChunk). */
    public static final int MAX_BYTES = 1024;

    private Encoding() {
    }
}
