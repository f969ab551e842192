/**
 * Persisted, immutable blocks (docs/format/block.md, index.md, chunks.md).
 *
 * <p>How the pieces fit: the head writes its oldest range with
 * {@link dev.vigil.tsdb.block.BlockSet#write}
 * into the blocks directory and registers it with {@link dev.vigil.tsdb.block.BlockSet#add};
 * a read over [mint, maxt] is {@code new MergeQuerier(List.of(blockSet.querier(mint, maxt),
 * headQuerier))}; a background loop calls {@link dev.vigil.tsdb.block.BlockSet#compact()} and
 * {@link dev.vigil.tsdb.block.BlockSet#applyRetention}. Damage found while reading surfaces as
 * {@link dev.vigil.tsdb.block.CorruptBlockException} naming the block and the series.
 */
package dev.vigil.tsdb.block;
