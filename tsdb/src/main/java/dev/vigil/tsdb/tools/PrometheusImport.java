package dev.vigil.tsdb.tools;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.block.BlockMeta;
import dev.vigil.tsdb.block.BlockWriter;
import dev.vigil.tsdb.block.MergeQuerier;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.prometheus.PromBlock;
import dev.vigil.tsdb.prometheus.PromFolder;
import dev.vigil.tsdb.prometheus.PromFormatException;
import dev.vigil.tsdb.prometheus.PromIndex;
import dev.vigil.tsdb.prometheus.PromSource;
import dev.vigil.tsdb.prometheus.PromWal;
import dev.vigil.tsdb.prometheus.SampleBuffer;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * {@code tsdb import-prometheus}: every block of a stopped Prometheus 2.x data folder becomes one Vigil block over the
 * same time range, and the samples of its WAL (its head, not yet in blocks) one more, written offline into a stopped
 * Vigil's data folder (whose lock it holds meanwhile), with the tombstones' deleted ranges left out.
 *
 * <p>Idempotent: a sample whose series already has a sample at that timestamp in Vigil's blocks (including blocks
 * this run wrote) is skipped, so a second run writes nothing; where the values differ, Vigil's is kept and the
 * sample counted as a conflict. Samples at or after the first sample of Vigil's own head (not yet in blocks) are not
 * imported, since a block reaching into the head's time would make Vigil's next start drop the head's samples there.
 */
public final class PrometheusImport {
    /** What a run did. */
    public record Summary(int blocks, int blocksWritten, long series, long samples, long skipped, long conflicts,
            long deleted, long clipped, long histogramChunks, long clippedFrom, boolean walRead, List<String> walNotes,
            List<String> damaged, long nanos) {
        public double samplesPerSecond() {
            return nanos <= 0 ? 0 : samples * 1e9 / nanos;
        }
    }

    private final FileIo io;
    private final PrintStream progress;
    /** Distinct series imported, over every block. */
    private final java.util.Set<Labels> seriesSeen = new java.util.HashSet<>();
    /** Series of the block being imported, counted once it is written. */
    private final List<Labels> blockSeries = new ArrayList<>();
    private long samples;
    private long skipped;
    private long conflicts;
    private long clipped;

    private PrometheusImport(FileIo io, PrintStream progress) {
        this.io = io;
        this.progress = progress;
    }

    /**
     * Imports {@code promDir} into {@code vigilDir}, printing a line per block to {@code progress}. A damaged
     * Prometheus block is left out and named in {@link Summary#damaged}; the others are imported.
     *
     * @throws dev.vigil.tsdb.prometheus.PromFolderInUseException when a running Prometheus holds {@code promDir}
     * @throws FolderInUseException when a running Vigil holds {@code vigilDir}
     */
    public static Summary run(FileIo io, Path promDir, Path vigilDir, PrintStream progress) throws IOException {
        return new PrometheusImport(io, progress).run(promDir, vigilDir);
    }

