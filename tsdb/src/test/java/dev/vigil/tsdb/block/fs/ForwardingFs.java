package dev.vigil.tsdb.block.fs;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.List;

/** An {@link Fs} that passes every call to another one; test file systems override what they change. */
abstract class ForwardingFs implements Fs {
    protected final Fs real;

    ForwardingFs(Fs real) {
        this.real = real;
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        real.createDirectories(dir);
    }

    @Override
    public OutputFile create(Path file) throws IOException {
        return real.create(file);
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
        real.fsyncDirectory(dir);
    }

    @Override
    public void moveAtomically(Path from, Path to) throws IOException {
        real.moveAtomically(from, to);
    }

    @Override
    public void deleteRecursively(Path path) throws IOException {
        real.deleteRecursively(path);
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
    public long size(Path file) throws IOException {
        return real.size(file);
    }

    @Override
    public long treeSize(Path dir) throws IOException {
        return real.treeSize(dir);
    }

    @Override
    public byte[] readAllBytes(Path file) throws IOException {
        return real.readAllBytes(file);
    }

    @Override
    public MappedByteBuffer mapReadOnly(Path file) throws IOException {
        return real.mapReadOnly(file);
    }
}
