import javax.net.ssl.*; import java.nio.ByteBuffer; import java.security.*; import java.io.*; import java.lang.management.*;
import java.security.cert.*; import java.util.*;
/**
 * The JDK's TLS engine against BoringSSL's (netty-tcnative through netty's OpenSSL SSLEngine) on
 * the server side of a 968 KB push body in TLS 1.3 AES-128-GCM records: thread CPU of the unwraps
 * per 457-byte sample, into a heap buffer (as Vigil's body reader reads) and, for BoringSSL, into a
 * direct one; the network buffer filled as a socket read fills Undertow's 17 KB (or 64 KB) buffer.
 * The evidence for not adopting a native engine (docs/PERFORMANCE-push.md). Needs netty on the
 * class path: see tls-unwrap-cost.sh.
 */
public class TlsNativeUnwrapCost {
  static SSLContext cctx;
  static void run(SSLEngine e) { Runnable r; while ((r = e.getDelegatedTask()) != null) r.run(); }
  static final class Pair {
    final String name; final SSLEngine s, c; final ByteBuffer net, c2s = ByteBuffer.allocate(1 << 21), dst;
    long cpu, bytes; List<Double> rounds = new ArrayList<>(); int netSize;
    Pair(SSLContext sctx, String label, String suite, boolean directDst, int netSize) throws Exception {
      this.netSize = netSize;
      name = label + " " + suite + (directDst ? " direct-dst" : " heap-dst") + " net=" + netSize;
      s = sctx.createSSLEngine(); s.setUseClientMode(false);
      c = cctx.createSSLEngine("127.0.0.1", 1); c.setUseClientMode(true);
      c.setEnabledCipherSuites(new String[]{suite}); c.setEnabledProtocols(new String[]{"TLSv1.3"});
      ByteBuffer s2c = ByteBuffer.allocateDirect(1 << 16), junk = ByteBuffer.allocateDirect(1 << 16), empty = ByteBuffer.allocate(0);
      ByteBuffer c2sd = ByteBuffer.allocateDirect(1 << 16);
      c.beginHandshake(); s.beginHandshake();
      for (int i = 0; i < 50; i++) {
        c.wrap(empty, c2sd); run(c); c2sd.flip(); junk.clear(); s.unwrap(c2sd, junk); run(s); c2sd.compact();
        s.wrap(empty, s2c); run(s); s2c.flip(); junk.clear(); c.unwrap(s2c, junk); run(c); s2c.compact();
      }
      if (!s.getSession().getCipherSuite().equals(suite)) throw new IllegalStateException(s.getSession().getCipherSuite());
      net = ByteBuffer.allocateDirect(netSize);
      dst = directDst ? ByteBuffer.allocateDirect(1 << 20) : ByteBuffer.allocate(1 << 20);
    }
    void push(byte[] body, ThreadMXBean mx) throws Exception {
      c2s.clear(); ByteBuffer src = ByteBuffer.wrap(body);
      while (src.hasRemaining()) c.wrap(src, c2s);
      c2s.flip(); dst.clear();
      long t = mx.getCurrentThreadCpuTime();
      net.clear();
      while (c2s.hasRemaining() || net.position() > 0) {
        // fill net buffer as a socket read would
        int n = Math.min(net.remaining(), c2s.remaining());
        ByteBuffer rec = c2s.duplicate(); rec.limit(c2s.position() + n); net.put(rec); c2s.position(c2s.position() + n);
        net.flip();
        while (true) { SSLEngineResult r = s.unwrap(net, dst); if (r.getStatus() != SSLEngineResult.Status.OK || !net.hasRemaining()) break; }
        net.compact();
        if (!c2s.hasRemaining() && net.position() > 0 && net.position() < 5) throw new IllegalStateException("left " + net.position());
        if (!c2s.hasRemaining() && net.position() > 0) { net.flip(); SSLEngineResult r = s.unwrap(net, dst); net.compact(); if (r.bytesConsumed()==0) throw new IllegalStateException(r.toString()); }
      }
      cpu += mx.getCurrentThreadCpuTime() - t; bytes += body.length;
      if (dst.position() != body.length) throw new IllegalStateException("got " + dst.position());
    }
  }
  public static void main(String[] a) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12"); ks.load(new FileInputStream(a[1]), "x".toCharArray());
    KeyManagerFactory k = KeyManagerFactory.getInstance("SunX509"); k.init(ks, "x".toCharArray());
    SSLContext jdk = SSLContext.getInstance("TLS"); jdk.init(k.getKeyManagers(), null, null);
    
    io.netty.handler.ssl.SslContext nctx = io.netty.handler.ssl.SslContextBuilder.forServer(k).sslProvider(io.netty.handler.ssl.SslProvider.OPENSSL).protocols("TLSv1.3").build();
    System.out.println("native engine: " + io.netty.handler.ssl.OpenSsl.versionString() + ", JDK " + Runtime.version());
    SSLContext ossl = new SSLContext(new SSLContextSpi() {
      protected void engineInit(KeyManager[] a, TrustManager[] b, SecureRandom c) {}
      protected javax.net.ssl.SSLSocketFactory engineGetSocketFactory() { return null; }
      protected javax.net.ssl.SSLServerSocketFactory engineGetServerSocketFactory() { return null; }
      protected SSLEngine engineCreateSSLEngine() { return nctx.newEngine(io.netty.buffer.PooledByteBufAllocator.DEFAULT); }
      protected SSLEngine engineCreateSSLEngine(String h, int p) { return nctx.newEngine(io.netty.buffer.PooledByteBufAllocator.DEFAULT, h, p); }
      protected SSLSessionContext engineGetServerSessionContext() { return null; }
      protected SSLSessionContext engineGetClientSessionContext() { return null; }
    }, null, "TLS") {};
    cctx = SSLContext.getInstance("TLS");
    cctx.init(null, new TrustManager[]{new X509TrustManager(){public void checkClientTrusted(X509Certificate[] x,String b){} public void checkServerTrusted(X509Certificate[] x,String b){} public X509Certificate[] getAcceptedIssuers(){return new X509Certificate[0];}}}, null);
    List<Pair> ps = new ArrayList<>();
    String suite = "TLS_AES_128_GCM_SHA256";
    ps.add(new Pair(jdk, "jdk", suite, false, 17408));
    ps.add(new Pair(jdk, "jdk", suite, false, 65536));
    ps.add(new Pair(ossl, "boringssl", suite, false, 17408));
    ps.add(new Pair(ossl, "boringssl", suite, true, 17408));
    ps.add(new Pair(ossl, "boringssl", suite, true, 65536));
    byte[] body = new byte[968_000]; new Random(1).nextBytes(body);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int rounds = Integer.parseInt(a[0]);
    for (int r = 0; r < rounds; r++) {
      for (Pair p : ps) { p.cpu = 0; p.bytes = 0; for (int i = 0; i < 40; i++) p.push(body, mx); p.rounds.add(p.cpu / (double) p.bytes * 457 / 1000); }
    }
    for (Pair p : ps) { List<Double> l = new ArrayList<>(p.rounds.subList(rounds / 2, rounds)); Collections.sort(l);
      System.out.printf("%-60s server unwrap per 457-byte sample: median %.3f us, min %.3f%n", p.name, l.get(l.size()/2), l.get(0)); }
  }
}
