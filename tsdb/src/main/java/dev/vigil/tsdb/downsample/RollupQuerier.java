package dev.vigil.tsdb.downsample;

import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.Querier;
import dev.vigil.tsdb.SampleIterator;
import dev.vigil.tsdb.SelectHints;
import dev.vigil.tsdb.Series;
import dev.vigil.tsdb.SeriesSet;
import dev.vigil.tsdb.block.Block;
import dev.vigil.tsdb.block.chunks.ChunkReader;
import dev.vigil.tsdb.block.index.ChunkMeta;
import dev.vigil.tsdb.block.index.PostingsForMatchers;
import dev.vigil.tsdb.io.MalformedException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.roaringbitmap.IntIterator;

/**
 * Reads one aggregate of one rollup block as if it were samples: each window is a sample at the
 * time of its last raw sample, with the aggregate's value. Over the closed range [mint, maxt].
 */
public final class RollupQuerier implements Querier {
    private final Block block;
    private final Aggregate agg;
    private final long mint;
    private final long maxt;
    private final DecodedColumns cache;

    public RollupQuerier(Block block, Aggregate agg, long mint, long maxt) {
        this(block, agg, mint, maxt, null);
    }

    /** @param cache decoded columns shared by queries, or null to decode every time */
    public RollupQuerier(Block block, Aggregate agg, long mint, long maxt, DecodedColumns cache) {
        this.block = block;
        this.agg = agg;
        this.mint = mint;
        this.maxt = maxt;
        this.cache = cache;
    }

    @Override
    public SeriesSet select(boolean sorted, SelectHints hints, Matcher... matchers) {
        if (!block.meta().overlaps(mint, maxt)) {
            return SeriesSet.EMPTY;
        }
        IntIterator ids;
        try {
            ids = PostingsForMatchers.select(block.index(), matchers).getIntIterator();
        } catch (MalformedException e) {
            throw block.damaged(e.getMessage(), e);
        }
        return new SeriesSet() {
            private final List<ChunkMeta> metas = new ArrayList<>();
            private Series cur;

            @Override
            public boolean next() {
                while (ids.hasNext()) {
                    metas.clear();
                    Labels labels;
                    try {
                        labels = block.index().series(ids.next(), metas);
                    } catch (MalformedException e) {
                        throw block.damaged(e.getMessage(), e);
                    }
                    List<ChunkMeta> in = new ArrayList<>();
                    for (ChunkMeta m : metas) {
                        if (m.maxt() >= mint && m.mint() <= maxt) {
                            in.add(m);
                        }
                    }
                    if (!in.isEmpty()) {
                        cur = new RollupSeries(labels, in);
                        return true;
                    }
                }
                return false;
            }

            @Override
            public Series at() {
                return cur;
            }
        };
    }

    @Override
    public List<String> labelNames(Matcher... matchers) {
        return block.querier(mint, maxt).labelNames(matchers);
    }

    @Override
    public List<String> labelValues(String name, Matcher... matchers) {
        return block.querier(mint, maxt).labelValues(name, matchers);
    }

    @Override
    public void close() {
    }

    private final class RollupSeries implements Series {
        private final Labels labels;
        private final List<ChunkMeta> chunks;

        RollupSeries(Labels labels, List<ChunkMeta> chunks) {
            this.labels = labels;
            this.chunks = chunks;
        }

        @Override
        public Labels labels() {
            return labels;
        }

        @Override
        public SampleIterator iterator(SampleIterator reuse) {
            return new Iter(chunks);
        }
    }

    /**
     * The raw value of the last sample of the series in this block, as far as the iterator
     * {@code it} (from this querier, run to its end) has seen: stored when resets were added back
     * to the counter, else the last counter value itself. NaN when unknown.
     */
    static double lastRaw(SampleIterator it) {
        if (!(it instanceof RollupQuerier.Iter r) || r.n == 0) {
            return Double.NaN;
        }
        return r.lastRaw;
    }

    /** Reads one chunk's column at a time, from the cache when it has it. */
    private final class Iter implements SampleIterator {
        private final List<ChunkMeta> chunks;
        private ChunkReader.Cursor cursor;
        private AggregateChunk codec;
        private AggregateChunk.Decoded d;
        private int chunk = -1;
        private int i;
        private int n;
        private long[] ts;
        private double[] col;
        private double lastRaw;

        Iter(List<ChunkMeta> chunks) {
            this.chunks = chunks;
        }

        @Override
        public boolean next() {
            while (true) {
                if (++i < n) {
                    if (ts[i] > maxt) {
                        n = 0;
                        chunk = chunks.size();
                        return false;
                    }
                    if (ts[i] >= mint) {
                        return true;
                    }
                    continue;
                }
                if (chunk >= chunks.size() || ++chunk >= chunks.size()) {
                    i = n;
                    return false;
                }
                load(chunks.get(chunk).ref());
                i = -1;
            }
        }

        private void load(long ref) {
            String ulid = block.meta().ulid();
            DecodedColumns.Column c = cache != null ? cache.get(ulid, ref, agg) : null;
            if (c == null) {
                c = decode(ref);
                if (cache != null) {
                    c = new DecodedColumns.Column(Arrays.copyOf(c.t(), c.n()),
                            Arrays.copyOf(c.v(), c.n()), c.n(), c.lastRaw());
                    cache.put(ulid, ref, agg, c);
                }
            }
            ts = c.t();
            col = c.v();
            n = c.n();
            lastRaw = c.lastRaw();
        }

        /** The chunk's column in this iterator's own (reused) arrays. */
        private DecodedColumns.Column decode(long ref) {
            if (cursor == null) {
                cursor = block.chunks().new Cursor();
                codec = new AggregateChunk();
                d = new AggregateChunk.Decoded();
            }
            int m;
            try {
                m = cursor.read(ref, (enc, data, sameAs) -> codec.decode(enc, data, sameAs, d));
            } catch (MalformedException e) {
                throw block.damaged("series in rollup: " + e.getMessage(), e);
            }
            double raw = Double.isNaN(d.lastRaw) ? d.counter[m - 1] : d.lastRaw;
            return new DecodedColumns.Column(d.t, agg.column(d), m, raw);
        }

        @Override
        public int nextBatch(long[] t, double[] v, int off, int max) {
            int got = 0;
            while (got < max) {
                int from = i + 1;
                if (from >= 0 && from < n && ts[from] >= mint) {
                    // Copy the rest of this chunk up to maxt in one go.
                    int end = Math.min(n, from + (max - got));
                    int to = from;
                    while (to < end && ts[to] <= maxt) {
                        to++;
                    }
                    int k = to - from;
                    if (k > 0) {
                        System.arraycopy(ts, from, t, off + got, k);
                        System.arraycopy(col, from, v, off + got, k);
                        got += k;
                        i = to - 1;
                        continue;
                    }
                }
                if (!next()) {
                    return got;
                }
                t[off + got] = ts[i];
                v[off + got] = col[i];
                got++;
            }
            return got;
        }

        @Override
        public boolean seek(long t) {
            if (chunk >= 0 && chunk < chunks.size() && i >= 0 && i < n && ts[i] >= t) {
                return true;
            }
            while (next()) {
                if (ts[i] >= t) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long t() {
            return ts[i];
        }

        @Override
        public double v() {
            return col[i];
        }
    }
}
