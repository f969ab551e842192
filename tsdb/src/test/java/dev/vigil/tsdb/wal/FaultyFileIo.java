package dev.vigil.tsdb.wal;

import dev.vigil.tsdb.io.DefaultFileIo;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/** A {@link FileIo} that fails on demand: disk full after N bytes, torn writes, failing fsync. */
public final class FaultyFileIo implements FileIo {
    private final FileIo real = new DefaultFileIo();
    /** Writes fail once this many more bytes have been written (Long.MAX_VALUE = never). */
    public volatile long bytesUntilFull = Long.MAX_VALUE;
    /** When a write fails, write this many bytes of it first (a torn write). */
    public volatile int tornBytes;
    public volatile boolean failForce;
    /** Skip fsync entirely, of files and folders (harnesses only: measures CPU cost without the disk). */
    public volatile boolean skipForce;

    @Override
    public AppendFile openAppend(Path path) throws IOException {
        AppendFile f = real.openAppend(path);
        return new AppendFile() {
            @Override
            public void write(ByteBuffer src) throws IOException {
                int n = src.remaining();
                if (n > bytesUntilFull) {
                    int part = (int) Math.min(Math.min(tornBytes, n), bytesUntilFull);
                    if (part > 0) {
                        ByteBuffer slice = src.slice();
                        slice.limit(part);
                        f.write(slice);
                    }
                    bytesUntilFull = 0;
                    throw new IOException("No space left on device");
                }
                bytesUntilFull -= n;
                f.write(src);
            }

            @Override
            public void force() throws IOException {
                if (failForce) {
                    throw new IOException("Input/output error");
                }
                if (!skipForce) {
                    f.force();
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
        };
    }

    @Override
    public FileChannel openRead(Path path) throws IOException {
        return real.openRead(path);
    }

    @Override
    public MappedByteBuffer mapReadWrite(Path path, long size) throws IOException {
        return real.mapReadWrite(path, size);
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        real.rename(from, to);
    }

    @Override
    public void deleteIfExists(Path path) throws IOException {
        real.deleteIfExists(path);
    }

    @Override
    public void deleteTree(Path dir) throws IOException {
        real.deleteTree(dir);
    }

    @Override
    public void truncate(Path path, long size) throws IOException {
        real.truncate(path, size);
    }

    @Override
    public void fsyncDir(Path dir) throws IOException {
        if (!skipForce) {
            real.fsyncDir(dir);
        }
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        real.createDirectories(dir);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        return real.list(dir);
    }

    @Override
    public long size(Path path) throws IOException {
        return real.size(path);
    }
}
