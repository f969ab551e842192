package dev.vigil.bench.sink;

/**
 * Counts the series and samples of an uncompressed remote-write 1.0 {@code WriteRequest} by
 * walking its protobuf fields (TimeSeries = field 1, its Sample = field 2) without building
 * anything: the cheapest check that a request holds what it claims.
 */
public final class WriteRequestCount {
    /** Series and samples in one request. */
    public record Counts(long series, long samples) {
    }

    private WriteRequestCount() {
    }

    /**
     * @throws IllegalArgumentException naming the byte offset where the message stops being protobuf
     */
    public static Counts of(byte[] b, int len) {
        long series = 0;
        long samples = 0;
        int[] pos = {0};
        while (pos[0] < len) {
            long tag = varint(b, len, pos);
            int field = (int) (tag >>> 3);
            if (field == 1 && (tag & 7) == 2) {
                int n = length(b, len, pos);
                samples += samplesIn(b, pos[0], pos[0] + n);
                series++;
                pos[0] += n;
            } else {
                skip(b, len, pos, (int) (tag & 7));
            }
        }
        return new Counts(series, samples);
    }

    private static long samplesIn(byte[] b, int from, int to) {
        long samples = 0;
        int[] pos = {from};
        while (pos[0] < to) {
            long tag = varint(b, to, pos);
            if ((tag >>> 3) == 2 && (tag & 7) == 2) {
                samples++;
            }
            skip(b, to, pos, (int) (tag & 7));
        }
        return samples;
    }

    private static void skip(byte[] b, int len, int[] pos, int wire) {
        switch (wire) {
            case 0 -> varint(b, len, pos);
            case 1 -> pos[0] += 8;
            case 2 -> {
                int n = length(b, len, pos);
                pos[0] += n;
            }
            case 5 -> pos[0] += 4;
            default -> throw new IllegalArgumentException("wire type " + wire + " at byte " + pos[0]);
        }
        if (pos[0] > len) {
            throw new IllegalArgumentException("field runs past the end of its message at byte " + len);
        }
    }

    private static int length(byte[] b, int len, int[] pos) {
        long n = varint(b, len, pos);
        if (n < 0 || n > len - pos[0]) {
            throw new IllegalArgumentException("length " + n + " at byte " + pos[0] + " runs past the end (" + len + ")");
        }
        return (int) n;
    }

    private static long varint(byte[] b, int len, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos[0] >= len) {
                throw new IllegalArgumentException("varint cut off at byte " + pos[0]);
            }
            byte x = b[pos[0]++];
            v |= (long) (x & 0x7F) << shift;
            if (x >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes at byte " + pos[0]);
    }
}
