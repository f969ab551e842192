package dev.vigil.tsdb.block.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** The real file system without fsync, for tests that write hundreds of blocks. */
public final class NoSyncFs extends ForwardingFs {
    public NoSyncFs() {
        super(Fs.DEFAULT);
    }

    @Override
    public OutputFile create(Path file) throws IOException {
        OutputFile f = real.create(file);
        return new OutputFile() {
            @Override
            public void write(ByteBuffer src) throws IOException {
                f.write(src);
            }

            @Override
            public long position() throws IOException {
                return f.position();
            }

            @Override
            public void sync() {
            }

            @Override
            public void close() throws IOException {
                f.close();
            }
        };
    }

    @Override
    public void fsyncDirectory(Path dir) {
    }
}
