package dev.vigil.server.http.tls;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Pumps push-sized TLS records through an in-memory engine pair (the listener's own context on
 * the server side) at start, so that C2 has compiled the JDK's AES-GCM record path before the
 * first pushes arrive. The GHASH and AES intrinsics apply only inside C2-compiled callers; without
 * this a fresh server decrypts its first minute or two of pushes with GHASH in plain Java, up to
 * half of its CPU (docs/PERFORMANCE-push.md). Buffers are direct and of Undertow's 17 KB size,
 * as its SSL conduit uses, since the JDK takes a different path for direct buffers.
 */
public final class TlsWarmup {
    private static final Logger LOG = Logger.getLogger(TlsWarmup.class.getName());
    /** Undertow's SSL conduit reads records into pooled direct buffers of this size. */
    private static final int NET_BUFFER = 17 * 1024;
    /** A full TLS record's plaintext: what a large push body is cut into. */
    private static final int RECORD = 16 * 1024;
    /** Records of a request: a push body of 4 full records and a shorter last one, as the flood's. */
    private static final int FULL_RECORDS = 4;

    /** What a run did: records pumped each way, the protocols and suites it went through, thread CPU. */
    public record Result(int records, List<String> sessions, long cpuNanos) {
    }

    private final SSLContext server;
    private final int recordsPerProtocol;
    private final long cpuBudgetNanos;

    /**
     * @param server the listener's context; each engine it makes is configured as a connection's
     * @param recordsPerProtocol records each way per protocol (more stops being useful once compiled)
     * @param cpuBudgetNanos thread CPU after which the run stops, whatever it reached
     */
    public TlsWarmup(SSLContext server, int recordsPerProtocol, long cpuBudgetNanos) {
        this.server = server;
        this.recordsPerProtocol = recordsPerProtocol;
        this.cpuBudgetNanos = cpuBudgetNanos;
    }

