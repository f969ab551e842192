package dev.vigil.tsdb.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * The real file system with failures on demand, as a full disk or a dying device would fail:
 * disk full after N bytes (ENOSPC) with a torn write, the n-th mutating operation, or any
 * operation a predicate picks (a failing fsync or rename); fsync can also be skipped.
 */
public final class FaultyFileIo implements FileIo {
    /** The operations that change what is on disk; each can be made to fail. */
    public enum Op { MKDIR, CREATE, APPEND, WRITE, FORCE, FSYNC_DIR, RENAME, DELETE, TRUNCATE, MAP }

    private final FileIo real = FileIo.DEFAULT;
    /** Writes fail with "No space left on device" once this many more bytes are written (Long.MAX_VALUE = never). */
    public volatile long bytesUntilFull = Long.MAX_VALUE;
    /** When disk-full fails a write, this many bytes of it reach the file first (a torn write). */
    public volatile int tornBytes;
    /** Fails every operation for which this answers true. */
    public volatile BiPredicate<Op, Path> failWhen = (op, p) -> false;
    /** Skips fsync of files and folders (keeps tests and harnesses fast; measures CPU without the disk). */
    public volatile boolean skipForce;
    private int countdown;
    private int ops;

    /** Never fails until told to. */
    public FaultyFileIo() {
    }

    /** Fails mutating operation number {@code failAt} (1-based; 0 = never); a failing write first writes half its bytes. */
    public FaultyFileIo(int failAt) {
        this.countdown = failAt;
        this.skipForce = true;
    }

    /** The real file system without fsync, for tests that write hundreds of files. */
    public static FaultyFileIo noSync() {
        return new FaultyFileIo(0);
    }

    /** Mutating operations seen so far. */
    public synchronized int ops() {
        return ops;
    }

    private void tick(Op op, Path p) throws IOException {
        boolean fail;
        synchronized (this) {
            ops++;
            fail = countdown > 0 && --countdown == 0;
        }
        if (fail || failWhen.test(op, p)) {
            throw new IOException("injected failure: " + op + " " + p);
        }
    }

    @Override
    public WriteFile openAppend(Path path) throws IOException {
        tick(Op.APPEND, path);
        return new Faulty(real.openAppend(path), path);
    }

    @Override
    public WriteFile create(Path path) throws IOException {
        tick(Op.CREATE, path);
        return new Faulty(real.create(path), path);
    }

    @Override
    public FileChannel openLock(Path path) throws IOException {
        return real.openLock(path);
    }

    @Override
    public FileChannel openRead(Path path) throws IOException {
        return real.openRead(path);
    }

    @Override
    public byte[] readAllBytes(Path path) throws IOException {
        return real.readAllBytes(path);
    }

    @Override
    public MappedByteBuffer mapReadOnly(Path path) throws IOException {
        return real.mapReadOnly(path);
    }

    @Override
    public MappedByteBuffer mapReadWrite(Path path, long size) throws IOException {
        tick(Op.MAP, path);
        long grow = Math.max(0, size - (real.exists(path) ? real.size(path) : 0));
        if (grow > 0 && bytesUntilFull != Long.MAX_VALUE) {
            // The real facade takes the space before mapping: a full disk fails here, never in a store.
            if (grow > bytesUntilFull) {
                throw new IOException("No space left on device: cannot reserve " + grow + " bytes for " + path);
            }
            bytesUntilFull -= grow;
        }
        return real.mapReadWrite(path, size);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        tick(Op.RENAME, from);
        real.rename(from, to);
    }

    @Override
    public void link(Path target, Path link) throws IOException {
        tick(Op.CREATE, link);
        real.link(target, link);
    }

    @Override
    public void deleteIfExists(Path path) throws IOException {
        tick(Op.DELETE, path);
        real.deleteIfExists(path);
    }

    @Override
    public void deleteTree(Path path) throws IOException {
        tick(Op.DELETE, path);
        real.deleteTree(path);
    }

    @Override
    public void truncate(Path path, long size) throws IOException {
        tick(Op.TRUNCATE, path);
        real.truncate(path, size);
    }

    @Override
    public void fsyncDir(Path dir) throws IOException {
        tick(Op.FSYNC_DIR, dir);
        if (!skipForce) {
            real.fsyncDir(dir);
        }
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        tick(Op.MKDIR, dir);
        real.createDirectories(dir);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return real.list(dir);
    }

    @Override
    public boolean exists(Path path) {
        return real.exists(path);
    }

    @Override
    public boolean isDirectory(Path path) {
        return real.isDirectory(path);
    }

    @Override
    public long size(Path path) throws IOException {
        return real.size(path);
    }

    @Override
    public long treeSize(Path path) throws IOException {
        return real.treeSize(path);
    }

    /** A file whose writes and fsyncs can fail. */
    private final class Faulty implements WriteFile {
        private final WriteFile f;
        private final Path path;

        Faulty(WriteFile f, Path path) {
            this.f = f;
            this.path = path;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (n > bytesUntilFull) {
                writePart((int) Math.min(Math.min(tornBytes, n), bytesUntilFull), src);
                bytesUntilFull = 0;
                throw new IOException("No space left on device");
            }
            try {
                tick(Op.WRITE, path);
            } catch (IOException e) {
                writePart(n / 2, src);
                throw e;
            }
            if (bytesUntilFull != Long.MAX_VALUE) {
                bytesUntilFull -= n;
            }
            f.write(src);
        }

        private void writePart(int part, ByteBuffer src) throws IOException {
            if (part > 0) {
                ByteBuffer slice = src.slice();
                slice.limit(part);
                f.write(slice);
            }
        }

        @Override
        public void force(boolean metaData) throws IOException {
            tick(Op.FORCE, path);
            if (!skipForce) {
                f.force(metaData);
            }
        }

        @Override
        public long size() throws IOException {
            return f.size();
        }

        @Override
        public void truncate(long size) throws IOException {
            f.truncate(size);
        }

        @Override
        public void close() throws IOException {
            f.close();
        }
    }
}
