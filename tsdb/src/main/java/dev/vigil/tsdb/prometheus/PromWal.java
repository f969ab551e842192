package dev.vigil.tsdb.prometheus;

import dev.vigil.tsdb.Labels;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;
import org.xerial.snappy.Snappy;

/**
 * The samples of a stopped Prometheus's head, read from its WAL (wal.md): the newest {@code checkpoint.N} folder,
 * then every segment numbered above N. A segment is 32 KiB pages of fragments (type, big-endian length, CRC32C, data;
 * type bit 3 marks a snappy-compressed record); records of type 1 (series), 2 (samples) and 3 (tombstones) are used,
 * the rest (exemplars, mmap markers, metadata, histograms) passed over. As Prometheus does on replay, samples older
 * than the newest block's end are dropped. A torn or damaged tail ends the read of that segment and is counted.
 */
public final class PromWal implements PromSource {
    static final int PAGE = 32 * 1024;
    private static final int HEADER = 7;

    private final PromBlock.Meta meta;
    private final List<PromIndex.Entry> entries;
    private final List<SampleBuffer> samples;
    private final Map<Integer, long[]> deleted;
    private final List<String> damaged;

    private PromWal(PromBlock.Meta meta, List<PromIndex.Entry> entries, List<SampleBuffer> samples, Map<Integer, long[]> deleted,
            List<String> damaged) {
        this.meta = meta;
        this.entries = entries;
        this.samples = samples;
        this.deleted = deleted;
        this.damaged = damaged;
    }

    /** Reads {@code walDir}, keeping samples at or after {@code minValidTime}; null when it holds none. */
    public static PromWal read(Path walDir, long minValidTime) throws IOException {
        return new Reader(minValidTime).read(walDir);
    }

    @Override
    public PromBlock.Meta meta() {
        return meta;
    }

    @Override
    public List<PromIndex.Entry> series() {
        return entries;
    }

    /** Segments whose tail could not be read, each with the reason. */
    public List<String> damaged() {
        return damaged;
    }

    @Override
    public void read(PromIndex.Entry e, SampleBuffer out) {
        SampleBuffer s = samples.get(e.offset());
        s.sortIfNeeded();
        out.clear();
        out.ensure(s.n);
        System.arraycopy(s.t, 0, out.t, 0, s.n);
        System.arraycopy(s.v, 0, out.v, 0, s.n);
        out.n = s.n;
        long[] d = deleted.get(e.offset());
        if (d != null) {
            out.delete(d);
        }
    }

    /** One pass over the checkpoint and segments. */
    private static final class Reader {
        private final long minValidTime;
        private final Map<Long, Labels> refs = new HashMap<>();
        private final Map<Labels, Integer> index = new LinkedHashMap<>();
        private final List<SampleBuffer> samples = new ArrayList<>();
        private final Map<Long, List<long[]>> tombstones = new HashMap<>();
        private final List<String> damaged = new ArrayList<>();
        private long min = Long.MAX_VALUE;
        private long max = Long.MIN_VALUE;
        private String file;

        Reader(long minValidTime) {
            this.minValidTime = minValidTime;
        }

        PromWal read(Path walDir) throws IOException {
            if (!Files.isDirectory(walDir)) {
                return null;
            }
            long checkpoint = -1;
            Path checkpointDir = null;
            List<Path> segments = new ArrayList<>();
            try (var s = Files.list(walDir)) {
                for (Path p : s.sorted().toList()) {
                    String name = p.getFileName().toString();
                    if (Files.isDirectory(p) && name.matches("checkpoint\\.[0-9]+")) {
                        long n = Long.parseLong(name.substring("checkpoint.".length()));
                        if (n > checkpoint) {
                            checkpoint = n;
                            checkpointDir = p;
                        }
                    } else if (Files.isRegularFile(p) && name.matches("[0-9]+")) {
                        segments.add(p);
                    }
                }
            }
            if (checkpointDir != null) {
                try (var s = Files.list(checkpointDir)) {
                    for (Path p : s.sorted().toList()) {
                        if (p.getFileName().toString().matches("[0-9]+")) {
                            segment(p);
                        }
                    }
                }
            }
            for (Path p : segments) {
                if (Long.parseLong(p.getFileName().toString()) > checkpoint) {
                    segment(p);
                }
            }
            List<Labels> sorted = new ArrayList<>(index.keySet());
            sorted.removeIf(l -> samples.get(index.get(l)).n == 0);
            if (sorted.isEmpty()) {
                return null;
            }
            sorted.sort(null);
            List<PromIndex.Entry> entries = new ArrayList<>(sorted.size());
            for (Labels l : sorted) {
                int i = index.get(l);
                entries.add(new PromIndex.Entry(i, l, i, 0, min, max));
            }
            Map<Integer, long[]> deleted = new HashMap<>();
            tombstones.forEach((ref, ivs) -> {
                Labels l = refs.get(ref);
                Integer i = l == null ? null : index.get(l);
                if (i != null) {
                    long[] prev = deleted.getOrDefault(i, new long[0]);
                    long[] next = Arrays.copyOf(prev, prev.length + 2 * ivs.size());
                    for (int k = 0; k < ivs.size(); k++) {
                        next[prev.length + 2 * k] = ivs.get(k)[0];
                        next[prev.length + 2 * k + 1] = ivs.get(k)[1];
                    }
                    deleted.put(i, next);
                }
            });
            PromBlock.Meta meta = new PromBlock.Meta("wal", min, max + 1, 0, entries.size(), 0, List.of());
            return new PromWal(meta, entries, samples, deleted, List.copyOf(damaged));
        }

