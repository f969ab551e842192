package dev.vigil.tsdb.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation of the store (WAL, head chunks, head snapshot, series registry, blocks,
 * compaction, retention) goes through this facade, so one test double can inject failures
 * anywhere: disk full, torn writes, failing fsync or rename. {@link #DEFAULT} is the real file
 * system.
 */
public interface FileIo {
    FileIo DEFAULT = new DefaultFileIo(true);
    /**
     * The real file system with every fsync skipped, for benchmarks that measure CPU rather than the
     * disk. Nothing written through it survives a power loss: never for a store that acknowledges data.
     */
    FileIo WITHOUT_FSYNC = new DefaultFileIo(false);

    /** Opens (creating if missing) a file for appending; the position starts at its end. */
    WriteFile openAppend(Path path) throws IOException;

    /** Creates (or truncates) a file for writing from its start. */
    WriteFile create(Path path) throws IOException;

    /** Opens (creating if missing) a file for writing without truncating it: the data folder's lock. */
    FileChannel openLock(Path path) throws IOException;

    /** Opens a file for reading. */
    FileChannel openRead(Path path) throws IOException;

    byte[] readAllBytes(Path path) throws IOException;

    /** Maps a whole file read-only (files up to 2 GiB). */
    MappedByteBuffer mapReadOnly(Path path) throws IOException;

    /**
     * Maps {@code size} bytes of a file read-write, creating and extending it as needed. The
     * file's blocks are taken on the device first, so no store through the mapping can fault
     * (SIGBUS) on a full disk; without the space this fails with an IOException instead.
     */
    MappedByteBuffer mapReadWrite(Path path, long size) throws IOException;

    /** Atomically renames a file or a folder, replacing a target file. */
    void rename(Path from, Path to) throws IOException;

    void deleteIfExists(Path path) throws IOException;

    /** Makes {@code link} a hard link to the existing file {@code target} (same file system only). */
    void link(Path target, Path link) throws IOException;

    /** Deletes a file or a folder and everything in it; absent is fine. */
    void deleteTree(Path path) throws IOException;

    /** Cuts a file back to {@code size} bytes and makes that durable. */
    void truncate(Path path, long size) throws IOException;

    /** Makes a folder's entries (creations, renames, deletions) durable. */
    void fsyncDir(Path dir) throws IOException;

    void createDirectories(Path dir) throws IOException;

    /** Entries of a folder sorted by name; empty if it is not a folder. */
    List<Path> list(Path dir) throws IOException;

    boolean exists(Path path);

    boolean isDirectory(Path path);

    long size(Path path) throws IOException;

    /** Bytes of a file, or of the regular files under a folder (files that vanish meanwhile count 0). */
    long treeSize(Path path) throws IOException;

    /** A file open for sequential writing. */
    interface WriteFile extends AutoCloseable {
        /** Writes all remaining bytes of {@code src} at the end of the file. */
        void write(ByteBuffer src) throws IOException;

        default void write(byte[] b, int off, int len) throws IOException {
            write(ByteBuffer.wrap(b, off, len));
        }

        /** Forces written data to the device: fdatasync, or fsync with {@code metaData}. */
        void force(boolean metaData) throws IOException;

        /** Bytes in the file (its write position). */
        long size() throws IOException;

        /** Cuts the file back to {@code size} bytes (to undo a failed write). */
        void truncate(long size) throws IOException;

        @Override
        void close() throws IOException;
    }
}
