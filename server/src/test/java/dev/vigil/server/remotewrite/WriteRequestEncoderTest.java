package dev.vigil.server.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.ingest.remote.RemoteWriteDecoder;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.Metadata;
import dev.vigil.tsdb.Values;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the encoder writes is a remote-write request the decoder Vigil receives with (checked
 * against Prometheus's own requests) reads back: labels, negative and large timestamps, the
 * staleness marker's exact bits, and metadata.
 */
class WriteRequestEncoderTest {
    @Test
    void roundTripsThroughTheReceivingDecoder() throws Exception {
        WriteRequestEncoder e = new WriteRequestEncoder();
        byte[] a = WriteRequestEncoder.series(Labels.of("__name__", "flink_numRecordsIn", "job", "j\u00e9", "dc", "eu1"));
        byte[] b = WriteRequestEncoder.series(Labels.of("__name__", "up"));
        e.sample(a, 1_700_000_000_123L, Double.doubleToRawLongBits(42.5));
        e.sample(b, -5L, Double.doubleToRawLongBits(Values.STALE_NAN));
        e.sample(a, Long.MAX_VALUE / 2, Double.doubleToRawLongBits(-0.0));
        e.metadata("flink_numRecordsIn", new Metadata("counter", "Records in.", ""));
        int[] len = new int[1];
        byte[] body = e.snappy(len);
        List<String> got = new ArrayList<>();
        new RemoteWriteDecoder().decode(body, 0, len[0], new RemoteWriteDecoder.Sink() {
            @Override
            public void series(Labels labels, long[] ts, double[] vs, int count, int index) {
                for (int i = 0; i < count; i++) {
                    got.add(labels + " " + ts[i] + " " + Long.toHexString(Double.doubleToRawLongBits(vs[i])));
                }
            }

            @Override
            public void metadata(String family, String type, String help, String unit) {
                got.add(family + " " + type + " " + help + " [" + unit + "]");
            }
        });
        assertEquals(List.of(
                "flink_numRecordsIn{dc=\"eu1\", job=\"j\u00e9\"} 1700000000123 " + Long.toHexString(Double.doubleToRawLongBits(42.5)),
                "up{} -5 7ff0000000000002",
                "flink_numRecordsIn{dc=\"eu1\", job=\"j\u00e9\"} " + Long.MAX_VALUE / 2 + " 8000000000000000",
                "flink_numRecordsIn counter Records in. []"), got);
    }
}
