package dev.vigil.bench.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.bench.flink.Cluster;
import dev.vigil.bench.flink.ClusterSpec;
import dev.vigil.bench.flink.Reporter;
import dev.vigil.bench.load.RemoteWriteBody;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.xerial.snappy.Snappy;

/**
 * The sink counts exactly the series and samples of a real TaskManager's remote-write request
 * (the generator's, one sample per series), shows them on /metrics, and refuses with a 400 what
 * is not snappy or not a WriteRequest without counting it.
 */
class RemoteWriteSinkTest {
    @Test
    void countsEverySampleOfARequestAndRefusesWhatItCannotRead() throws Exception {
        Reporter r = new Cluster(ClusterSpec.defaults(2), 1_700_000_000_000L).reporters().get(1);
        RemoteWriteBody body = new RemoteWriteBody();
        body.render(r, 1_700_000_010_000L);
        byte[] request = Arrays.copyOf(body.array(), body.length());
        try (RemoteWriteSink sink = new RemoteWriteSink(new InetSocketAddress("127.0.0.1", 0), 1)) {
            String base = "http://127.0.0.1:" + sink.port();
            HttpClient http = HttpClient.newHttpClient();
            assertEquals(204, post(http, base, request).statusCode());
            assertEquals(204, post(http, base, request).statusCode());
            assertEquals(2L * r.sampleCount(), sink.samples.sum());
            assertEquals(2L * r.sampleCount(), sink.series.sum());

            HttpResponse<String> notSnappy = post(http, base, "not snappy".getBytes());
            assertEquals(400, notSnappy.statusCode());
            assertTrue(notSnappy.body().startsWith("body is not a snappy block"), notSnappy.body());
            byte[] raw = Snappy.uncompress(request);
            HttpResponse<String> cut = post(http, base, Snappy.compress(Arrays.copyOf(raw, raw.length - 3)));
            assertEquals(400, cut.statusCode());
            assertTrue(cut.body().startsWith("body is not a WriteRequest"), cut.body());
            assertEquals(2L * r.sampleCount(), sink.samples.sum(), "refused requests are not counted");

            String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("sink_samples_total " + 2L * r.sampleCount() + "\n"), metrics);
            assertTrue(metrics.contains("sink_refused_total 2\n"), metrics);
            assertTrue(metrics.contains("sink_uncompressed_bytes_total " + 2L * raw.length + "\n"), metrics);
        }
    }

    private static HttpResponse<String> post(HttpClient http, String base, byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/write")).header("Content-Encoding", "snappy")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
