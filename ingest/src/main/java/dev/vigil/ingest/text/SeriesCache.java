package dev.vigil.ingest.text;

import java.util.Arrays;

/**
 * Remembers what the raw bytes of a series ({@code name{labels}} exactly as sent) parsed to, so
 * a series pushed again (Flink pushes the same series every interval) costs one hash and one
 * compare instead of a label parse. The value is whatever the parser stored (a label set, or a
 * marker for lines it drops). Grows on demand, bounded by entries and key bytes, cleared when
 * full. Not thread-safe.
 *
 * <p>A key is held as two pieces, the bytes before its first {@code '{'} (the name) and the rest
 * (the label block), each kept once per cache in a dictionary of pieces: a reporter repeats the
 * same few hundred names and label blocks across thousands of series (a Flink TaskManager: 2,117
 * series, 925 KB of keys, 123 names and 210 blocks of 89 KB), so the cache holds the distinct
 * pieces and two references per entry instead of every key's text. Keys stored by the hashed
 * {@link #put(byte[], int, int, int, int, Object)} (binary label encodings, where nothing repeats)
 * are held whole, as one piece of their own.
 *
 * <p>A cache that sees the same bodies again (one per push group: a reporter writes its series in
 * the same order every time) also remembers which entry the k-th lookup of the previous body
 * hit: {@link #find} tries that entry first, so a repeated body costs one compare per series and
 * no hashing at all. Values stay the same instances while the cache holds them, which lets the
 * push groups recognise an unchanged series by identity.
 *
 * <p>Past the positions it remembers (an import body of millions of lines), or where they do not
 * match, a lookup tries the entry that followed the previous lookup's entry the last time that
 * one was seen: a time-ordered import repeats its series in the same order every timestamp, and a
 * dump laid out series after series repeats one series for a day, so either costs one compare per
 * line instead of a scan for the key's end and a hash.
 */
public final class SeriesCache {
    private static final int MAX_ENTRIES = 1 << 16;
    /** Per instance, of pieces held; a group of 65,536 series whose keys share nothing, 256 bytes each, fits. */
    private static final long MAX_KEY_BYTES = 16L << 20;
    private static final byte[] EMPTY = new byte[0];

    private int[] hashes;
    /** Per entry, the key's bytes before its first {@code '{'}; null marks a free slot. */
    private byte[][] heads;
    /** Per entry, the rest of the key from its first {@code '{'} on (empty when it has none). */
    private byte[][] blocks;
    private int[] kinds;
    private Object[] values;
    private int size;
    private final Pieces pieces = new Pieces();
    /** Bytes of keys held whole by the hashed put (pieces count theirs). */
    private long wholeBytes;
    /** Table index the k-th {@link #find} of the previous body hit or filled, -1 when unknown. */
    private int[] order = new int[0];
    /** Lookups since {@link #begin()}. */
    private int seq;
    /** The head piece of this body's previous lookup (hit or stored), null when unknown. */
    private byte[] lastHead;
    /** Per entry, the entry the lookup after it hit or filled the last time, -1 when unknown. */
    private int[] successors;
    /** Table index of this body's previous lookup (hit or stored), -1 when unknown. */
    private int lastIndex = -1;
    /** Hashes of the last {@link #find} that missed (key, head, block), for the {@link #put} that follows it. */
    private int missHash;
    private int missHeadHash;
    private int missBlockHash;
    private long positionalHits;
    private int matchedLength;
    private long hashedLookups;

    public SeriesCache() {
        // Small until used: a server keeps caches that may never see a key (a parser's own one when
        // push groups lend theirs, the remote-write stripes); a group's first body grows it.
        alloc(64);
    }

    private void alloc(int cap) {
        hashes = new int[cap];
        heads = new byte[cap][];
        blocks = new byte[cap][];
        kinds = new int[cap];
        values = new Object[cap];
        successors = new int[cap];
        Arrays.fill(successors, -1);
        lastIndex = -1;
        size = 0;
        Arrays.fill(order, -1);
    }

    /** Starts a body: lookups are counted from here for the positional hint of {@link #find}. */
    public void begin() {
        seq = 0;
        lastHead = null;
        lastIndex = -1;
    }

    /** Notes that this lookup hit or filled entry {@code i}, after the previous one. */
    private void follow(int i) {
        if (lastIndex >= 0) {
            successors[lastIndex] = i;
        }
        lastIndex = i;
        lastHead = heads[i];
    }

    /** The entry that followed the previous lookup's the last time, or -1. */
    private int successor() {
        return lastIndex < 0 ? -1 : successors[lastIndex];
    }

    /** Lookups of {@link #find} answered by the position hint without hashing. */
    public long positionalHits() {
        return positionalHits;
    }

