import javax.net.ssl.*; import java.nio.ByteBuffer; import java.nio.channels.*; import java.net.*; import java.security.*;
import java.security.cert.X509Certificate; import java.io.*; import java.lang.management.*; import java.util.*;
import java.util.concurrent.atomic.*;
/**
 * What the read side of a TLS push costs the server per sample, by how it reads and unwraps,
 * over real loopback sockets: JDK SSLSocket clients (as vigil-bench and Flink's reporter: one
 * write per 16 KB record) send 968 KB bodies (457 bytes a sample) back to back on CONNS
 * connections; one server thread per connection reads them with an SSLEngine, and only the server
 * threads' CPU is counted. Variants:
 *   plain          no TLS, 256 KB reads into the body array (what plain HTTP does)
 *   conduit-17k    as Undertow's SslConduit: a 17 KB direct network buffer, one socket read, then
 *                  one record unwrapped into the body array, the rest kept for the next call
 *   conduit-256k(-heap) SslConduit's pattern with a 256 KB direct (heap) network buffer, as a listener
 *                  built on UndertowXnioSsl with a larger buffer pool would read
 *   batch-256k     a 256 KB direct network buffer, one socket read, then every whole record in it
 *                  unwrapped straight into the body array (what an own conduit could do)
 *   batch-256k-heap the same with a heap network buffer (the JDK's GCM works on arrays)
 * A fifth argument picks variants (comma-separated). Rounds alternate the variants; medians of the second half. Run by tls-read-path-cost.sh.
 */
public class TlsReadPathCost {
  static final int BODY = 968_000, SAMPLE = 457;
  static SSLContext sctx, cctx;

  public static void main(String[] a) throws Exception {
    int rounds = Integer.parseInt(a[0]); int conns = Integer.parseInt(a[2]); int seconds = Integer.parseInt(a[3]);
    KeyStore ks = KeyStore.getInstance("PKCS12"); ks.load(new FileInputStream(a[1]), "x".toCharArray());
    KeyManagerFactory k = KeyManagerFactory.getInstance("SunX509"); k.init(ks, "x".toCharArray());
    sctx = SSLContext.getInstance("TLS"); sctx.init(k.getKeyManagers(), null, null);
    cctx = SSLContext.getInstance("TLS");
    cctx.init(null, new TrustManager[]{new X509TrustManager(){public void checkClientTrusted(X509Certificate[] x,String b){} public void checkServerTrusted(X509Certificate[] x,String b){} public X509Certificate[] getAcceptedIssuers(){return new X509Certificate[0];}}}, null);
    String[] variants = a.length > 4 ? a[4].split(",") : new String[]{"plain", "conduit-17k", "conduit-256k", "conduit-256k-heap", "batch-256k", "batch-256k-heap"};
    Map<String, List<double[]>> res = new LinkedHashMap<>();
    for (String v : variants) res.put(v, new ArrayList<>());
    for (int r = 0; r < rounds; r++) for (String v : variants) res.get(v).add(run(v, conns, seconds));
    for (var e : res.entrySet()) {
      List<double[]> l = new ArrayList<>(e.getValue().subList(rounds / 2, rounds));
      double[] us = l.stream().mapToDouble(x -> x[0]).sorted().toArray(), rd = l.stream().mapToDouble(x -> x[1]).sorted().toArray(),
          rate = l.stream().mapToDouble(x -> x[2]).sorted().toArray();
      System.out.printf("%-16s server CPU per sample: median %.3f us (min %.3f), bytes per socket read median %,.0f, %,.0f samples/s (last %d rounds)%n",
          e.getKey(), us[us.length / 2], us[0], rd[rd.length / 2], rate[rate.length / 2], l.size());
    }
  }

