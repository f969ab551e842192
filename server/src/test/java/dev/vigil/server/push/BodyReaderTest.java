package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BodyReaderTest {
    @Test
    void bufferGrowsByDoublingAndNeverPastOneByteOverTheLimit() {
        BodyReader.Buffer b = new BodyReader.Buffer();
        assertEquals(64 << 10, b.b.length);
        b.grow(b.b.length, 64L << 20);
        assertEquals(128 << 10, b.b.length);
        b.grow(b.b.length, 200_000);
        assertEquals(200_001, b.b.length);
        b.grow(b.b.length, 0);
        assertEquals(400_002, b.b.length);
    }

    @Test
    void largeBuffersAreDroppedWhenGivenBack() {
        BodyReader r = new BodyReader();
        BodyReader.Buffer b = r.take();
        b.b = new byte[BodyReader.Buffer.KEEP_BYTES + 1];
        r.give(b);
        assertEquals(64 << 10, r.take().b.length);
    }

    @Test
    void aZeroReadIsRetriedOnceBeforeWaitingAndTheBodyArrivesWhole() throws Exception {
        // 0 = nothing this time (as SslConduit answers when its buffer ends inside a TLS record), -1 = end.
        ArrayDeque<Integer> reads = new ArrayDeque<>(List.of(0, 5, 0, 0, 3, 0, 0, 0, 2, -1));
        int[] awaits = {0};
        byte[] body = "0123456789".getBytes();
        int[] at = {0};
        BodyReader.Source src = new BodyReader.Source() {
            @Override
            public int read(byte[] b, int off, int len) {
                int r = reads.remove();
                if (r > 0) {
                    System.arraycopy(body, at[0], b, off, r);
                    at[0] += r;
                }
                return r;
            }

            @Override
            public void await() {
                awaits[0]++;
            }
        };
        BodyReader.Buffer b = new BodyReader.Buffer();
        BodyReader.read(src, 0, b);
        assertEquals("0123456789", new String(Arrays.copyOf(b.b, b.len)));
        // One wait for each second 0 in a row: 0,0 once and 0,0,0 once.
        assertEquals(2, awaits[0]);
    }
}