    /** Starts {@link #run} on a low-priority daemon thread; it logs one line when done and never throws. */
    public void start(BooleanSupplier stop) {
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                Result r = run(stop);
                LOG.info(String.format("TLS warm-up: %d records each way over %s in %d ms (%d ms CPU)", r.records(),
                        r.sessions(), (System.nanoTime() - t0) / 1_000_000, r.cpuNanos() / 1_000_000));
            } catch (Exception | LinkageError e) {
                // Only the warm-up is lost; the message names an engine state, never key material.
                LOG.log(Level.FINE, "TLS warm-up skipped: " + e);
            }
        }, "tls-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /**
     * Runs in the calling thread: TLS 1.2 first when the listener allows it, then 1.3, which push
     * clients negotiate: switching record layers makes C2 drop some methods compiled for the
     * first, so the one that matters goes last and leaves them compiled for it.
     */
    public Result run(BooleanSupplier stop) throws SSLException, java.security.GeneralSecurityException {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        boolean cpu = mx.isCurrentThreadCpuTimeSupported();
        long c0 = cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime();
        // The client's only peer is the server engine made from the listener's own context, in
        // memory on this thread: there is no one else whose certificate to check, so it is the
        // scrape client's insecure_skip_verify context.
        SSLContext client = dev.vigil.ingest.scrape.TlsContexts.of(
                new dev.vigil.ingest.scrape.ScrapeJob.TlsConfig("", "", "", "", true));
        List<String> enabled = List.of(server.createSSLEngine().getEnabledProtocols());
        List<String> sessions = new ArrayList<>();
        int records = 0;
        for (String protocol : List.of("TLSv1.2", "TLSv1.3")) {
            if (!enabled.contains(protocol)) {
                continue;
            }
            Pair p = new Pair(server, client, protocol);
            sessions.add(p.handshake());
            for (int i = 0; i < recordsPerProtocol && !stop.getAsBoolean(); i++) {
                p.record(i);
                records++;
                if (i % 64 == 63 && (cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - c0 > cpuBudgetNanos) {
                    return new Result(records, sessions, (cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - c0);
                }
            }
        }
        return new Result(records, sessions, (cpu ? mx.getCurrentThreadCpuTime() : System.nanoTime()) - c0);
    }

    /** A server engine from the listener's context and a client engine, joined by two buffers. */
    private static final class Pair {
        private final SSLEngine server;
        private final SSLEngine client;
        private final ByteBuffer toServer = ByteBuffer.allocateDirect(NET_BUFFER);
        private final ByteBuffer toClient = ByteBuffer.allocateDirect(NET_BUFFER);
        private final ByteBuffer body = ByteBuffer.allocate(RECORD);
        private final ByteBuffer response = ByteBuffer.allocate(256);
        private final ByteBuffer heapIn = ByteBuffer.allocate(RECORD + 1024);
        private final ByteBuffer directIn = ByteBuffer.allocateDirect(RECORD + 1024);
        private final ByteBuffer empty = ByteBuffer.allocate(0);

        Pair(SSLContext serverCtx, SSLContext clientCtx, String protocol) {
            server = serverCtx.createSSLEngine();
            // The warm-up has no client certificate; a listener that requires one still warms its ciphers.
            server.setWantClientAuth(false);
            client = clientCtx.createSSLEngine("127.0.0.1", 443);
            client.setUseClientMode(true);
            SSLParameters cp = client.getSSLParameters();
            cp.setProtocols(new String[] {protocol});
            client.setSSLParameters(cp);
            body.put(new byte[RECORD]).flip();
            response.put(new byte[180]).flip();
        }

        /** Returns the negotiated protocol and suite. */
        String handshake() throws SSLException {
            server.beginHandshake();
            client.beginHandshake();
            for (int i = 0; i < 100 && (busy(client) || busy(server)); i++) {
                toServer.clear();
                client.wrap(empty, toServer);
                runTasks(client);
                toServer.flip();
                feed(server, toServer);
                toClient.clear();
                server.wrap(empty, toClient);
                runTasks(server);
                toClient.flip();
                feed(client, toClient);
            }
            if (busy(client) || busy(server)) {
                throw new SSLException("in-memory handshake did not finish");
            }
            return server.getSession().getProtocol() + " " + server.getSession().getCipherSuite();
        }

        /**
         * One record of a push body to the server (every fifth a shorter last one), decrypted into a
         * heap or a direct buffer alternately; after each body a small response back to the client.
         */
        void record(int i) throws SSLException {
            int len = i % (FULL_RECORDS + 1) == FULL_RECORDS ? 1 + (i * 997) % RECORD : RECORD;
            body.limit(len).position(0);
            toServer.clear();
            check(client.wrap(body, toServer));
            toServer.flip();
            check(server.unwrap(toServer, (i & 1) == 0 ? heapIn.clear() : directIn.clear()));
            if (len != RECORD) {
                response.position(0);
                toClient.clear();
                check(server.wrap(response, toClient));
                toClient.flip();
                check(client.unwrap(toClient, heapIn.clear()));
            }
        }

        /** Unwraps every handshake record in {@code in}. */
        private void feed(SSLEngine e, ByteBuffer in) throws SSLException {
            while (in.hasRemaining()) {
                SSLEngineResult r = e.unwrap(in, heapIn.clear());
                runTasks(e);
                if (r.bytesConsumed() == 0) {
                    return;
                }
            }
        }

        private static void check(SSLEngineResult r) throws SSLException {
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("in-memory record: " + r.getStatus());
            }
        }

        private static boolean busy(SSLEngine e) {
            SSLEngineResult.HandshakeStatus h = e.getHandshakeStatus();
            return h != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING && h != SSLEngineResult.HandshakeStatus.FINISHED;
        }

        private static void runTasks(SSLEngine e) {
            Runnable task;
            while ((task = e.getDelegatedTask()) != null) {
                task.run();
            }
        }
    }
}