  /** One variant for {@code seconds}: {us per sample, bytes per read, samples/s}. */
  static double[] run(String v, int conns, int seconds) throws Exception {
    boolean tls = !v.equals("plain");
    ServerSocketChannel ss = ServerSocketChannel.open(); ss.bind(new InetSocketAddress("127.0.0.1", 0));
    int port = ((InetSocketAddress) ss.getLocalAddress()).getPort();
    AtomicBoolean stop = new AtomicBoolean(); AtomicLong bytes = new AtomicLong(), reads = new AtomicLong();
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    List<Thread> servers = new ArrayList<>(), clients = new ArrayList<>();
    byte[] body = new byte[BODY]; new Random(1).nextBytes(body);
    for (int i = 0; i < conns; i++) {
      Thread c = new Thread(() -> {
        try (Socket s = tls ? cctx.getSocketFactory().createSocket("127.0.0.1", port) : new Socket("127.0.0.1", port)) {
          OutputStream out = s.getOutputStream();
          while (!stop.get()) out.write(body);
        } catch (IOException ignored) { }
      });
      c.setDaemon(true); c.start(); clients.add(c);
      SocketChannel ch = ss.accept();
      Thread t = new Thread(() -> { try { serve(v, ch, stop, bytes, reads); } catch (IOException ignored) { } finally { try { ch.close(); } catch (IOException e) { } } });
      t.setDaemon(true); t.start(); servers.add(t);
    }
    Thread.sleep(2000); // handshakes, first bodies
    long b0 = bytes.get(), r0 = reads.get(), c0 = 0; for (Thread t : servers) c0 += mx.getThreadCpuTime(t.getId());
    long w0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    long b1 = bytes.get(), r1 = reads.get(), c1 = 0; for (Thread t : servers) c1 += mx.getThreadCpuTime(t.getId());
    long w1 = System.nanoTime();
    stop.set(true); ss.close();
    for (Thread t : servers) t.join(5000);
    double samples = (b1 - b0) / (double) SAMPLE;
    return new double[]{(c1 - c0) / 1000.0 / samples, (b1 - b0) / (double) Math.max(1, r1 - r0) * (tls ? 1 : 1), samples / ((w1 - w0) / 1e9)};
  }

  static void serve(String v, SocketChannel ch, AtomicBoolean stop, AtomicLong bytes, AtomicLong reads) throws IOException {
    byte[] dstArr = new byte[1 << 20];
    if (v.equals("plain")) {
      int off = 0;
      while (!stop.get()) {
        if (off + (256 << 10) > dstArr.length) off = 0;
        int n = ch.read(ByteBuffer.wrap(dstArr, off, 256 << 10));
        if (n < 0) return;
        reads.incrementAndGet(); bytes.addAndGet(n); off += n;
      }
      return;
    }
    SSLEngine e = sctx.createSSLEngine(); e.setUseClientMode(false);
    int size = v.contains("17k") ? 17408 : Integer.parseInt(v.replaceAll("^[a-z]+-(\\d+)k.*$", "$1")) << 10;
    ByteBuffer net = v.endsWith("-heap") ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
    handshake(e, ch, net);
    boolean one = v.startsWith("conduit");
    int off = 0; boolean haveData = false; // net is in write mode unless haveData
    while (!stop.get()) {
      if (!haveData) {
        int n = ch.read(net);
        if (n < 0) return;
        reads.incrementAndGet();
        net.flip();
      }
      int before = net.remaining();
      SSLEngineResult r;
      do {
        if (off + (256 << 10) > dstArr.length) off = 0;
        ByteBuffer dst = ByteBuffer.wrap(dstArr, off, 256 << 10);
        r = e.unwrap(net, dst);
        off += r.bytesProduced(); bytes.addAndGet(r.bytesProduced());
      } while (!one && r.getStatus() == SSLEngineResult.Status.OK && net.hasRemaining());
      if (r.getStatus() == SSLEngineResult.Status.CLOSED) return;
      // as SslConduit: data left that made progress is unwrapped on the next call, without reading
      // or compacting; otherwise the partial record left is moved to the front for the next read
      haveData = one && r.getStatus() == SSLEngineResult.Status.OK && net.hasRemaining() && net.remaining() != before;
      if (!haveData) net.compact();
    }
  }

  static void handshake(SSLEngine e, SocketChannel ch, ByteBuffer net) throws IOException {
    ByteBuffer out = ByteBuffer.allocate(1 << 16), app = ByteBuffer.allocate(1 << 16), empty = ByteBuffer.allocate(0);
    e.beginHandshake();
    while (true) {
      SSLEngineResult.HandshakeStatus hs = e.getHandshakeStatus();
      if (hs == SSLEngineResult.HandshakeStatus.NEED_TASK) { Runnable t; while ((t = e.getDelegatedTask()) != null) t.run(); }
      else if (hs == SSLEngineResult.HandshakeStatus.NEED_WRAP) { out.clear(); e.wrap(empty, out); out.flip(); while (out.hasRemaining()) ch.write(out); }
      else if (hs == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
        net.flip(); SSLEngineResult r = e.unwrap(net, app); net.compact();
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && ch.read(net) < 0) throw new EOFException();
      } else return;
    }
  }
}
