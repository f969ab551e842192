package dev.vigil.tsdb.block;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.chunks.ChunkReader;
import dev.vigil.tsdb.io.MalformedException;
import dev.vigil.tsdb.block.index.ChunkMeta;
import dev.vigil.tsdb.block.index.IndexReader;
import dev.vigil.tsdb.block.index.PostingsForMatchers;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.roaringbitmap.IntIterator;
import org.roaringbitmap.buffer.ImmutableRoaringBitmap;

/** A {@link Querier} over one block: postings by Roaring set algebra, series read lazily. */
final class BlockQuerier implements Querier {
    private final Block block;
    private final long mint;
    private final long maxt;

    BlockQuerier(Block block, long mint, long maxt) {
        this.block = block;
        this.mint = mint;
        this.maxt = maxt;
    }

    private boolean disjoint() {
        return !block.meta().overlaps(mint, maxt);
    }

    private ImmutableRoaringBitmap postings(Matcher... matchers) {
        try {
            return block.postingsCache().get(matchers, () -> PostingsForMatchers.select(block.index(), matchers));
        } catch (MalformedException e) {
            throw block.damaged(e.getMessage(), e);
        }
    }

    private ImmutableRoaringBitmap postingsOf(IndexReader.Values vs, int i) {
        try {
            return block.index().postings(vs, i);
        } catch (MalformedException e) {
            throw block.damaged(e.getMessage(), e);
        }
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        if (disjoint()) {
            return SeriesSet.EMPTY;
        }
        return new Set(postings(matchers).getIntIterator());
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        if (disjoint()) {
            return List.of();
        }
        if (matchers.length == 0 && mint <= block.meta().minTime() && maxt >= block.meta().maxTime() - 1) {
            return block.index().labelNames();
        }
        TreeSet<String> out = new TreeSet<>();
        SeriesSet s = select(true, null, matchers);
        while (s.next()) {
            out.addAll(s.at().labels().names());
        }
        return new ArrayList<>(out);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        if (disjoint()) {
            return List.of();
        }
        if (mint <= block.meta().minTime() && maxt >= block.meta().maxTime() - 1) {
            // The whole block is in range: every selected series counts, so the values are
            // those whose postings meet the selection; no series is read.
            IndexReader.Values vs = block.index().values(name);
            ImmutableRoaringBitmap selected = matchers.length == 0 ? null : postings(matchers);
            List<String> out = new ArrayList<>();
            for (int i = 0; vs != null && i < vs.size(); i++) {
                if (selected == null || ImmutableRoaringBitmap.intersects(selected, postingsOf(vs, i))) {
                    out.add(vs.value(i));
                }
            }
            return out;
        }
        TreeSet<String> out = new TreeSet<>();
        SeriesSet s = select(true, null, matchers);
        while (s.next()) {
            Labels l = s.at().labels();
            if (l.has(name)) {
                out.add(l.get(name));
            }
        }
        return new ArrayList<>(out);
    }

    @Override
    public void close() {
    }

    /** Series ids in order (= label order), read and time-filtered one at a time. */
    private final class Set implements SeriesSet {
        private final IntIterator ids;
        private final List<ChunkMeta> metas = new ArrayList<>();
        private BlockSeries cur;
        private BlockIterator probe;

        Set(IntIterator ids) {
            this.ids = ids;
        }

        @Override
        public boolean next() {
            while (ids.hasNext()) {
                int id = ids.next();
                metas.clear();
                Labels labels;
                try {
                    labels = block.index().series(id, metas);
                } catch (MalformedException e) {
                    throw block.damaged("series " + id + ": " + e.getMessage(), e);
                }
                int first = -1;
                int last = -1;
                boolean sure = false;
                for (int i = 0; i < metas.size(); i++) {
                    ChunkMeta c = metas.get(i);
                    if (c.maxt() >= mint && c.mint() <= maxt) {
                        if (first < 0) {
                            first = i;
                        }
                        last = i;
                        sure |= c.mint() >= mint || c.maxt() <= maxt;
                    }
                }
                if (first < 0) {
                    continue;
                }
                ChunkMeta[] cs = metas.subList(first, last + 1).toArray(new ChunkMeta[0]);
                BlockSeries s = new BlockSeries(labels, cs);
                if (!sure) {
                    // One chunk reaching past both ends of the range: decode to see whether a
                    // sample falls inside, so "has a sample in range" stays exact.
                    probe = (BlockIterator) s.iterator(probe);
                    if (!probe.next()) {
                        continue;
                    }
                }
                cur = s;
                return true;
            }
            return false;
        }

        @Override
        public Series at() {
            return cur;
        }
    }

    private final class BlockSeries implements Series {
        private final Labels labels;
        private final ChunkMeta[] chunks;

        BlockSeries(Labels labels, ChunkMeta[] chunks) {
            this.labels = labels;
            this.chunks = chunks;
        }

