package dev.vigil.ingest.text;

/**
 * A {@link SeriesCache} shared by threads: stripes chosen by the key's hash, each locked for one
 * lookup or insert. Remote write senders spread their series over connections and a server's
 * worker threads over requests, so a cache per thread or per connection would each end up
 * holding every series (and, bounded, keep missing); here each series is held once. Values must
 * be immutable (label sets).
 */
public final class SharedSeriesCache {
    private final SeriesCache[] stripes;

    /** @param stripes a power of two up to 256; capacity is {@code stripes} times one cache's */
    public SharedSeriesCache(int stripes) {
        if (stripes < 1 || stripes > 256 || Integer.bitCount(stripes) != 1) {
            throw new IllegalArgumentException("stripes must be a power of two up to 256: " + stripes);
        }
        this.stripes = new SeriesCache[stripes];
        for (int i = 0; i < stripes; i++) {
            this.stripes[i] = new SeriesCache();
        }
    }

    // The high bits pick the stripe; a stripe's table indexes by the low bits.
    private SeriesCache stripe(int h) {
        return stripes[(h >>> 24) & (stripes.length - 1)];
    }

    /** As {@link SeriesCache#get(byte[], int, int, int, int)}. */
    public Object get(byte[] b, int off, int end, int kind, int h) {
        SeriesCache s = stripe(h);
        synchronized (s) {
            return s.get(b, off, end, kind, h);
        }
    }

    /** As {@link SeriesCache#put(byte[], int, int, int, int, Object)}. */
    public void put(byte[] b, int off, int end, int kind, int h, Object value) {
        SeriesCache s = stripe(h);
        synchronized (s) {
            s.put(b, off, end, kind, h, value);
        }
    }
}