    /** Lookups of {@link #find} that had to hash (hits and misses). */
    public long hashedLookups() {
        return hashedLookups;
    }

    /** Bytes of keys held (each distinct piece once), for memory accounting. */
    public long keyBytes() {
        return pieces.bytes + wholeBytes;
    }

    /** Entries held. */
    public int size() {
        return size;
    }

    /** As {@link #find(byte[], int, int, int, int)}, finding the key's first {@code '{'} itself. */
    public Object find(byte[] b, int off, int end, int kind) {
        return find(b, off, brace(b, off, end), end, kind);
    }

    /**
     * The stored value for the key {@code b[off, end)} of this kind, or null; on null, {@link #store}
     * with the same range stores the value at this position of the body. Tries the entry the same
     * position of the previous body hit before hashing. {@code brace} is where the key's first
     * {@code '{'} is, or {@code end} when it has none.
     */
    public Object find(byte[] b, int off, int brace, int end, int kind) {
        int k = seq++;
        int p = k < order.length ? order[k] : -1;
        if (p >= 0 && kinds[p] == kind && keyEquals(p, b, off, end)) {
            positionalHits++;
            follow(p);
            return values[p];
        }
        int n = successor();
        if (n >= 0 && n != p && kinds[n] == kind && keyEquals(n, b, off, end)) {
            positionalHits++;
            remember(k, n);
            follow(n);
            return values[n];
        }
        hashedLookups++;
        int hh = Interner.hash(b, off, brace - off);
        int bh = brace == end ? 0 : Interner.hash(b, brace, end - brace);
        int h = (hh * 31 + bh) * 31 + kind;
        int i = index(b, off, end, kind, h);
        if (i < 0) {
            missHash = h;
            missHeadHash = hh;
            missBlockHash = bh;
            lastHead = null; // lastIndex stays: the store that follows links it to the new entry
            return null;
        }
        remember(k, i);
        follow(i);
        return values[i];
    }

    private static int brace(byte[] b, int off, int end) {
        int i = off;
        while (i < end && b[i] != '{') {
            i++;
        }
        return i;
    }

    /**
     * The positional shortcut for a key with a label block, without knowing where the key ends:
     * if the entry the next lookup hit in the previous body has this kind, its head is exactly
     * {@code b[off, brace)} and its block (which ends with <code>'}'</code>) is what {@code b}
     * holds from {@code brace} (the key's first {@code '{'}), the lookup is consumed and its value
     * returned (the key's length is then {@link #matchedLength()}); otherwise nothing is consumed
     * and null is returned. A parser uses it when the key's end is implied by its bytes (a label
     * set closes with its brace), so it need not scan for the end first.
     *
     * @param sameStart the caller vouches that {@code b[off, brace)} are the first bytes of the
     *     key of this body's previous lookup (a line with the previous line's name): the head is
     *     then known equal when it is the previous lookup's head piece, and is not compared
     */
    public Object matchNext(byte[] b, int off, int brace, int end, int kind, boolean sameStart) {
        int k = seq;
        int p = k < order.length ? order[k] : -1;
        int i = p >= 0 && matches(p, b, off, brace, end, kind, sameStart) ? p : -1;
        if (i < 0) {
            int n = successor();
            if (n < 0 || n == p || !matches(n, b, off, brace, end, kind, sameStart)) {
                return null;
            }
            i = n;
            remember(k, n);
        }
        seq = k + 1;
        positionalHits++;
        matchedLength = heads[i].length + blocks[i].length;
        follow(i);
        return values[i];
    }

    /** Whether entry {@code i} is the key at {@code b[off..]} whose first brace is at {@code brace} (see {@link #matchNext}). */
    private boolean matches(int i, byte[] b, int off, int brace, int end, int kind, boolean sameStart) {
        byte[] head = heads[i];
        byte[] block = blocks[i];
        int hl = brace - off;
        int bl = block.length;
        return kinds[i] == kind && head.length == hl && bl != 0 && block[bl - 1] == '}' && brace + bl <= end
                && (sameStart && head == lastHead || Arrays.equals(head, 0, hl, b, off, brace))
                && Arrays.equals(block, 0, bl, b, brace, brace + bl);
    }

    /** Key length of the last {@link #matchNext} that matched. */
    public int matchedLength() {
        return matchedLength;
    }

    /** Stores the value for the range the last {@link #find} missed. */
    public void put(byte[] b, int off, int end, int kind, Object value) {
        store(b, off, brace(b, off, end), end, kind, value);
    }

