package dev.vigil.tsdb.prometheus;

import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A block's {@code tombstones} file (tombstones.md): magic {@code 0x0130BA30}, version 1, then entries of a series ID
 * (uvarint), the deleted range's mint and maxt (varints, both inclusive), and a CRC32C over the entries. A block
 * without the file has no deletions.
 */
public final class PromTombstones {
    static final int MAGIC = 0x0130BA30;
    /** No deletions. */
    public static final PromTombstones NONE = new PromTombstones(Map.of());

    private final Map<Long, long[]> ranges;

    private PromTombstones(Map<Long, long[]> ranges) {
        this.ranges = ranges;
    }

    public static PromTombstones read(FileIo io, Path file) throws IOException {
        if (!Files.exists(file) || Files.size(file) == 0) {
            return NONE;
        }
        ByteBuffer buf = ByteBuffer.wrap(io.readAllBytes(file));
        Bytes in = new Bytes(buf, file.toString());
        if (buf.limit() < 9 || buf.getInt(0) != MAGIC) {
            throw in.bad("not a Prometheus tombstones file");
        }
        if ((buf.get(4) & 0xff) != 1) {
            throw in.bad("tombstones version " + (buf.get(4) & 0xff) + " is not supported (only 1)");
        }
        int end = buf.limit() - 4;
        in.checkCrc(5, end, "tombstones");
        Map<Long, long[]> out = new HashMap<>();
        in.pos = 5;
        while (in.pos < end) {
            long ref = in.uvarint();
            long mint = in.varint();
            long maxt = in.varint();
            if (in.pos > end) {
                throw in.bad("tombstone entry runs into the checksum");
            }
            long[] prev = out.get(ref);
            long[] next = prev == null ? new long[2] : Arrays.copyOf(prev, prev.length + 2);
            next[next.length - 2] = mint;
            next[next.length - 1] = maxt;
            out.put(ref, next);
        }
        return new PromTombstones(out);
    }

    /** The deleted ranges of series {@code ref} as mint, maxt pairs (inclusive), or null when none. */
    public long[] deleted(long ref) {
        return ranges.get(ref);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** How many series have deletions. */
    public int series() {
        return ranges.size();
    }
}
