package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
