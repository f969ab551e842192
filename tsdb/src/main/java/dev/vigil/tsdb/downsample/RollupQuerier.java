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

    public RollupQuerier(Block block, Aggregate agg, long mint, long maxt) {
        this.block = block;
        this.agg = agg;
        this.mint = mint;
        this.maxt = maxt;
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
        return Double.isNaN(r.d.lastRaw) ? r.d.counter[r.n - 1] : r.d.lastRaw;
    }

    /** Decodes one aggregate chunk at a time. */
    private final class Iter implements SampleIterator {
        private final List<ChunkMeta> chunks;
        private final ChunkReader.Cursor cursor = block.chunks().new Cursor();
        private final AggregateChunk codec = new AggregateChunk();
        private final AggregateChunk.Decoded d = new AggregateChunk.Decoded();
        private int chunk = -1;
        private int i;
        private int n;
        private double[] col;

        Iter(List<ChunkMeta> chunks) {
            this.chunks = chunks;
        }

        @Override
        public boolean next() {
            while (true) {
                if (++i < n) {
                    if (d.t[i] > maxt) {
                        n = 0;
                        chunk = chunks.size();
                        return false;
                    }
                    if (d.t[i] >= mint) {
                        return true;
                    }
                    continue;
                }
                if (++chunk >= chunks.size()) {
                    return false;
                }
                try {
                    n = cursor.read(chunks.get(chunk).ref(), (enc, data, sameAs) -> codec.decode(enc, data, sameAs, d));
                } catch (MalformedException e) {
                    throw block.damaged("series " + "in rollup: " + e.getMessage(), e);
                }
                col = agg.column(d);
                i = -1;
            }
        }

        @Override
        public boolean seek(long t) {
            if (chunk >= 0 && chunk < chunks.size() && i < n && d.t[i] >= t) {
                return true;
            }
            while (next()) {
                if (d.t[i] >= t) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public long t() {
            return d.t[i];
        }

        @Override
        public double v() {
            return col[i];
        }
    }
}
