package dev.vigil.tsdb.tools;

import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.block.CorruptBlockException;
import dev.vigil.tsdb.block.MergeQuerier;
import dev.vigil.tsdb.block.Ulid;
import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A stopped store's data folder opened for reading by the offline tools. It holds the store's lock while open, so
 * Vigil cannot start on it meanwhile, and it changes nothing: blocks are opened one by one (not through
 * {@code BlockSet}, whose open removes unfinished writes and sets damaged blocks aside), and the head is read
 * only on request, from a replica rebuilt out of a copy of the WAL ({@link HeadReplica}).
 */
public final class DataFolder implements AutoCloseable {
    /** Selects every series. */
    public static final Matcher ALL = Matcher.of(Matcher.Type.RE, "__name__", ".+");

    private final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final List<Block> blocks;
    private final List<String> damaged;
    private HeadReplica head;

    private DataFolder(Path dir, FileChannel lockChannel, FileLock lock, List<Block> blocks, List<String> damaged) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.blocks = blocks;
        this.damaged = damaged;
    }

    /**
     * @throws FolderInUseException when a running store holds the folder's lock
     * @throws NoSuchFileException when {@code dir} is not a folder
     */
    public static DataFolder open(FileIo io, Path dir) throws IOException {
        return openExisting(io, dir, false);
    }

    /**
     * Opens {@code dir} for a tool that adds blocks to it: the folder and its lock file are created when missing,
     * so that a Vigil started meanwhile waits for the tool rather than sharing the folder with it.
     *
     * @throws FolderInUseException when a running store holds the folder's lock
     */
    public static DataFolder openForWriting(FileIo io, Path dir) throws IOException {
        Files.createDirectories(dir);
        if (!Files.exists(dir.resolve("lock"))) {
            Files.createFile(dir.resolve("lock"));
        }
        return openExisting(io, dir, true);
    }

    private static DataFolder openExisting(FileIo io, Path dir, boolean exclusive) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such data folder");
        }
        FileChannel lc = null;
        FileLock fl = null;
        Path lockFile = dir.resolve("lock");
        if (Files.exists(lockFile)) {
            // A reader takes a shared lock, which needs no write access (a snapshot may be read-only) and still
            // conflicts with the store's exclusive one; a writer takes an exclusive lock, as the store does.
            lc = FileChannel.open(lockFile, exclusive ? StandardOpenOption.WRITE : StandardOpenOption.READ);
            try {
                fl = lc.tryLock(0, Long.MAX_VALUE, !exclusive);
            } catch (OverlappingFileLockException e) {
                fl = null;
            }
            if (fl == null) {
                lc.close();
                throw new FolderInUseException(dir);
            }
        }
        List<Block> blocks = new ArrayList<>();
        List<String> damaged = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (!Files.isDirectory(p) || !Ulid.isValid(p.getFileName().toString())) {
                    continue;
                }
                try {
                    blocks.add(Block.open(io, p));
                } catch (CorruptBlockException e) {
                    damaged.add(p.getFileName() + ": " + e.getMessage());
                }
            }
        } catch (IOException | RuntimeException e) {
            if (fl != null) {
                fl.release();
                lc.close();
            }
            throw e;
        }
        blocks.sort(Comparator.comparingLong((Block b) -> b.meta().minTime()).thenComparing(b -> b.meta().ulid()));
        return new DataFolder(dir, lc, fl, List.copyOf(blocks), List.copyOf(damaged));
    }

    public Path dir() {
        return dir;
    }

    /** The readable blocks, oldest first. */
    public List<Block> blocks() {
        return blocks;
    }

    /** Blocks that could not be opened, each with the reason. */
    public List<String> damaged() {
        return damaged;
    }

    /**
     * Rebuilds the head from a copy of the WAL, so that {@link #querier} sees the samples not yet in blocks too.
     * Samples both in a block and still in the WAL are seen once.
     */
    public void readHead() throws IOException {
        if (head == null) {
            head = HeadReplica.open(dir);
        }
    }

    /**
     * The oldest sample the head (rebuilt from a copy of the WAL) holds in {@code [mint, maxt)}, or
     * {@link Long#MAX_VALUE} when none.
     */
    public long firstHeadSample(long mint, long maxt) throws IOException {
        HeadReplica h = head != null ? head : HeadReplica.open(dir);
        if (h == null) {
            return Long.MAX_VALUE;
        }
        long first = Long.MAX_VALUE;
        try (Querier q = h.querier(mint, maxt - 1)) {
            var set = q.select(false, new dev.vigil.tsdb.SelectHints(mint, maxt - 1, 0, 0, null), ALL);
            dev.vigil.tsdb.SampleIterator it = null;
            while (set.next()) {
                it = set.at().iterator(it);
                if (it.seek(mint) && it.t() < maxt) {
                    first = Math.min(first, it.t());
                }
            }
        } finally {
            if (h != head) {
                h.close();
            }
        }
        return first;
    }

    /** A querier over every block overlapping {@code [mint, maxt]}, and the head after {@link #readHead}. */
    public Querier querier(long mint, long maxt) {
        List<Querier> qs = new ArrayList<>();
        if (head != null) {
            qs.add(head.querier(mint, maxt));
        }
        for (Block b : blocks) {
            if (b.meta().overlaps(mint, maxt)) {
                qs.add(b.querier(mint, maxt));
            }
        }
        return new MergeQuerier(qs);
    }

    @Override
    public void close() throws IOException {
        if (head != null) {
            head.close();
        }
        if (lock != null) {
            lock.release();
            lockChannel.close();
        }
    }
}