        @Override
        public Labels labels() {
            return labels;
        }

        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            BlockIterator it = reuse instanceof BlockIterator b ? b : new BlockIterator();
            it.reset(block, labels, chunks, mint, maxt);
            return it;
        }
    }

    /** Iterates the chunks of one series, decoding one chunk at a time into reused arrays. */
    static final class BlockIterator implements SampleIterator {
        private Block block;
        private ChunkReader.Cursor cursor;
        private Labels labels;
        private ChunkMeta[] chunks;
        private long mint;
        private long maxt;
        private long[] t = new long[0];
        private double[] v = new double[0];
        private int ci;
        private int n;
        private int i;
        private boolean done;

        void reset(Block b, Labels labels, ChunkMeta[] chunks, long mint, long maxt) {
            if (block != b) {
                cursor = b.chunks().new Cursor();
                block = b;
            }
            this.labels = labels;
            this.chunks = chunks;
            this.mint = mint;
            this.maxt = maxt;
            ci = -1;
            n = 0;
            i = 0;
            done = false;
        }

        private boolean load(int c) {
            ChunkMeta m = chunks[c];
            int want = m.samples();
            if (t.length < want) {
                int cap = Math.max(want, Math.min(t.length * 2, dev.vigil.tsdb.block.codec.ChunkCodec.MAX_SAMPLES));
                t = new long[cap];
                v = new double[cap];
            }
            try {
                n = cursor.read(m.ref(), t, v);
            } catch (MalformedException e) {
                throw block.damaged("series " + labels + ", chunk " + Long.toHexString(m.ref()) + ": " + e.getMessage(), e);
            }
            if (n != want) {
                throw block.damaged("series " + labels + ": chunk holds " + n + " samples, index says " + want, null);
            }
            ci = c;
            return true;
        }

        /** Positions at the first sample ≥ ts at or after chunk c; sets done when none in range. */
        private boolean position(int c, long ts) {
            while (c < chunks.length && chunks[c].maxt() < ts) {
                c++;
            }
            if (c >= chunks.length || chunks[c].mint() > maxt) {
                done = true;
                return false;
            }
            if (c != ci) {
                load(c);
                i = 0;
            }
            int lo = i;
            int hi = n - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (t[mid] < ts) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            i = lo;
            if (t[i] < ts) {
                return position(c + 1, ts);
            }
            if (t[i] > maxt) {
                done = true;
                return false;
            }
            return true;
        }

        @Override
        public boolean next() {
            if (done) {
                return false;
            }
            if (ci < 0) {
                return position(0, mint);
            }
            if (i + 1 < n) {
                i++;
                if (t[i] > maxt) {
                    done = true;
                    return false;
                }
                return true;
            }
            return position(ci + 1, mint);
        }

        @Override
        public boolean seek(long ts) {
            if (done) {
                return false;
            }
            long target = Math.max(ts, mint);
            if (ci >= 0 && t[i] >= target) {
                return true;
            }
            return position(Math.max(ci, 0), target);
        }

        @Override
        public int nextBatch(long[] ts, double[] vs, int off, int max) {
            if (max <= 0 || !next()) {
                return 0;
            }
            // The current chunk's decoded arrays are copied as they are, up to maxt.
            int got = 0;
            while (true) {
                int end = Math.min(n, i + (max - got));
                int stop = i;
                while (stop < end && t[stop] <= maxt) {
                    stop++;
                }
                int k = stop - i;
                System.arraycopy(t, i, ts, off + got, k);
                System.arraycopy(v, i, vs, off + got, k);
                got += k;
                i = stop - 1;
                if (stop < end) {
                    // t[stop] > maxt: nothing further is in range.
                    done = true;
                    return got;
                }
                if (got == max || !next()) {
                    return got;
                }
            }
        }

        static final int FULL = 0;
        static final int PENDING = 1;
        static final int EXHAUSTED = 2;
        private int stop;

        /** Why the last {@link #nextBatchBelow} stopped: FULL, PENDING or EXHAUSTED. */
        int stop() {
            return stop;
        }

        /**
         * Copies the samples after the current one while they are below {@code limit}. Stops
         * FULL (max copied; the last copied is current), PENDING (the current sample is the
         * first at or after limit, not copied) or EXHAUSTED.
         */
        int nextBatchBelow(long[] ts, double[] vs, int off, int max, long limit) {
            int got = 0;
            while (true) {
                if (got == max) {
                    stop = FULL;
                    return got;
                }
                if (!next()) {
                    stop = EXHAUSTED;
                    return got;
                }
                if (t[i] >= limit) {
                    stop = PENDING;
                    return got;
                }
                int end = Math.min(n, i + (max - got));
                int s = i;
                while (s < end && t[s] <= maxt && t[s] < limit) {
                    s++;
                }
                int k = s - i;
                System.arraycopy(t, i, ts, off + got, k);
                System.arraycopy(v, i, vs, off + got, k);
                got += k;
                i = s - 1;
            }
        }

        @Override
        public long t() {
            return t[i];
        }

        @Override
        public double v() {
            return v[i];
        }
    }
}
