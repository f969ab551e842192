package dev.vigil.tsdb.downsample;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Decoded aggregate columns of rollup chunks, least recently used first out, bounded in bytes. A
 * dashboard over weeks asks for the same few series' columns on every refresh; decoding one
 * means inflating the whole aggregate chunk and every column before it, which cost more than
 * all the rest of such a query. Entries are immutable, so readers share them without a lock;
 * a chunk is identified by its rollup block's ULID (never reused) and its reference.
 */
public final class DecodedColumns {
    /** Default bound: 64 MiB (about 4 M windows of one column with their timestamps), at most a 16th of the heap. */
    public static final long DEFAULT_MAX_BYTES = Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 16);

    /** One chunk's timestamps and one aggregate's values; {@code lastRaw} is the counter's continuation. */
    public record Column(long[] t, double[] v, int n, double lastRaw) {
        long bytes() {
            return 16L * n + 64;
        }
    }

    private record Key(String block, long ref, Aggregate agg) {
    }

    private final long maxBytes;
    private final LinkedHashMap<Key, Column> map = new LinkedHashMap<>(256, 0.75f, true);
    private long bytes;

    public DecodedColumns(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The cached column, or null. */
    synchronized Column get(String block, long ref, Aggregate agg) {
        return map.get(new Key(block, ref, agg));
    }

    /** Keeps {@code c} unless it alone is over the bound; evicts the least recently used beyond it. */
    synchronized void put(String block, long ref, Aggregate agg, Column c) {
        if (c.bytes() > maxBytes / 4) {
            return;
        }
        Column old = map.put(new Key(block, ref, agg), c);
        if (old != null) {
            bytes -= old.bytes();
        }
        bytes += c.bytes();
        Iterator<Map.Entry<Key, Column>> it = map.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            bytes -= it.next().getValue().bytes();
            it.remove();
        }
    }

    /** Bytes held (arrays, roughly). */
    public synchronized long bytes() {
        return bytes;
    }
}
