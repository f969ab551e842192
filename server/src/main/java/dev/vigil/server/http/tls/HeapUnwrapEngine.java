package dev.vigil.server.http.tls;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * The JDK's engine, given its network bytes in a heap buffer. Undertow reads TLS records into
 * direct buffers; the JDK 17 AES-GCM decrypts a direct buffer by copying it 1 KB at a time into
 * fresh arrays for GHASH (a call site seen running as plain Java, 37 % of a flooded server's CPU in
 * {@code GHASH.blockMult}, a minute into a run at load 30). One copy of each record into a
 * per-thread heap buffer puts decryption on the array path: 0.166 → 0.152 µs per pushed sample
 * with AES-128-GCM on this machine ({@code bench/scripts/tls-unwrap-cost.sh}).
 */
final class HeapUnwrapEngine extends SSLEngine {
    /** One record and the start of the next: Undertow's network buffers are 17 KB. */
    private static final int INITIAL = 17 << 10;
    private static final ThreadLocal<ByteBuffer[]> HEAP = ThreadLocal.withInitial(() -> new ByteBuffer[1]);

    private final SSLEngine e;

    HeapUnwrapEngine(SSLEngine e) {
        super(e.getPeerHost(), e.getPeerPort());
        this.e = e;
    }

    @Override
    public SSLEngineResult unwrap(ByteBuffer src, ByteBuffer[] dsts, int offset, int length) throws SSLException {
        if (!src.isDirect()) {
            return e.unwrap(src, dsts, offset, length);
        }
        ByteBuffer[] slot = HEAP.get();
        ByteBuffer heap = slot[0];
        if (heap == null || heap.capacity() < src.remaining()) {
            heap = ByteBuffer.allocate(Math.max(INITIAL, src.remaining()));
            slot[0] = heap;
        }
        heap.clear();
        heap.put(src.duplicate());
        heap.flip();
        SSLEngineResult r = e.unwrap(heap, dsts, offset, length);
        src.position(src.position() + r.bytesConsumed());
        return r;
    }

    @Override
    public SSLEngineResult wrap(ByteBuffer[] srcs, int offset, int length, ByteBuffer dst) throws SSLException {
        return e.wrap(srcs, offset, length, dst);
    }

    @Override
    public Runnable getDelegatedTask() {
        return e.getDelegatedTask();
    }

    @Override
    public void closeInbound() throws SSLException {
        e.closeInbound();
    }

    @Override
    public boolean isInboundDone() {
        return e.isInboundDone();
    }

    @Override
    public void closeOutbound() {
        e.closeOutbound();
    }

    @Override
    public boolean isOutboundDone() {
        return e.isOutboundDone();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return e.getSupportedCipherSuites();
    }

    @Override
    public String[] getEnabledCipherSuites() {
        return e.getEnabledCipherSuites();
    }

    @Override
    public void setEnabledCipherSuites(String[] suites) {
        e.setEnabledCipherSuites(suites);
    }

    @Override
    public String[] getSupportedProtocols() {
        return e.getSupportedProtocols();
    }

    @Override
    public String[] getEnabledProtocols() {
        return e.getEnabledProtocols();
    }

    @Override
    public void setEnabledProtocols(String[] protocols) {
        e.setEnabledProtocols(protocols);
    }

    @Override
    public SSLSession getSession() {
        return e.getSession();
    }

    @Override
    public SSLSession getHandshakeSession() {
        return e.getHandshakeSession();
    }

    @Override
    public void beginHandshake() throws SSLException {
        e.beginHandshake();
    }

    @Override
    public SSLEngineResult.HandshakeStatus getHandshakeStatus() {
        return e.getHandshakeStatus();
    }

    @Override
    public void setUseClientMode(boolean mode) {
        e.setUseClientMode(mode);
    }

    @Override
    public boolean getUseClientMode() {
        return e.getUseClientMode();
    }

    @Override
    public void setNeedClientAuth(boolean need) {
        e.setNeedClientAuth(need);
    }

    @Override
    public boolean getNeedClientAuth() {
        return e.getNeedClientAuth();
    }

    @Override
    public void setWantClientAuth(boolean want) {
        e.setWantClientAuth(want);
    }

    @Override
    public boolean getWantClientAuth() {
        return e.getWantClientAuth();
    }

    @Override
    public void setEnableSessionCreation(boolean flag) {
        e.setEnableSessionCreation(flag);
    }

    @Override
    public boolean getEnableSessionCreation() {
        return e.getEnableSessionCreation();
    }

    @Override
    public SSLParameters getSSLParameters() {
        return e.getSSLParameters();
    }

    @Override
    public void setSSLParameters(SSLParameters params) {
        e.setSSLParameters(params);
    }

    @Override
    public String getApplicationProtocol() {
        return e.getApplicationProtocol();
    }

    @Override
    public String getHandshakeApplicationProtocol() {
        return e.getHandshakeApplicationProtocol();
    }

    @Override
    public void setHandshakeApplicationProtocolSelector(BiFunction<SSLEngine, List<String>, String> selector) {
        // The JDK hands the selector its own engine; callers (Undertow's ALPN) expect this one.
        e.setHandshakeApplicationProtocolSelector(selector == null ? null : (engine, protocols) -> selector.apply(this, protocols));
    }

    @Override
    public BiFunction<SSLEngine, List<String>, String> getHandshakeApplicationProtocolSelector() {
        return e.getHandshakeApplicationProtocolSelector();
    }
}
