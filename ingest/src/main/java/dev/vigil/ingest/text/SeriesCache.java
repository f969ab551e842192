package dev.vigil.ingest.text;

import java.util.Arrays;

/**
 * Remembers what the raw bytes of a series ({@code name{labels}} exactly as sent) parsed to, so
 * a series pushed again (Flink pushes the same series every interval) costs one hash and one
 * compare instead of a label parse. The value is whatever the parser stored (a label set, or a
 * marker for lines it drops). Grows on demand, bounded by entries and key bytes, cleared when
 * full. Not thread-safe.
 *
 * <p>A cache that sees the same bodies again (one per push group: a reporter writes its series in
 * the same order every time) also remembers which entry the k-th lookup of the previous body
 * hit: {@link #find} tries that entry first, so a repeated body costs one compare per series and
 * no hashing at all. Values stay the same instances while the cache holds them, which lets the
 * push groups recognise an unchanged series by identity.
 */
public final class SeriesCache {
    private static final int MAX_ENTRIES = 1 << 16;
    /** Per instance; with one instance per push group a group of 65,536 series of 256 bytes fits. */
    private static final long MAX_KEY_BYTES = 16L << 20;

    private int[] hashes;
    private byte[][] keys;
    private int[] kinds;
    private Object[] values;
    private int size;
    private long keyBytes;
    /** Table index the k-th {@link #find} of the previous body hit or filled, -1 when unknown. */
    private int[] order = new int[0];
    /** Lookups since {@link #begin()}. */
    private int seq;
    /** Hash of the last {@link #find} that missed, for the {@link #put} that follows it. */
    private int missHash;
    private long positionalHits;
    private int matchedLength;
    private long hashedLookups;

    public SeriesCache() {
        alloc(1024);
    }

    private void alloc(int cap) {
        hashes = new int[cap];
        keys = new byte[cap][];
        kinds = new int[cap];
        values = new Object[cap];
        size = 0;
        Arrays.fill(order, -1);
    }

    /** Starts a body: lookups are counted from here for the positional hint of {@link #find}. */
    public void begin() {
        seq = 0;
    }

    /** Lookups of {@link #find} answered by the position hint without hashing. */
    public long positionalHits() {
        return positionalHits;
    }

    /** Lookups of {@link #find} that had to hash (hits and misses). */
    public long hashedLookups() {
        return hashedLookups;
    }

    /** Bytes of keys held, for memory accounting. */
    public long keyBytes() {
        return keyBytes;
    }

    /**
     * The stored value for these bytes and kind, or null; on null, {@link #put} with the same
     * range stores the value at this position of the body. Tries the entry the same position of
     * the previous body hit before hashing.
     */
    public Object find(byte[] b, int off, int end, int kind) {
        int k = seq++;
        int len = end - off;
        if (k < order.length) {
            int i = order[k];
            if (i >= 0) {
                byte[] key = keys[i];
                if (key != null && kinds[i] == kind && key.length == len && Arrays.equals(key, 0, len, b, off, end)) {
                    positionalHits++;
                    return values[i];
                }
            }
        }
        hashedLookups++;
        int h = hash(b, off, end, kind);
        int i = index(b, off, end, kind, h);
        if (i < 0) {
            missHash = h;
            return null;
        }
        remember(k, i);
        return values[i];
    }

    /**
     * The positional shortcut without knowing where the key ends: if the entry the next lookup
     * hit in the previous body has this kind, ends with {@code last} and {@code b} holds exactly
     * its bytes from {@code off}, the lookup is consumed and its value returned (its length is
     * then {@link #matchedLength()}); otherwise nothing is consumed and null is returned. A parser
     * uses it when the key's end is implied by its bytes (a label set closes with its brace), so
     * it need not scan for the end first.
     */
    public Object matchNext(byte[] b, int off, int end, int kind, byte last) {
        int k = seq;
        if (k >= order.length) {
            return null;
        }
        int i = order[k];
        if (i < 0) {
            return null;
        }
        byte[] key = keys[i];
        int len = key == null ? 0 : key.length;
        if (len == 0 || kinds[i] != kind || key[len - 1] != last || off + len > end
                || !Arrays.equals(key, 0, len, b, off, off + len)) {
            return null;
        }
        seq = k + 1;
        positionalHits++;
        matchedLength = len;
        return values[i];
    }

    /** Key length of the last {@link #matchNext} that matched. */
    public int matchedLength() {
        return matchedLength;
    }

    /** Stores the value for the range the last {@link #find} missed. */
    public void put(byte[] b, int off, int end, int kind, Object value) {
        int i = putAt(b, off, end, kind, missHash, value);
        remember(seq - 1, i);
    }

    private void remember(int k, int i) {
        if (k >= order.length) {
            if (k >= MAX_ENTRIES) {
                return;
            }
            int old = order.length;
            order = Arrays.copyOf(order, Math.min(MAX_ENTRIES, Math.max(k + 1, old * 2 + 64)));
            Arrays.fill(order, old, order.length, -1);
        }
        order[k] = i;
    }

    /** The stored value for these bytes and kind, or null. */
    public Object get(byte[] b, int off, int end, int kind, int h) {
        int i = index(b, off, end, kind, h);
        return i < 0 ? null : values[i];
    }

    private int index(byte[] b, int off, int end, int kind, int h) {
        byte[][] ks = keys;
        int mask = ks.length - 1;
        int len = end - off;
        for (int i = h & mask; ks[i] != null; i = (i + 1) & mask) {
            byte[] k = ks[i];
            if (hashes[i] == h && kinds[i] == kind && k.length == len && Arrays.equals(k, 0, len, b, off, end)) {
                return i;
            }
        }
        return -1;
    }

    public void put(byte[] b, int off, int end, int kind, int h, Object value) {
        putAt(b, off, end, kind, h, value);
    }

    private int putAt(byte[] b, int off, int end, int kind, int h, Object value) {
        int len = end - off;
        if (size >= MAX_ENTRIES || keyBytes + len > MAX_KEY_BYTES) {
            alloc(keys.length);
            keyBytes = 0;
        } else if (size * 2 >= keys.length) {
            grow();
        }
        keyBytes += len;
        return insert(Arrays.copyOfRange(b, off, end), kind, h, value);
    }

    private int insert(byte[] key, int kind, int h, Object value) {
        int mask = keys.length - 1;
        int i = h & mask;
        while (keys[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = key;
        hashes[i] = h;
        kinds[i] = kind;
        values[i] = value;
        size++;
        return i;
    }

    private void grow() {
        int[] oh = hashes;
        byte[][] ok = keys;
        int[] okd = kinds;
        Object[] ov = values;
        alloc(ok.length * 2); // forgets the positions too: they are table indexes
        for (int i = 0; i < ok.length; i++) {
            if (ok[i] != null) {
                insert(ok[i], okd[i], oh[i], ov[i]);
            }
        }
    }

    public static int hash(byte[] b, int off, int end, int kind) {
        return Interner.hash(b, off, end - off) * 31 + kind;
    }
}
