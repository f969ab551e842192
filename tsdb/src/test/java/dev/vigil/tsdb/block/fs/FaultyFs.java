package dev.vigil.tsdb.block.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * An {@link Fs} that fails the n-th mutating operation (create, write, sync, fsyncDirectory,
 * move) with an IOException, as a full disk or a dying device would; a failing write first
 * writes half its bytes (a torn write).
 */
public final class FaultyFs extends ForwardingFs {
    private int countdown;
    private int ops;

    /** Fails operation number {@code failAt} (1-based); 0 never fails. */
    public FaultyFs(int failAt) {
        // Durability is not what these tests check; skipping fsync keeps them fast.
        super(new NoSyncFs());
        this.countdown = failAt;
    }

    /** Mutating operations seen so far. */
    public int ops() {
        return ops;
    }

    private void tick(String what) throws IOException {
        ops++;
        if (countdown > 0 && --countdown == 0) {
            throw new IOException("injected failure at " + what);
        }
    }

    @Override
    public void createDirectories(Path dir) throws IOException {
        tick("mkdir " + dir);
        real.createDirectories(dir);
    }

    @Override
    public OutputFile create(Path file) throws IOException {
        tick("create " + file);
        OutputFile f = real.create(file);
        return new OutputFile() {
            @Override
            public void write(ByteBuffer src) throws IOException {
                try {
                    tick("write " + file);
                } catch (IOException e) {
                    ByteBuffer half = src.duplicate();
                    half.limit(src.position() + src.remaining() / 2);
                    f.write(half);
                    throw e;
                }
                f.write(src);
            }

            @Override
            public long position() throws IOException {
                return f.position();
            }

            @Override
            public void sync() throws IOException {
                tick("sync " + file);
                f.sync();
            }

            @Override
            public void close() throws IOException {
                f.close();
            }
        };
    }

    @Override
    public void fsyncDirectory(Path dir) throws IOException {
        tick("fsync dir " + dir);
        real.fsyncDirectory(dir);
    }

    @Override
    public void moveAtomically(Path from, Path to) throws IOException {
        tick("move " + from);
        real.moveAtomically(from, to);
    }
}
