package dev.vigil.tsdb.head;

import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Logger;
import java.util.zip.CRC32C;

/**
 * Memory-mapped head chunk files (docs/format/head-chunks.md): full chunks leave the heap and
 * live here until the head is truncated. After a clean shutdown the files a shutdown snapshot
 * lists are re-attached ({@link #attach}); otherwise they are rebuilt from the WAL.
 * Writes are serialised; reads are lock-free (a chunk ref is published after its bytes).
 *
 * <p>A full disk: every file's space is taken before it is mapped ({@link FileIo#mapReadWrite}),
 * so no store through a mapping can fault. A commit calls {@link #reserve} before it logs to the
 * WAL: it fails there, with nothing logged, unless the file being written has a quarter left or
 * the next file is already allocated. Applying a logged commit therefore never waits for space;
 * should one batch still outgrow both (a single commit of more than a quarter file of chunks) on
 * a full disk, its chunks go to a file held in memory rather than fail half-applied, and head
 * snapshots are refused until that file has been truncated away (the WAL has its samples).
 */
public final class HeadChunks implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HeadChunks.class.getName());
    static final byte[] MAGIC = "VHCK".getBytes(StandardCharsets.US_ASCII);
    static final int VERSION = 1;
    static final int HEADER = 8;
    /** series ref + mint + maxt + encoding + length. */
    static final int RECORD_HEAD = 8 + 8 + 8 + 1 + 4;
    public static final long DEFAULT_FILE_BYTES = 128L << 20;
    /**
     * For testing only: head chunk file size in bytes (default {@link #DEFAULT_FILE_BYTES}), so a
     * full-disk test fits a small file system.
     */
    public static final String FILE_BYTES_PROPERTY = "vigil.test.head-chunk-file-bytes";
    /** Capacity of a file held in memory when a full disk left no other place for a chunk. */
    static final int MEMORY_FILE_BYTES = 4 << 20;

    /** The file size in effect: {@link #FILE_BYTES_PROPERTY} if set, else the default. */
    public static long configuredFileBytes() {
        return Math.max(64 << 10, Long.getLong(FILE_BYTES_PROPERTY, DEFAULT_FILE_BYTES));
    }

    private final Path dir;
    private final FileIo io;
    private final int fileBytes;
    private volatile java.nio.ByteBuffer[] files = new java.nio.ByteBuffer[1];
    /** Per file: held in memory, not on disk (see the class comment). */
    private boolean[] inMemory = new boolean[1];
    private int memoryFiles;
    /** The next file, allocated ahead by {@link #reserve}; null if none. */
    private MappedByteBuffer spare;
    /** A commit may skip {@link #reserve}'s lock: the current file has a quarter left or a spare exists. */
    private volatile boolean roomy;
    /** Why the last reservation failed, or null once one succeeded since. */
    private volatile IOException reserveFailure;
    private volatile long[] fileMaxT = new long[1];
    private int curFile;
    private int curPos;
    /** The current file takes no more writes (it was attached from a snapshot). */
    private boolean sealed;
    private long bytes;
    private final CRC32C crc = new CRC32C();
    /** Highest file number {@link #adopt} took over. */
    private int adoptedMax;

    /** Running CRC32C of the current file's bytes from offset 0, for {@link #describeFiles}. */
    private final CRC32C fileCrc = new CRC32C();
    private volatile int[] fileUsed = new int[1];
    private volatile int[] fileCrcs = new int[1];

    /** What a shutdown snapshot records of one file: its used length and their CRC32C. */
    public record FileState(int file, int used, int crc, long maxT) {
    }

    /**
     * @param keep leave the existing files for {@link #attach}; otherwise they are deleted, as
     *     when the head is rebuilt from the WAL
     */
    public HeadChunks(Path dir, FileIo io, long fileBytes, boolean keep) throws IOException {
        this.dir = dir;
        this.io = io;
        this.fileBytes = (int) Math.min(fileBytes, Integer.MAX_VALUE - 1);
        io.createDirectories(dir);
        if (!keep) {
            deleteAll();
        }
        curFile = 0;
    }

    private void deleteAll() throws IOException {
        for (Path p : io.list(dir)) {
            io.deleteIfExists(p);
        }
    }

    private static String fileName(int n) {
        return String.format("%06d", n);
    }

    /**
     * Maps the files a shutdown snapshot lists, checking each one's used bytes against its
     * CRC32C, and deletes every other file (chunks written after the snapshot are rebuilt from
     * the WAL). Later writes go to new files. Throws if a file is missing, short or damaged.
     */
    public synchronized void attach(List<FileState> states, java.util.concurrent.ExecutorService pool)
            throws IOException {
        if (curFile != 0) {
            throw new IllegalStateException("attach after writes");
        }
        java.util.Set<String> keep = new java.util.HashSet<>();
        int max = 0;
        for (FileState f : states) {
            if (f.file() <= 0 || f.used() < HEADER || f.used() > fileBytes) {
                throw new IOException("head chunk file " + f.file() + " listed with " + f.used() + " bytes");
            }
            keep.add(fileName(f.file()));
            max = Math.max(max, f.file());
        }
        for (Path p : io.list(dir)) {
            if (!keep.contains(p.getFileName().toString())) {
                io.deleteIfExists(p);
            }
        }
        java.nio.ByteBuffer[] f = new java.nio.ByteBuffer[max + 2];
        long[] mt = new long[max + 2];
        int[] used = new int[max + 2];
        int[] crcs = new int[max + 2];
        List<java.util.concurrent.Future<?>> checks = new java.util.ArrayList<>();
        for (FileState st : states) {
            Path p = dir.resolve(fileName(st.file()));
            long size = io.size(p);
            if (size < st.used()) {
                throw new IOException("head chunk file " + p + " has " + size + " bytes, the snapshot needs " + st.used());
            }
            MappedByteBuffer m = io.mapReadWrite(p, fileBytes);
            f[st.file()] = m;
            mt[st.file()] = st.maxT();
            used[st.file()] = st.used();
            crcs[st.file()] = st.crc();
            checks.add(pool.submit(() -> {
                CRC32C c = new CRC32C();
                c.update(m.slice(0, st.used()));
                if ((int) c.getValue() != st.crc()) {
                    throw new java.io.UncheckedIOException(new IOException("head chunk file " + p + " fails its checksum"));
                }
            }));
            bytes += st.used();
        }
        for (var c : checks) {
            try {
                c.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while checking head chunk files");
            } catch (java.util.concurrent.ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof java.io.UncheckedIOException u) {
                    throw u.getCause();
                }
                throw new IOException("checking head chunk files failed", cause);
            }
        }
        install(f, mt, used, crcs, max);
        roomy = false;
    }

    /**
     * Makes the files read at open (attached or adopted, numbered up to {@code max}) the current
     * set; the next write starts a new file, so they stay as listed.
     */
    private void install(java.nio.ByteBuffer[] f, long[] mt, int[] used, int[] crcs, int max) {
        fileUsed = used;
        fileCrcs = crcs;
        fileMaxT = mt;
        inMemory = new boolean[f.length];
        files = f;
        curFile = max;
        curPos = HEADER;
        sealed = true;
    }

    /**
     * Makes sure the chunks of one commit can be written without taking disk space: the file
     * being written has a quarter of its size left, or the next file is allocated now. Call
     * before the commit is logged; an IOException (a full disk) means nothing may be logged.
     */
    public void reserve() throws IOException {
        if (roomy) {
            return;
        }
        synchronized (this) {
            if (roomy) {
                return;
            }
            if (spare == null) {
                Path p = dir.resolve(fileName(curFile + 1));
                try {
                    spare = io.mapReadWrite(p, fileBytes);
                } catch (IOException e) {
                    reserveFailure = e;
                    try {
                        io.deleteIfExists(p);
                    } catch (IOException e2) {
                        e.addSuppressed(e2);
                    }
                    throw e;
                }
            }
            reserveFailure = null;
            roomy = true;
        }
    }

    /** Why the last {@link #reserve} failed (a full disk), or null once one has succeeded since. */
    public IOException reserveFailure() {
        return reserveFailure;
    }

    /** Recomputes {@link #roomy} after the write position moved. Caller holds the monitor. */
    private void updateRoomy() {
        boolean r = spare != null
                || (curFile > 0 && !sealed && !inMemory[curFile] && fileBytes - curPos >= fileBytes / 4);
        if (r != roomy) {
            roomy = r;
        }
    }

    /**
     * What {@link #adopt} found: every intact record of the files present, in write order (file
     * by file, offset by offset).
     */
    static final class Found {
        long[] series = new long[1024];
        long[] refs = new long[1024];
        long[] mints = new long[1024];
        int n;

        void add(long seriesRef, long ref, long mint) {
            if (n == refs.length) {
                series = Arrays.copyOf(series, n * 2);
                refs = Arrays.copyOf(refs, n * 2);
                mints = Arrays.copyOf(mints, n * 2);
            }
            series[n] = seriesRef;
            refs[n] = ref;
            mints[n] = mint;
            n++;
        }
    }

    /**
     * Maps every file present when no head snapshot describes them, so that a WAL replay can take
     * over the chunks whose samples it finds in the WAL (see {@link ChunkReuse}) instead of
     * encoding them again. Each file is read up to its first record that is not intact (a torn
     * or damaged tail is ignored, never trusted); files with a bad header are deleted. Later
     * writes go to new files; {@link #dropUnused} deletes the files no chunk was taken from.
     */
    synchronized Found adopt() throws IOException {
        if (curFile != 0) {
            throw new IllegalStateException("adopt after writes");
        }
        List<Integer> nums = new java.util.ArrayList<>();
        for (Path p : io.list(dir)) {
            String name = p.getFileName().toString();
            if (name.length() == 6 && name.chars().allMatch(Character::isDigit) && Integer.parseInt(name) > 0) {
                nums.add(Integer.parseInt(name));
            } else {
                io.deleteIfExists(p);
            }
        }
        nums.sort(null);
        Found found = new Found();
        if (nums.isEmpty()) {
            return found;
        }
        int max = nums.get(nums.size() - 1);
        java.nio.ByteBuffer[] f = new java.nio.ByteBuffer[max + 2];
        long[] mt = new long[max + 2];
        int[] used = new int[max + 2];
        int[] crcs = new int[max + 2];
        Found[] each = new Found[max + 2];
        // File by file on two threads: reading them is mostly waiting for the disk or page faults.
        java.util.concurrent.atomic.AtomicInteger nextFile = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Callable<Void> scan = () -> {
            int i;
            while ((i = nextFile.getAndIncrement()) < nums.size()) {
                int num = nums.get(i);
                each[num] = new Found();
                f[num] = scanForAdoption(num, each[num], mt, used, crcs);
            }
            return null;
        };
        java.util.concurrent.FutureTask<Void> other = new java.util.concurrent.FutureTask<>(scan);
        Thread t = new Thread(other, "vigil-head-chunks-adopt");
        t.setDaemon(true);
        t.start();
        try {
            scan.call();
            other.get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the head chunk files", e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        for (int num : nums) {
            Found one = each[num];
            if (f[num] != null) {
                for (int i = 0; i < one.n; i++) {
                    found.add(one.series[i], one.refs[i], one.mints[i]);
                }
                bytes += used[num];
            }
        }
        install(f, mt, used, crcs, max);
        adoptedMax = max;
        return found;
    }

    /**
     * Maps file {@code num} and adds its intact records to {@code found}; its max time, used
     * bytes and CRC32C go to the arrays. Null (the file deleted) when its size or header is wrong.
     */
    private MappedByteBuffer scanForAdoption(int num, Found found, long[] mt, int[] used, int[] crcs) throws IOException {
        Path p = dir.resolve(fileName(num));
        if (io.size(p) != fileBytes) {
            LOG.warning("head chunk file " + p + " has " + io.size(p) + " bytes, not " + fileBytes + "; deleted");
            io.deleteIfExists(p);
            return null;
        }
        MappedByteBuffer m = io.mapReadWrite(p, fileBytes);
        if (m.get(0) != MAGIC[0] || m.get(1) != MAGIC[1] || m.get(2) != MAGIC[2] || m.get(3) != MAGIC[3]
                || m.get(4) != VERSION) {
            LOG.warning("head chunk file " + p + " has a bad header; deleted");
            io.deleteIfExists(p);
            return null;
        }
        CRC32C rec = new CRC32C();
        long fileMax = Long.MIN_VALUE;
        int pos = HEADER;
        while (pos + RECORD_HEAD + 4 <= fileBytes) {
            long seriesRef = m.getLong(pos);
            int len = m.getInt(pos + 25);
            if (len <= 0 || len > fileBytes - pos - RECORD_HEAD - 4) {
                if (seriesRef != 0 || len != 0) {
                    LOG.warning("head chunk file " + p + ": damaged record at offset " + pos + "; the rest is not used");
                }
                break;
            }
            rec.reset();
            rec.update(m.slice(pos, RECORD_HEAD + len));
            if ((int) rec.getValue() != m.getInt(pos + RECORD_HEAD + len)) {
                LOG.warning("head chunk file " + p + ": record at offset " + pos + " fails its checksum; the rest is not used");
                break;
            }
            long maxt = m.getLong(pos + 16);
            if (m.get(pos + 24) == dev.vigil.tsdb.chunkenc.Encoding.VXOR) {
                found.add(seriesRef, Refs.chunkRef(num, pos), m.getLong(pos + 8));
            }
            fileMax = Math.max(fileMax, maxt);
            pos += RECORD_HEAD + len + 4;
        }
        // The used bytes' CRC32C, as a snapshot records it: one pass over what was just read.
        CRC32C whole = new CRC32C();
        whole.update(m.slice(0, pos));
        mt[num] = fileMax;
        used[num] = pos;
        crcs[num] = (int) whole.getValue();
        return m;
    }

    /** Deletes the adopted files whose number {@code keep} does not hold (no chunk was taken from them). */
    synchronized void dropUnused(java.util.BitSet keep) throws IOException {
        java.nio.ByteBuffer[] f = files;
        for (int i = 1; i <= adoptedMax && i < f.length; i++) {
            if (f[i] != null && !keep.get(i)) {
                f[i] = null;
                io.deleteIfExists(dir.resolve(fileName(i)));
            }
        }
    }

    /** True if {@code ref} points at a record inside the used part of an attached file. */
    boolean validRef(long ref) {
        java.nio.ByteBuffer[] f = files;
        int file = Refs.chunkFile(ref);
        int off = Refs.chunkOffset(ref);
        int[] used = fileUsed;
        return file > 0 && file < f.length && f[file] != null && off >= HEADER && file < used.length
                && off <= used[file] - RECORD_HEAD - 4;
    }

    /**
     * Forces every file to the device and describes them (used length, CRC32C, newest time),
     * for a shutdown snapshot. No writes may run concurrently.
     */
    public synchronized List<FileState> forceAndDescribe() throws IOException {
        List<FileState> out = new java.util.ArrayList<>();
        java.nio.ByteBuffer[] f = files;
        for (int i = 1; i < f.length; i++) {
            if (f[i] == null) {
                continue;
            }
            if (inMemory[i]) {
                throw new IOException("head chunk file " + i + " is held in memory since the disk was full; no head snapshot"
                        + " until the head has been cut past it (the WAL holds its samples)");
            }
            ((MappedByteBuffer) f[i]).force();
            boolean writing = i == curFile && !sealed;
            out.add(new FileState(i, writing ? curPos : fileUsed[i], writing ? (int) fileCrc.getValue() : fileCrcs[i],
                    fileMaxT[i]));
        }
        return out;
    }

    private void newFile() {
        int n = curFile + 1;
        java.nio.ByteBuffer m = spare;
        spare = null;
        boolean memory = false;
        if (m == null) {
            // No reservation covered this (one batch wrote more than a quarter file of chunks).
            Path p = dir.resolve(fileName(n));
            try {
                m = io.mapReadWrite(p, fileBytes);
            } catch (IOException e) {
                LOG.log(java.util.logging.Level.SEVERE, "no disk space for head chunk file " + p + "; holding its chunks in"
                        + " memory until the head is cut past them (the WAL has their samples)", e);
                try {
                    io.deleteIfExists(p);
                } catch (IOException e2) {
                    LOG.log(java.util.logging.Level.FINE, "could not remove " + p, e2);
                }
                m = java.nio.ByteBuffer.allocate((int) Math.min(fileBytes, MEMORY_FILE_BYTES));
                memory = true;
            }
        }
        m.put(0, MAGIC).put(4, (byte) VERSION);
        java.nio.ByteBuffer[] f = files;
        long[] mt = fileMaxT;
        int[] used = fileUsed;
        int[] crcs = fileCrcs;
        if (curFile > 0 && !sealed) {
            // Seal the file being left: its length and checksum are final now.
            used[curFile] = curPos;
            crcs[curFile] = (int) fileCrc.getValue();
        }
        if (n >= f.length) {
            f = Arrays.copyOf(f, n * 2);
            mt = Arrays.copyOf(mt, n * 2);
            used = Arrays.copyOf(used, n * 2);
            crcs = Arrays.copyOf(crcs, n * 2);
        }
        if (n >= inMemory.length) {
            inMemory = Arrays.copyOf(inMemory, f.length);
        }
        inMemory[n] = memory;
        if (memory) {
            memoryFiles++;
        }
        f[n] = m;
        mt[n] = Long.MIN_VALUE;
        fileUsed = used;
        fileCrcs = crcs;
        fileMaxT = mt;
        files = f;
        curFile = n;
        curPos = HEADER;
        sealed = false;
        fileCrc.reset();
        fileCrc.update(m.slice(0, HEADER));
    }

    /** Stores a chunk and returns its ref (file << 32 | offset). */
    public synchronized long write(long seriesRef, long mint, long maxt, byte encoding, byte[] data, int len)
            throws IOException {
        int need = RECORD_HEAD + len + 4;
        if (curFile == 0 || sealed || curPos + need > files[curFile].capacity()) {
            if (need + HEADER > Math.min(fileBytes, MEMORY_FILE_BYTES)) {
                throw new IOException("chunk of " + len + " bytes larger than a head chunk file");
            }
            newFile();
        }
        java.nio.ByteBuffer m = files[curFile];
        int at = curPos;
        m.putLong(at, seriesRef).putLong(at + 8, mint).putLong(at + 16, maxt).put(at + 24, encoding)
                .putInt(at + 25, len);
        m.put(at + RECORD_HEAD, data, 0, len);
        crc.reset();
        crc.update(m.slice(at, RECORD_HEAD + len));
        m.putInt(at + RECORD_HEAD + len, (int) crc.getValue());
        fileCrc.update(m.slice(at, need));
        curPos += need;
        bytes += need;
        if (maxt > fileMaxT[curFile]) {
            fileMaxT[curFile] = maxt;
        }
        updateRoomy();
        return Refs.chunkRef(curFile, at);
    }

    /** Bytes of a VXOR chunk that hold its sample count and first sample (2 + at most 10 + 8). */
    static final int PREFIX = 20;

    /** Copies the first {@link #PREFIX} bytes (fewer if it is shorter) of the chunk at {@code ref}. */
    void readPrefix(long ref, byte[] dst, int[] length) {
        java.nio.ByteBuffer[] f = files;
        int fi = Refs.chunkFile(ref);
        ByteBuffer m = fi < f.length ? f[fi] : null;
        if (m == null) {
            length[0] = 0;
            return;
        }
        int at = Refs.chunkOffset(ref);
        int len = Math.min(PREFIX, m.getInt(at + 25));
        m.get(at + RECORD_HEAD, dst, 0, len);
        length[0] = len;
    }

    /** The maxt recorded with the chunk at {@code ref}. */
    long chunkMaxT(long ref) {
        java.nio.ByteBuffer[] f = files;
        int fi = Refs.chunkFile(ref);
        ByteBuffer m = fi < f.length ? f[fi] : null;
        return m == null ? Long.MIN_VALUE : m.getLong(Refs.chunkOffset(ref) + 16);
    }

    /** Copies the data of chunk {@code ref} into {@code dst} (grown as needed); length in {@link #lastLength}. */
    public byte[] read(long ref, byte[] dst, int[] lastLength) {
        java.nio.ByteBuffer[] f = files;
        int fi = Refs.chunkFile(ref);
        ByteBuffer m = fi < f.length ? f[fi] : null;
        if (m == null) {
            // Truncated away while a reader held the ref: the data is below the head now.
            lastLength[0] = 0;
            return dst == null ? new byte[256] : dst;
        }
        int at = Refs.chunkOffset(ref);
        int len = m.getInt(at + 25);
        if (dst == null || dst.length < len) {
            dst = new byte[Math.max(len, 256)];
        }
        m.get(at + RECORD_HEAD, dst, 0, len);
        lastLength[0] = len;
        return dst;
    }

    /** Deletes files whose chunks all end before {@code mint}, except the one being written. */
    public synchronized void truncateBefore(long mint) throws IOException {
        java.nio.ByteBuffer[] f = files;
        for (int i = 1; i < curFile; i++) {
            if (f[i] != null && fileMaxT[i] < mint) {
                f[i] = null;
                if (inMemory[i]) {
                    inMemory[i] = false;
                    memoryFiles--;
                    continue;
                }
                io.deleteIfExists(dir.resolve(fileName(i)));
                LOG.fine("deleted head chunk file " + i);
            }
        }
    }

    public synchronized long bytesWritten() {
        return bytes;
    }

    public synchronized long diskBytes() {
        long n = spare != null ? fileBytes : 0;
        java.nio.ByteBuffer[] f = files;
        for (int i = 0; i < f.length; i++) {
            if (f[i] != null && !(i < inMemory.length && inMemory[i])) {
                n += fileBytes;
            }
        }
        return n;
    }

    /** Files held in memory because the disk was full when they were needed. */
    public synchronized int memoryFiles() {
        return memoryFiles;
    }

    @Override
    public synchronized void close() {
        files = new java.nio.ByteBuffer[1];
        spare = null;
        roomy = false;
    }
}