    private Summary run(Path promDir, Path vigilDir) throws IOException {
        long start = System.nanoTime();
        PromFolder src = PromFolder.open(io, promDir);
        int written = 0;
        long deleted = 0;
        long histograms = 0;
        long headFrom;
        PromWal wal;
        List<String> damaged = new ArrayList<>();
        try (DataFolder dst = DataFolder.openForWriting(io, vigilDir)) {
            List<Block> existing = new ArrayList<>(dst.blocks());
            long persisted = Long.MIN_VALUE;
            for (Block b : existing) {
                persisted = Math.max(persisted, b.meta().maxTime());
            }
            headFrom = dst.firstHeadSample(persisted, Long.MAX_VALUE);
            List<PromBlock.Meta> metas = src.blocks();
            long minValid = Long.MIN_VALUE;
            for (PromBlock.Meta m : metas) {
                minValid = Math.max(minValid, m.maxTime());
            }
            // The WAL is read first (its samples held in memory), so that a damaged WAL is known before writing.
            wal = PromWal.read(promDir.resolve("wal"), minValid);
            List<PromSource.Opener> sources = new ArrayList<>();
            for (PromBlock.Meta m : metas) {
                sources.add(new PromSource.Opener(m, () -> src.open(io, m)));
            }
            if (wal != null) {
                PromWal w = wal;
                sources.add(new PromSource.Opener(w.meta(), () -> w));
            }
            progress.println("importing " + metas.size() + " blocks" + (wal != null ? " and the WAL" : "") + " from "
                    + promDir + " into " + vigilDir);
            SampleBuffer buf = new SampleBuffer();
            for (int i = 0; i < sources.size(); i++) {
                long blockStart = System.nanoTime();
                long skippedBefore = skipped;
                long[] before = {samples, skipped, conflicts, clipped};
                blockSeries.clear();
                PromSource block;
                BlockMeta out;
                PromBlock.Meta meta = sources.get(i).meta();
                try {
                    block = sources.get(i).open().get();
                    out = importBlock(block, existing, buf, vigilDir, headFrom);
                } catch (PromFormatException | UncheckedIOException e) {
                    // A damaged block is set aside: the others still come over, and the summary names it.
                    String why = e instanceof UncheckedIOException u ? u.getCause().getMessage() : e.getMessage();
                    damaged.add(meta.ulid() + ": " + why);
                    samples = before[0];
                    skipped = before[1];
                    conflicts = before[2];
                    clipped = before[3];
                    progress.printf("block %d/%d %s: damaged, not imported: %s%n", i + 1, sources.size(), meta.ulid(), why);
                    continue;
                }
                seriesSeen.addAll(blockSeries);
                String what;
                if (out == null) {
                    what = "nothing new";
                } else {
                    written++;
                    Block b = Block.open(io, vigilDir.resolve(out.ulid()));
                    existing.add(b);
                    what = out.stats().numSeries() + " series, " + out.stats().numSamples() + " samples into " + out.ulid();
                }
                double secs = (System.nanoTime() - blockStart) / 1e9;
                double total = (System.nanoTime() - start) / 1e9;
                progress.printf("block %d/%d %s [%s, %s): %s, %d skipped as present, %.1f s; total %d samples, %.0f samples/s%n",
                        i + 1, sources.size(), block.meta().ulid(), GoFormat.time(block.meta().minTime()),
                        GoFormat.time(block.meta().maxTime()), what, skipped - skippedBefore, secs, samples,
                        total > 0 ? samples / total : 0.0);
            }
            deleted = buf.deleted;
            histograms = buf.histogramChunks;
        }
        return new Summary(src.blocks().size(), written, seriesSeen.size(), samples, skipped, conflicts, deleted, clipped, histograms,
                headFrom, wal != null, wal == null ? List.of() : wal.damaged(), List.copyOf(damaged), System.nanoTime() - start);
    }

    /** Writes the new samples of one Prometheus block as a Vigil block, or nothing (null) when there are none. */
    private BlockMeta importBlock(PromSource block, List<Block> existing, SampleBuffer buf, Path vigilDir,
            long headFrom) throws IOException {
        List<PromIndex.Entry> entries = block.series();
        long lo = block.meta().minTime();
        long hi = block.meta().maxTime();
        boolean sorted = true;
        for (int i = 0; i < entries.size(); i++) {
            PromIndex.Entry e = entries.get(i);
            if (e.chunks() > 0) {
                lo = Math.min(lo, e.minTime());
                hi = Math.max(hi, e.maxTime() + 1);
            }
            if (i > 0 && entries.get(i - 1).labels().compareTo(e.labels()) >= 0) {
                sorted = false;
            }
        }
        if (!sorted) {
            entries = new ArrayList<>(entries);
            entries.sort(Comparator.comparing(PromIndex.Entry::labels));
        }
        long end = Math.min(hi, headFrom);
        if (end <= lo) {
            // Entirely at or after the head's first sample: every sample of it is left out.
            for (PromIndex.Entry e : entries) {
                block.read(e, buf);
                clipped += buf.n;
            }
            return null;
        }
        List<Querier> qs = new ArrayList<>();
        for (Block b : existing) {
            if (b.meta().overlaps(lo, end - 1)) {
                qs.add(b.querier(lo, end - 1));
            }
        }
        try (Querier q = new MergeQuerier(qs)) {
            SeriesSet present = qs.isEmpty() ? null
                    : q.select(true, new SelectHints(lo, end - 1, 0, 0, null), DataFolder.ALL);
            NewSamples set = new NewSamples(block, entries, buf, present, end);
            BlockMeta meta = new BlockWriter(io).writeBlock(vigilDir, set, lo, end, 1, List.of());
            if (meta.stats().numSeries() == 0) {
                io.deleteTree(vigilDir.resolve(meta.ulid()));
                return null;
            }
            return meta;
        }
    }