        private void segment(Path p) throws IOException {
            file = p.toString();
            byte[] b = Files.readAllBytes(p);
            ByteBuffer buf = ByteBuffer.wrap(b);
            java.io.ByteArrayOutputStream rec = new java.io.ByteArrayOutputStream();
            boolean compressed = false;
            int pos = 0;
            CRC32C crc = new CRC32C();
            while (pos < b.length) {
                int pageLeft = PAGE - pos % PAGE;
                if (pageLeft < HEADER) {
                    pos += pageLeft;
                    continue;
                }
                int type = b[pos] & 0xff;
                int kind = type & 0x07;
                if (kind == 0) {
                    pos += pageLeft; // rest of the page is empty
                    continue;
                }
                if (pos + HEADER > b.length) {
                    damaged.add(file + ": torn fragment header at offset " + pos);
                    return;
                }
                int len = buf.getShort(pos + 1) & 0xffff;
                int sum = buf.getInt(pos + 3);
                int start = pos + HEADER;
                if (len > pageLeft - HEADER || start + len > b.length) {
                    damaged.add(file + ": fragment at offset " + pos + " runs past its page or the file");
                    return;
                }
                crc.reset();
                crc.update(b, start, len);
                if ((int) crc.getValue() != sum) {
                    damaged.add(file + ": fragment at offset " + pos + ": checksum mismatch");
                    return;
                }
                if (kind == 1 || kind == 2) {
                    rec.reset();
                    compressed = (type & 0x08) != 0;
                }
                rec.write(b, start, len);
                pos = start + len;
                if (kind == 1 || kind == 4) {
                    byte[] r = rec.toByteArray();
                    if (compressed) {
                        try {
                            r = Snappy.uncompress(r);
                        } catch (IOException e) {
                            damaged.add(file + ": record before offset " + pos + ": bad snappy block");
                            return;
                        }
                    }
                    try {
                        record(r);
                    } catch (PromFormatException | RuntimeException e) {
                        damaged.add(file + ": record before offset " + pos + ": " + e.getMessage());
                        return;
                    }
                }
            }
        }

        private void record(byte[] r) throws PromFormatException {
            if (r.length == 0) {
                return;
            }
            Bytes in = new Bytes(ByteBuffer.wrap(r), file);
            in.pos = 1;
            switch (r[0]) {
                case 1 -> {
                    while (in.pos < r.length) {
                        long ref = in.be64();
                        int n = (int) in.uvarint();
                        String[] kv = new String[2 * n];
                        for (int i = 0; i < 2 * n; i++) {
                            kv[i] = in.string((int) in.uvarint());
                        }
                        Labels l = Labels.of(kv);
                        refs.put(ref, l);
                        index.computeIfAbsent(l, k -> {
                            samples.add(new SampleBuffer(64));
                            return samples.size() - 1;
                        });
                    }
                }
                case 2 -> {
                    if (r.length < 17) {
                        return;
                    }
                    long baseRef = in.be64();
                    long baseT = in.be64();
                    while (in.pos < r.length) {
                        long ref = baseRef + in.varint();
                        long t = baseT + in.varint();
                        double v = Double.longBitsToDouble(in.be64());
                        if (t < minValidTime) {
                            continue;
                        }
                        Labels l = refs.get(ref);
                        if (l == null) {
                            continue; // a sample of a series whose record was lost, as Prometheus's replay skips it
                        }
                        samples.get(index.get(l)).add(t, v);
                        min = Math.min(min, t);
                        max = Math.max(max, t);
                    }
                }
                case 3 -> {
                    while (in.pos < r.length) {
                        long ref = in.be64();
                        long mint = in.varint();
                        long maxt = in.varint();
                        tombstones.computeIfAbsent(ref, k -> new ArrayList<>()).add(new long[] {mint, maxt});
                    }
                }
                default -> {
                    // exemplars, mmap markers, metadata, histograms: not samples Vigil stores
                }
            }
        }
    }
}
