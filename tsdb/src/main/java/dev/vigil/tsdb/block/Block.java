package dev.vigil.tsdb.block;

import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.block.chunks.ChunkReader;
import dev.vigil.tsdb.io.MalformedException;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.block.index.IndexReader;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An immutable block opened for reading: its meta, its index (checked at open) and its mapped
 * chunk segments (headers checked at open, each chunk's CRC checked when it is read).
 */
public final class Block {
    private final Path dir;
    private final BlockMeta meta;
    private final IndexReader index;
    private final ChunkReader chunks;
    private final long sizeBytes;
    /** First damage found while reading, or null; the block set sets such blocks aside. */
    private volatile String damage;
    private final PostingsCache postingsCache = new PostingsCache();

    private Block(Path dir, BlockMeta meta, IndexReader index, ChunkReader chunks, long sizeBytes) {
        this.dir = dir;
        this.meta = meta;
        this.index = index;
        this.chunks = chunks;
        this.sizeBytes = sizeBytes;
    }

    /** @throws CorruptBlockException when any file is missing, unreadable or fails its checks */
    public static Block open(FileIo fs, Path dir) {
        try {
            BlockMeta meta;
            try {
                meta = BlockMeta.fromJson(fs.readAllBytes(dir.resolve(BlockWriter.META)));
            } catch (IOException e) {
                throw new CorruptBlockException(dir, "meta.json: " + e.getMessage(), e);
            }
            if (!meta.ulid().equals(dir.getFileName().toString())) {
                throw new CorruptBlockException(dir, "meta.json names block " + meta.ulid());
            }
            if (meta.version() != 1) {
                throw new CorruptBlockException(dir, "unsupported block version " + meta.version());
            }
            IndexReader index = IndexReader.open(fs, dir.resolve(BlockWriter.INDEX));
            if (index.seriesCount() != meta.stats().numSeries()) {
                throw new CorruptBlockException(dir, "index has " + index.seriesCount() + " series, meta.json says "
                        + meta.stats().numSeries());
            }
            ChunkReader chunks = ChunkReader.open(fs, dir.resolve(BlockWriter.CHUNKS));
            return new Block(dir, meta, index, chunks, fs.treeSize(dir));
        } catch (MalformedException e) {
            throw new CorruptBlockException(dir, e.getMessage(), e);
        } catch (IOException e) {
            throw new CorruptBlockException(dir, e.toString(), e);
        }
    }

    /** Reads and checks every chunk; throws {@link CorruptBlockException} on the first bad one. */
    public void verifyChunks() {
        try {
            chunks.verifyAll();
        } catch (MalformedException e) {
            throw damaged(e.getMessage(), e);
        }
    }

    /** Records damage found while reading; returns the exception to throw. */
    public CorruptBlockException damaged(String message, Throwable cause) {
        if (damage == null) {
            damage = message;
        }
        return new CorruptBlockException(dir, message, cause);
    }

    /** The first damage found while reading this block, or null. */
    public String damage() {
        return damage;
    }

    public BlockMeta meta() {
        return meta;
    }

    public Path dir() {
        return dir;
    }

    /** Bytes on disk (all files of the block). */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** The block's index, for readers of other chunk kinds (rollups). */
    public IndexReader index() {
        return index;
    }

    /** The block's chunk segments, for readers of other chunk kinds (rollups). */
    public ChunkReader chunks() {
        return chunks;
    }

    /** Recent matcher sets' postings in this block. */
    PostingsCache postingsCache() {
        return postingsCache;
    }

    /** A querier over the closed range [mint, maxt]. */
    public Querier querier(long mint, long maxt) {
        return new BlockQuerier(this, mint, maxt);
    }

    @Override
    public String toString() {
        return "block " + meta.ulid() + " [" + meta.minTime() + ", " + meta.maxTime() + ") level " + meta.compaction().level();
    }
}