    /**
     * The block's series in Vigil's order, each with only the samples Vigil lacks: merged against the sorted series
     * Vigil already holds over the range, timestamp by timestamp. Series left with no sample are passed over.
     */
    private final class NewSamples implements SeriesSet {
        private final PromSource block;
        private final List<PromIndex.Entry> entries;
        private final SampleBuffer buf;
        private final SeriesSet present;
        private final long end;
        private boolean presentValid;
        private boolean presentDone;
        private SampleIterator reuse;
        private int i = -1;
        private long lastReport = System.nanoTime();
        private final ArraySeries current = new ArraySeries();

        NewSamples(PromSource block, List<PromIndex.Entry> entries, SampleBuffer buf, SeriesSet present, long end) {
            this.block = block;
            this.entries = entries;
            this.buf = buf;
            this.present = present;
            this.end = end;
        }

        @Override
        public boolean next() {
            try {
                while (++i < entries.size()) {
                    if ((i & 1023) == 0 && System.nanoTime() - lastReport > 10_000_000_000L) {
                        lastReport = System.nanoTime();
                        progress.printf("  %s: %d of %d series read, total %d samples%n", block.meta().ulid(), i,
                                entries.size(), samples);
                    }
                    PromIndex.Entry e = entries.get(i);
                    block.read(e, buf);
                    int n = buf.n;
                    int cut = n;
                    while (cut > 0 && buf.t[cut - 1] >= end) {
                        cut--;
                    }
                    clipped += n - cut;
                    buf.n = cut;
                    Series have = presentFor(e.labels());
                    if (have != null) {
                        dropPresent(have);
                    }
                    if (buf.n > 0) {
                        blockSeries.add(e.labels());
                        samples += buf.n;
                        current.labels = e.labels();
                        return true;
                    }
                }
                return false;
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        }

        /** The series Vigil holds with exactly {@code labels}, advancing the sorted present set; null when none. */
        private Series presentFor(Labels labels) {
            if (present == null) {
                return null;
            }
            while (!presentDone) {
                if (!presentValid) {
                    if (!present.next()) {
                        presentDone = true;
                        return null;
                    }
                    presentValid = true;
                }
                int c = present.at().labels().compareTo(labels);
                if (c == 0) {
                    return present.at();
                }
                if (c > 0) {
                    return null;
                }
                presentValid = false;
            }
            return null;
        }

        private void dropPresent(Series have) {
            SampleIterator it = have.iterator(reuse);
            reuse = it;
            if (buf.n == 0 || !it.seek(buf.t[0])) {
                return;
            }
            int m = 0;
            boolean more = true;
            for (int k = 0; k < buf.n; k++) {
                long t = buf.t[k];
                if (more && it.t() < t) {
                    more = it.seek(t);
                }
                if (more && it.t() == t) {
                    skipped++;
                    if (Double.doubleToRawLongBits(it.v()) != Double.doubleToRawLongBits(buf.v[k])) {
                        conflicts++;
                    }
                    continue;
                }
                buf.t[m] = t;
                buf.v[m++] = buf.v[k];
            }
            buf.n = m;
        }

        @Override
        public Series at() {
            return current;
        }

        /** The current series' samples, straight from the buffer. */
        private final class ArraySeries implements Series {
            Labels labels;

            @Override
            public Labels labels() {
                return labels;
            }

            @Override
            public SampleIterator iterator(SampleIterator unused) {
                return new SampleIterator() {
                    private int k = -1;

                    @Override
                    public boolean next() {
                        return ++k < buf.n;
                    }

                    @Override
                    public boolean seek(long t) {
                        if (k < 0) {
                            k = 0;
                        }
                        while (k < buf.n && buf.t[k] < t) {
                            k++;
                        }
                        return k < buf.n;
                    }

                    @Override
                    public long t() {
                        return buf.t[k];
                    }

                    @Override
                    public double v() {
                        return buf.v[k];
                    }

                    @Override
                    public int nextBatch(long[] t, double[] v, int off, int max) {
                        int from = k + 1;
                        int n = Math.max(0, Math.min(max, buf.n - from));
                        System.arraycopy(buf.t, from, t, off, n);
                        System.arraycopy(buf.v, from, v, off, n);
                        k = from + n - 1;
                        if (n < max) {
                            k = buf.n;
                        }
                        return n;
                    }
                };
            }
        }
    }
}
