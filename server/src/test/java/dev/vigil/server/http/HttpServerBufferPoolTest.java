package dev.vigil.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.undertow.connector.ByteBufferPool;
import io.undertow.connector.PooledByteBuffer;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpServerBufferPoolTest {
    private static <T> T onNewThread(java.util.function.Supplier<T> s) throws InterruptedException {
        AtomicReference<T> r = new AtomicReference<>();
        Thread t = new Thread(() -> r.set(s.get()));
        t.start();
        t.join();
        return r.get();
    }

    @Test
    void aBufferReleasedOnAnotherThreadIsReusedNotFreed() throws Exception {
        ByteBufferPool pool = HttpServer.bufferPool(1L << 30);
        // As a request's read buffer: taken by the I/O thread, released by the API pool's thread.
        PooledByteBuffer taken = onNewThread(pool::allocate);
        ByteBuffer first = taken.getBuffer();
        onNewThread(() -> {
            taken.close();
            return null;
        });
        ByteBuffer next = onNewThread(() -> pool.allocate().getBuffer());
        assertSame(first, next, "the released buffer serves the next request");
    }

    @Test
    void sizedAsUndertowSizesThemForTheHeap() {
        ByteBuffer big = HttpServer.bufferPool(1L << 30).allocate().getBuffer();
        assertTrue(big.isDirect());
        assertEquals(16364, big.capacity());
        assertEquals(1024, HttpServer.bufferPool(100L << 20).allocate().getBuffer().capacity());
        ByteBuffer small = HttpServer.bufferPool(32L << 20).allocate().getBuffer();
        assertFalse(small.isDirect());
        assertEquals(512, small.capacity());
    }

    @Test
    void keepsAtMostItsShareOfReleasedBuffers() throws Exception {
        ByteBufferPool pool = HttpServer.bufferPool(1L << 30);
        int n = HttpServer.SHARED_BUFFERS + 10;
        PooledByteBuffer[] taken = onNewThread(() -> {
            PooledByteBuffer[] t = new PooledByteBuffer[n];
            for (int i = 0; i < n; i++) {
                t[i] = pool.allocate();
            }
            return t;
        });
        java.util.Set<ByteBuffer> released = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        onNewThread(() -> {
            for (PooledByteBuffer b : taken) {
                released.add(b.getBuffer());
                b.close();
            }
            return null;
        });
        int reused = onNewThread(() -> {
            int k = 0;
            for (int i = 0; i < n; i++) {
                if (released.contains(pool.allocate().getBuffer())) {
                    k++;
                }
            }
            return k;
        });
        assertTrue(reused >= HttpServer.SHARED_BUFFERS && reused < n, "reused " + reused + " of " + n);
    }
}
