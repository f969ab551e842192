package dev.vigil.tsdb.head;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Address ranges at which this process maps a file, from {@code /proc/self/maps} (none elsewhere). */
final class MappedRanges {
    private static final Path MAPS = Path.of("/proc/self/maps");

    private MappedRanges() {
    }

    /** {start, end} of every mapping of {@code realPath}; empty where the system has no such listing. */
    static List<long[]> of(String realPath) throws IOException {
        if (!Files.isReadable(MAPS)) {
            return List.of();
        }
        return parse(Files.readAllLines(MAPS), realPath);
    }

    /** The same from the listing's lines ({@code start-end perms offset dev inode path}). */
    static List<long[]> parse(List<String> lines, String realPath) {
        List<long[]> out = new ArrayList<>();
        for (String line : lines) {
            if (!line.endsWith(realPath)) {
                continue;
            }
            // The path starts after five fields; it must be exactly ours, not a longer name that ends alike.
            String[] f = line.split("\\s+", 6);
            if (f.length < 6 || !f[5].equals(realPath)) {
                continue;
            }
            int dash = f[0].indexOf('-');
            out.add(new long[] {Long.parseUnsignedLong(f[0].substring(0, dash), 16), Long.parseUnsignedLong(f[0].substring(dash + 1), 16)});
        }
        return out;
    }
}
