package dev.vigil.tsdb.testing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * A real small file system for full-disk tests: a tmpfs of a few MiB mounted on a temporary
 * folder (needs root, as the test machines and CI run). Where it cannot be mounted the test is
 * skipped with a printed line, or fails under {@code CI=true} (see {@link References}).
 */
public final class SmallDisk implements AutoCloseable {
    private final Path dir;
    private final Path ballast;

    private SmallDisk(Path dir) {
        this.dir = dir;
        this.ballast = dir.resolve("ballast");
    }

    /** Mounts a tmpfs of {@code mib} MiB; close unmounts it. */
    public static SmallDisk mount(int mib) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("vigil-small-disk");
        String out = run("mount", "-t", "tmpfs", "-o", "size=" + mib + "m,mode=0700", "tmpfs", dir.toString());
        if (out != null) {
            Files.deleteIfExists(dir);
            References.unavailable("cannot mount a " + mib + " MiB tmpfs for the full-disk test (" + out.strip()
                    + "; it needs root, as CI runs)");
        }
        return new SmallDisk(dir);
    }

    /** null on success, else the command's output. */
    private static String run(String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return e.getMessage();
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return String.join(" ", cmd) + " did not finish";
        }
        return p.exitValue() == 0 ? null : String.join(" ", cmd) + ": exit " + p.exitValue() + ": " + out;
    }

    public Path dir() {
        return dir;
    }

    /** Bytes still free. */
    public long free() throws IOException {
        return Files.getFileStore(dir).getUsableSpace();
    }

    /**
     * Fills the disk with a ballast file until at most {@code leave} bytes are free (or it is
     * full); returns the ballast's size.
     */
    public long fill(long leave) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(64 << 10);
        try (FileChannel ch = FileChannel.open(ballast, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            while (free() > leave) {
                block.clear();
                block.limit((int) Math.min(block.capacity(), Math.max(4096, free() - leave)));
                try {
                    ch.write(block);
                } catch (IOException full) {
                    break;
                }
            }
            return ch.size();
        }
    }

    /** Deletes the ballast: the space it held returns. */
    public void freeBallast() throws IOException {
        Files.deleteIfExists(ballast);
    }

    @Override
    public void close() throws IOException {
        try {
            String out = run("umount", "-l", dir.toString());
            if (out != null) {
                throw new IOException("could not unmount the test tmpfs " + dir + ": " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while unmounting " + dir, e);
        }
        Files.deleteIfExists(dir);
    }
}
