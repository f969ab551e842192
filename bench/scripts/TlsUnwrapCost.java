import javax.net.ssl.*; import java.nio.ByteBuffer; import java.security.*; import java.io.*; import java.lang.management.*;
import java.security.cert.*; import java.util.*;
/**
 * What the server's JDK TLS engine costs per pushed sample to decrypt a 968 KB push body (457
 * bytes a sample), record by record as Undertow hands it over: from a direct network buffer (as
 * Undertow reads), from a heap copy of it (what a delegating engine could do), and from a heap buffer;
 * TLS 1.3 with AES-256-GCM (the JDK's first choice) and AES-128-GCM (Go's and Vigil's), and TLS 1.2's
 * ECDHE-ECDSA AES-128-GCM (what a client held to 1.2 gets), to compare the two record layers. Thread CPU
 * time of the unwraps only; the last half of the rounds, median. Run by tls-unwrap-cost.sh.
 */
public class TlsUnwrapCost {
  static SSLContext sctx, cctx;
  static void run(SSLEngine e) { Runnable r; while ((r = e.getDelegatedTask()) != null) r.run(); }
  static final class Pair {
    final String name; final boolean copy; final ByteBuffer heap = ByteBuffer.allocate(17408); final SSLEngine s, c; final ByteBuffer net, c2s = ByteBuffer.allocate(1 << 21), dst = ByteBuffer.allocate(1 << 20);
    long cpu, bytes; List<Double> rounds = new ArrayList<>();
    Pair(String suite, boolean direct, boolean copy) throws Exception {
      this.copy = copy; name = suite + (direct ? " direct-net" : " heap-net") + (copy ? "+copy" : "");
      s = sctx.createSSLEngine(); s.setUseClientMode(false);
      c = cctx.createSSLEngine("127.0.0.1", 1); c.setUseClientMode(true);
      c.setEnabledCipherSuites(new String[]{suite}); c.setEnabledProtocols(new String[]{suite.startsWith("TLS_ECDHE_") ? "TLSv1.2" : "TLSv1.3"});
      ByteBuffer s2c = ByteBuffer.allocate(1 << 16), junk = ByteBuffer.allocate(1 << 16), empty = ByteBuffer.allocate(0);
      c.beginHandshake(); s.beginHandshake();
      for (int i = 0; i < 50; i++) {
        c.wrap(empty, c2s); run(c); c2s.flip(); junk.clear(); s.unwrap(c2s, junk); run(s); c2s.compact();
        s.wrap(empty, s2c); run(s); s2c.flip(); junk.clear(); c.unwrap(s2c, junk); run(c); s2c.compact();
      }
      if (!s.getSession().getCipherSuite().equals(suite)) throw new IllegalStateException(s.getSession().getCipherSuite());
      net = direct ? ByteBuffer.allocateDirect(17408) : ByteBuffer.allocate(17408);
    }
    void push(byte[] body, ThreadMXBean mx) throws Exception {
      c2s.clear(); ByteBuffer src = ByteBuffer.wrap(body);
      while (src.hasRemaining()) c.wrap(src, c2s);
      c2s.flip(); dst.clear();
      long t = mx.getCurrentThreadCpuTime();
      while (c2s.hasRemaining()) {
        int len = 5 + (((c2s.get(c2s.position() + 3) & 0xff) << 8) | (c2s.get(c2s.position() + 4) & 0xff));
        net.clear(); ByteBuffer rec = c2s.duplicate(); rec.limit(c2s.position() + len); net.put(rec); net.flip(); c2s.position(c2s.position() + len);
        if (copy) { heap.clear(); heap.put(net.duplicate()); heap.flip(); SSLEngineResult r = s.unwrap(heap, dst); net.position(net.position() + r.bytesConsumed()); }
        else s.unwrap(net, dst);
      }
      cpu += mx.getCurrentThreadCpuTime() - t; bytes += body.length;
    }
  }
  public static void main(String[] a) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12"); ks.load(new FileInputStream(a[1]), "x".toCharArray());
    KeyManagerFactory k = KeyManagerFactory.getInstance("SunX509"); k.init(ks, "x".toCharArray());
    sctx = SSLContext.getInstance("TLS"); sctx.init(k.getKeyManagers(), null, null);
    cctx = SSLContext.getInstance("TLS");
    cctx.init(null, new TrustManager[]{new X509TrustManager(){public void checkClientTrusted(X509Certificate[] x,String b){} public void checkServerTrusted(X509Certificate[] x,String b){} public X509Certificate[] getAcceptedIssuers(){return new X509Certificate[0];}}}, null);
    List<Pair> ps = new ArrayList<>();
    for (String suite : new String[]{"TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"}) { ps.add(new Pair(suite, true, false)); ps.add(new Pair(suite, true, true)); ps.add(new Pair(suite, false, false)); }
    byte[] body = new byte[968_000]; new Random(1).nextBytes(body);
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    int rounds = Integer.parseInt(a[0]);
    for (int r = 0; r < rounds; r++) {
      for (Pair p : ps) { p.cpu = 0; p.bytes = 0; for (int i = 0; i < 40; i++) p.push(body, mx); p.rounds.add(p.cpu / (double) p.bytes * 457 / 1000); }
    }
    for (Pair p : ps) { List<Double> l = new ArrayList<>(p.rounds.subList(rounds / 2, rounds)); Collections.sort(l);
      System.out.printf("%-36s server unwrap per 457-byte sample: median %.3f us, min %.3f (last %d rounds of 40 MB)%n", p.name, l.get(l.size()/2), l.get(0), l.size()); }
  }
}
