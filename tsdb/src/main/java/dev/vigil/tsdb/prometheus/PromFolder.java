package dev.vigil.tsdb.prometheus;

import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A stopped Prometheus 2.x data folder (or a snapshot of one): its blocks, oldest first. Blocks that another block names as a compaction parent are left
 * out, as Prometheus itself deletes them on its next start.
 */
public final class PromFolder {
    private static final Pattern ULID = Pattern.compile("[0-9A-HJKMNP-TV-Z]{26}");

    private final Path dir;
    private final List<PromBlock.Meta> blocks;

    private PromFolder(Path dir, List<PromBlock.Meta> blocks) {
        this.dir = dir;
        this.blocks = blocks;
    }

    /**
     * @throws PromFolderInUseException when a running Prometheus holds the folder's lock
     * @throws NoSuchFileException when {@code dir} is not a folder
     */
    public static PromFolder open(FileIo io, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchFileException(dir.toString(), null, "no such Prometheus data folder");
        }
        String why = PromLock.inUse(dir);
        if (why != null) {
            throw new PromFolderInUseException(dir, why);
        }
        List<PromBlock.Meta> metas = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (Files.isDirectory(p) && ULID.matcher(p.getFileName().toString()).matches()
                        && Files.exists(p.resolve("meta.json"))) {
                    metas.add(PromBlock.readMeta(io, p));
                }
            }
        }
        Set<String> replaced = new HashSet<>();
        metas.forEach(m -> replaced.addAll(m.parents()));
        metas.removeIf(m -> replaced.contains(m.ulid()));
        metas.sort(Comparator.comparingLong(PromBlock.Meta::minTime).thenComparing(PromBlock.Meta::ulid));
        return new PromFolder(dir, List.copyOf(metas));
    }

    public Path dir() {
        return dir;
    }

    /** The blocks to read, oldest first. */
    public List<PromBlock.Meta> blocks() {
        return blocks;
    }

    public PromBlock open(FileIo io, PromBlock.Meta meta) throws IOException {
        return PromBlock.open(io, dir.resolve(meta.ulid()));
    }
}
