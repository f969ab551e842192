package dev.vigil.server.remoteread;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.tsdb.prometheus.XorChunkDecoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chunk format is Prometheus's own: blocks written by the real promtool 2.42 hold XOR chunks
 * that decode to the samples it was given, and encoding those samples again gives the same bytes.
 */
class PromtoolChunksTest {
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @TempDir
    Path dir;

    @Test
    void encoderWritesTheBytesPrometheusWrites() throws Exception {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool not installed");
        Random r = new Random(11);
        List<Long> inT = new ArrayList<>();
        List<Double> inV = new ArrayList<>();
        StringBuilder om = new StringBuilder("# TYPE m gauge\n");
        long t = 1_700_000_000_000L;
        double counter = 0;
        for (int i = 0; i < 900; i++) {
            t += i % 97 == 3 ? 600_000 + r.nextInt(100_000) : switch (i % 7) {
                case 0 -> 15_000;
                case 1 -> 15_000 + r.nextInt(2000) - 1000;
                case 2 -> 1;
                default -> 15_000;
            };
            double v = switch (i % 6) {
                case 0 -> counter += r.nextInt(1000);
                case 1 -> Double.NaN;
                case 2 -> r.nextGaussian() * 1e300;
                case 3 -> -0.000123 * i;
                case 4 -> 7;
                default -> counter;
            };
            inT.add(t);
            inV.add(v);
            om.append("m{a=\"x\"} ").append(Double.isNaN(v) ? "NaN" : Double.toString(v)).append(' ')
                    .append(String.format(Locale.ROOT, "%d.%03d", t / 1000, t % 1000)).append('\n');
        }
        om.append("# EOF\n");
        Path in = dir.resolve("in.om");
        Files.writeString(in, om);
        Process p = new ProcessBuilder(PROMTOOL.toString(), "tsdb", "create-blocks-from", "openmetrics", in.toString(),
                dir.resolve("blocks").toString()).redirectErrorStream(true).redirectOutput(dir.resolve("promtool.log").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, Files.readString(dir.resolve("promtool.log")));

        List<Long> outT = new ArrayList<>();
        List<Double> outV = new ArrayList<>();
        int chunks = 0;
        List<Path> segments;
        try (Stream<Path> s = Files.walk(dir.resolve("blocks"))) {
            segments = s.filter(f -> f.getParent().getFileName().toString().equals("chunks")).sorted().toList();
        }
        assertTrue(segments.size() >= 2, "promtool wrote " + segments);
        // Blocks come in time order because their ULIDs do.
        for (Path seg : segments) {
            byte[] f = Files.readAllBytes(seg);
            int pos = 8; // magic, version, padding
            while (pos < f.length) {
                long len = 0;
                for (int shift = 0; ; shift += 7) {
                    int b = f[pos++] & 0xff;
                    len |= (long) (b & 0x7f) << shift;
                    if ((b & 0x80) == 0) {
                        break;
                    }
                }
                assertEquals(1, f[pos++], "XOR encoding");
                byte[] data = java.util.Arrays.copyOfRange(f, pos, pos + (int) len);
                pos += (int) len + 4; // data, CRC32
                XorChunkDecoder.Samples s = XorChunkDecoder.decode(data);
                PromXorChunk mine = new PromXorChunk();
                for (int i = 0; i < s.t().size(); i++) {
                    mine.append(s.t().get(i), s.v().get(i));
                }
                assertArrayEquals(data, mine.toBytes(), "chunk " + chunks + " of " + seg);
                outT.addAll(s.t());
                outV.addAll(s.v());
                chunks++;
            }
        }
        assertTrue(chunks > segments.size(), "several chunks per block: " + chunks);
        assertEquals(inT, outT);
        for (int i = 0; i < inV.size(); i++) {
            if (Double.isNaN(inV.get(i))) {
                assertTrue(Double.isNaN(outV.get(i)), "sample " + i);
            } else {
                assertEquals(inV.get(i), outV.get(i), "sample " + i);
            }
        }
    }
}
