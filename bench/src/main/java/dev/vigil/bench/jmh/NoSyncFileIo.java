package dev.vigil.bench.jmh;

import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.List;

/** The store's file I/O without fsync, of files and folders: a benchmark then measures CPU, not the disk. */
final class NoSyncFileIo implements FileIo {
    private final FileIo real = FileIo.DEFAULT;

    @Override
    public AppendFile openAppend(Path path) throws IOException {
        AppendFile f = real.openAppend(path);
        return new AppendFile() {
            @Override
            public void write(ByteBuffer src) throws IOException {
                f.write(src);
            }

            @Override
            public void force() {
                // skipped: the point of this class
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
    public void fsyncDir(Path dir) {
        // skipped, as force()
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
