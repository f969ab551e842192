package dev.vigil.tsdb.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** {@link FileIo} on the real file system via NIO. */
final class DefaultFileIo implements FileIo {
    private final boolean fsync;

    /** @param fsync false only for benchmarks that measure CPU: nothing written is then durable */
    DefaultFileIo(boolean fsync) {
        this.fsync = fsync;
    }

    @Override
    public WriteFile openAppend(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        ch.position(ch.size());
        return new ChannelFile(ch, fsync);
    }

    @Override
    public WriteFile create(Path path) throws IOException {
        return new ChannelFile(FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE), fsync);
    }

    @Override
    public FileChannel openLock(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    }

    @Override
    public FileChannel openRead(Path path) throws IOException {
        return FileChannel.open(path, StandardOpenOption.READ);
    }

    @Override
    public byte[] readAllBytes(Path path) throws IOException {
        return Files.readAllBytes(path);
    }

    @Override
    public MappedByteBuffer mapReadOnly(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new IOException(path + " is " + size + " bytes, above the 2 GiB a mapping can reach");
            }
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
        }
    }

    @Override
    public MappedByteBuffer mapReadWrite(Path path, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            // A write through a mapping onto a page the file system cannot back (a hole in a sparse
            // file on a full disk) is a SIGBUS, not an IOException: the space is taken first.
            SpaceReservation.reserve(ch, path, size);
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, size);
        }
    }

    @Override
    public void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("file system cannot rename atomically: " + from + " -> " + to, e);
        }
    }

    @Override
    public void link(Path target, Path link) throws IOException {
        Files.createLink(link, target);
    }

    @Override
    public void deleteIfExists(Path path) throws IOException {
        Files.deleteIfExists(path);
    }

    @Override
    public void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    @Override
    public void truncate(Path path, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.WRITE)) {
            ch.truncate(size);
            if (fsync) {
                ch.force(true);
            }
        }
    }

    @Override
    public void fsyncDir(Path dir) throws IOException {
        if (!fsync) {
            return;
        }
        // Opening a directory for reading and forcing it is how the JDK exposes fsync(dirfd)
        // on Linux; platforms that refuse it have no equivalent to offer.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").toLowerCase().contains("win")) {
                throw e;
            }
        }
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        Files.createDirectories(dir);
    }

    @Override
    public List<Path> list(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                out.add(p);
            }
        } catch (NoSuchFileException e) {
            return out;
        }
        out.sort(Comparator.comparing(p -> p.getFileName().toString()));
        return out;
    }

    @Override
    public boolean exists(Path path) {
        return Files.exists(path);
    }

    @Override
    public boolean isDirectory(Path path) {
        return Files.isDirectory(path);
    }

    @Override
    public long size(Path path) throws IOException {
        return Files.size(path);
    }

    @Override
    public long treeSize(Path path) throws IOException {
        long[] sum = {0};
        if (!Files.exists(path)) {
            return 0;
        }
        Files.walkFileTree(path, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile()) {
                    sum[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null && !(exc instanceof NoSuchFileException)) {
                    throw exc;
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return sum[0];
    }

    /** A {@link WriteFile} over a channel positioned where writing goes on. */
    private static final class ChannelFile implements WriteFile {
        private final FileChannel ch;
        private final boolean fsync;

        ChannelFile(FileChannel ch, boolean fsync) {
            this.ch = ch;
            this.fsync = fsync;
        }

        @Override
        public void write(ByteBuffer src) throws IOException {
            while (src.hasRemaining()) {
                ch.write(src);
            }
        }

        @Override
        public void force(boolean metaData) throws IOException {
            if (fsync) {
                ch.force(metaData);
            }
        }

        @Override
        public long size() throws IOException {
            return ch.position();
        }

        @Override
        public void truncate(long size) throws IOException {
            ch.truncate(size);
            ch.position(size);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
