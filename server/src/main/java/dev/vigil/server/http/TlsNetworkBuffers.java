package dev.vigil.server.http;

import io.undertow.Undertow;
import io.undertow.connector.ByteBufferPool;
import io.undertow.server.DefaultByteBufferPool;
import java.lang.reflect.Field;
import java.util.logging.Logger;

/**
 * Gives an HTTPS listener's TLS conduits 256 KB heap network buffers instead of Undertow's fixed
 * 17 KB direct ones. With 17 KB the conduit reads the socket once per 16 KB record (a flood's
 * TLS push took 11x the read syscalls of plain HTTP); with 256 KB one read takes what has arrived,
 * as plain reads do, and the records are decrypted from a heap array, which the JDK's AES-GCM does
 * faster than from a direct buffer. The conduit itself (handshake, client certificates, ALPN,
 * close_notify, renegotiation) is Undertow's, unchanged; only its buffer pool is swapped, which
 * Undertow's builder does not expose, so this reaches the accepting channel's pool field and
 * leaves Undertow's own buffers (with a warning) when a future Undertow has moved it.
 */
final class TlsNetworkBuffers {
    private static final Logger LOG = Logger.getLogger(TlsNetworkBuffers.class.getName());
    /** Bytes per buffer; {@code -Dvigil.tlsReadBuffer=0} keeps Undertow's own (for an A/B). */
    static final int BYTES = Integer.getInteger("vigil.tlsReadBuffer", 256 << 10);
    /**
     * Idle buffers kept beyond the threads' own caches (16 MiB); a connection holds one only
     * while a record of its request is partly read, more than this are left to the collector.
     */
    private static final int KEEP = 64;

    private TlsNetworkBuffers() {
    }

    /** Swaps the pool of every HTTPS listener of {@code u}; false when Undertow's were kept. */
    static boolean apply(Undertow u) {
        if (BYTES <= 0) {
            return false;
        }
        ByteBufferPool pool = new DefaultByteBufferPool(false, BYTES, KEEP, 2);
        boolean all = true;
        for (Undertow.ListenerInfo info : u.getListenerInfo()) {
            if (info.getSslContext() == null) {
                continue;
            }
            all &= swap(info, pool);
        }
        return all;
    }

    private static boolean swap(Undertow.ListenerInfo info, ByteBufferPool pool) {
        try {
            Object accepting = field(Undertow.ListenerInfo.class, "channel").get(info);
            Field f = field(Class.forName("io.undertow.protocols.ssl.UndertowAcceptingSslChannel"), "applicationBufferPool");
            if (!f.getDeclaringClass().isInstance(accepting) || !ByteBufferPool.class.isAssignableFrom(f.getType())) {
                throw new NoSuchFieldException("applicationBufferPool on " + accepting.getClass().getName());
            }
            f.set(accepting, pool);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warning("TLS listener " + info.getAddress() + " keeps Undertow's 17 KB network buffers (" + e
                    + "): TLS pushes cost more CPU");
            return false;
        }
    }

    private static Field field(Class<?> c, String name) throws NoSuchFieldException {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
