package dev.vigil.server.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.ingest.remote.RemoteWriteDecoder;
import dev.vigil.tsdb.Labels;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A batch in which series repeat is written as one TimeSeries per series holding its samples in
 * queue order, series in the order of their first sample; the receiving decoder reads every
 * sample back once, with its own series' labels (timestamps of every varint size included).
 */
class SeriesGroupsTest {
    @Test
    void repeatedSeriesShareOneTimeSeriesInQueueOrder() throws Exception {
        SeriesTable table = new SeriesTable();
        table.put(3, WriteRequestEncoder.series(Labels.of("__name__", "a", "tm", "1")));
        table.put(70_000, WriteRequestEncoder.series(Labels.of("__name__", "b")));
        table.put(5, WriteRequestEncoder.series(Labels.of("__name__", "c")));
        int[] refs = {3, 70_000, 3, 5, 3, 70_000};
        long[] ts = {1_700_000_000_000L, 1_700_000_000_001L, 1_700_000_000_010L, -7L, 1_700_000_000_020L, Long.MAX_VALUE / 4};
        long[] bits = new long[refs.length];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = Double.doubleToRawLongBits(i + 0.5);
        }
        assertEquals(List.of("a{tm=\"1\"} 1700000000000=0.5 1700000000010=2.5 1700000000020=4.5",
                "b{} 1700000000001=1.5 " + Long.MAX_VALUE / 4 + "=5.5",
                "c{} -7=3.5"), encodeAndDecode(table, refs, ts, bits, refs.length));
    }

    @Test
    void aBatchOfDistinctSeriesKeepsOneSamplePerTimeSeries() throws Exception {
        SeriesTable table = new SeriesTable();
        int n = 600;
        int[] refs = new int[n];
        long[] ts = new long[n];
        long[] bits = new long[n];
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            refs[i] = 1 + i * 7919 % 100_003; // distinct, spread over a table larger than the batch
            table.put(refs[i], WriteRequestEncoder.series(Labels.of("__name__", "m", "i", Integer.toString(i))));
            ts[i] = 1_700_000_000_000L + i;
            bits[i] = Double.doubleToRawLongBits(i);
            expected.add("m{i=\"" + i + "\"} " + ts[i] + "=" + (double) i);
        }
        assertEquals(expected, encodeAndDecode(table, refs, ts, bits, n));
    }

    /** One line per TimeSeries received: labels, then time=value of each of its samples. */
    static List<String> encodeAndDecode(SeriesTable table, int[] refs, long[] ts, long[] bits, int n) throws Exception {
        SeriesGroups groups = new SeriesGroups();
        WriteRequestEncoder enc = new WriteRequestEncoder();
        // Twice through the same objects: a second batch must not see the first's groups.
        for (int round = 0; round < 2; round++) {
            enc.reset();
            int g = groups.group(refs, n);
            int[] order = groups.order();
            for (int i = 0; i < g; i++) {
                enc.timeSeries(table.get(refs[order[groups.from(i)]]), ts, bits, order, groups.from(i), groups.from(i + 1));
            }
        }
        int[] len = new int[1];
        byte[] body = enc.snappy(len);
        List<String> got = new ArrayList<>();
        new RemoteWriteDecoder().decode(body, 0, len[0], new RemoteWriteDecoder.Sink() {
            @Override
            public void series(Labels labels, long[] t, double[] vs, int count, int index) {
                StringBuilder b = new StringBuilder(labels.toString());
                for (int i = 0; i < count; i++) {
                    b.append(' ').append(t[i]).append('=').append(vs[i]);
                }
                got.add(b.toString());
            }
        });
        return got;
    }
}