    /** Stores the value for the range the last {@link #find} missed, its first {@code '{'} at {@code brace}. */
    public void store(byte[] b, int off, int brace, int end, int kind, Object value) {
        int len = end - off;
        makeRoom(len);
        byte[] head = pieces.intern(b, off, brace, missHeadHash);
        byte[] block = brace == end ? EMPTY : pieces.intern(b, brace, end, missBlockHash);
        int i = insert(head, block, kind, missHash, value);
        remember(seq - 1, i);
        follow(i);
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

    private boolean keyEquals(int i, byte[] b, int off, int end) {
        byte[] head = heads[i];
        byte[] block = blocks[i];
        int hl = head.length;
        int mid = off + hl;
        return hl + block.length == end - off && Arrays.equals(head, 0, hl, b, off, mid)
                && Arrays.equals(block, 0, block.length, b, mid, end);
    }

    private int index(byte[] b, int off, int end, int kind, int h) {
        byte[][] hs = heads;
        int mask = hs.length - 1;
        for (int i = h & mask; hs[i] != null; i = (i + 1) & mask) {
            if (hashes[i] == h && kinds[i] == kind && keyEquals(i, b, off, end)) {
                return i;
            }
        }
        return -1;
    }

    /** Stores the value for these bytes and kind, their hash being {@code h}; the key is held whole. */
    public void put(byte[] b, int off, int end, int kind, int h, Object value) {
        int len = end - off;
        makeRoom(len);
        wholeBytes += len;
        insert(EMPTY, Arrays.copyOfRange(b, off, end), kind, h, value);
    }

    /** Clears the cache when it is full, grows its table when half used. */
    private void makeRoom(int len) {
        if (size >= MAX_ENTRIES || keyBytes() + len > MAX_KEY_BYTES) {
            clear();
        } else if (size * 2 >= heads.length) {
            grow();
        }
    }

    /** Forgets every entry and piece, keeping the table's size. */
    private void clear() {
        alloc(heads.length);
        pieces.clear();
        wholeBytes = 0;
    }

    private int insert(byte[] head, byte[] block, int kind, int h, Object value) {
        int mask = heads.length - 1;
        int i = h & mask;
        while (heads[i] != null) {
            i = (i + 1) & mask;
        }
        heads[i] = head;
        blocks[i] = block;
        hashes[i] = h;
        kinds[i] = kind;
        values[i] = value;
        size++;
        return i;
    }

    private void grow() {
        int[] oh = hashes;
        byte[][] ohd = heads;
        byte[][] ob = blocks;
        int[] okd = kinds;
        Object[] ov = values;
        alloc(ohd.length * 2); // forgets the positions too: they are table indexes
        for (int i = 0; i < ohd.length; i++) {
            if (ohd[i] != null) {
                insert(ohd[i], ob[i], okd[i], oh[i], ov[i]);
            }
        }
    }

    /**
     * The hash {@link #get} and the hashed {@link #put(byte[], int, int, int, int, Object)} take.
     * The positional {@link #find} hashes a key's two pieces instead: a cache is used through one
     * of the two.
     */
    public static int hash(byte[] b, int off, int end, int kind) {
        return Interner.hash(b, off, end - off) * 31 + kind;
    }

    /** The distinct key pieces of one cache: equal bytes are held once, as one array. */
    private static final class Pieces {
        private byte[][] table = new byte[64][];
        private int[] hashes = new int[64];
        private int size;
        /** Bytes of the pieces held. */
        long bytes;

        /** The piece equal to {@code b[off, end)}, whose {@link Interner#hash} is {@code h}. */
        byte[] intern(byte[] b, int off, int end, int h) {
            int len = end - off;
            int mask = table.length - 1;
            int i = h & mask;
            for (byte[] p; (p = table[i]) != null; i = (i + 1) & mask) {
                if (hashes[i] == h && p.length == len && Arrays.equals(p, 0, len, b, off, end)) {
                    return p;
                }
            }
            if (size * 2 >= table.length) {
                grow();
                i = h & (table.length - 1);
                while (table[i] != null) {
                    i = (i + 1) & (table.length - 1);
                }
            }
            byte[] p = Arrays.copyOfRange(b, off, end);
            table[i] = p;
            hashes[i] = h;
            size++;
            bytes += len;
            return p;
        }

        private void grow() {
            byte[][] ot = table;
            int[] oh = hashes;
            table = new byte[ot.length * 2][];
            hashes = new int[ot.length * 2];
            int mask = table.length - 1;
            for (int k = 0; k < ot.length; k++) {
                if (ot[k] != null) {
                    int i = oh[k] & mask;
                    while (table[i] != null) {
                        i = (i + 1) & mask;
                    }
                    table[i] = ot[k];
                    hashes[i] = oh[k];
                }
            }
        }

        void clear() {
            table = new byte[64][];
            hashes = new int[64];
            size = 0;
            bytes = 0;
        }
    }
}
