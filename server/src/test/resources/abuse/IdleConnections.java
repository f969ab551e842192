import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayDeque;

/**
 * Run by AbuseTest in a JVM of its own (so the server's and the clients' descriptors count
 * against two processes' limits): opens and closes idle TCP connections to 127.0.0.1:port on
 * command. Reads lines "open N" and "close N" from stdin and answers "ok <open>" (or "error
 * ..."); exits when stdin closes.
 */
public class IdleConnections {
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        ArrayDeque<Socket> open = new ArrayDeque<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            int n = Integer.parseInt(w[1]);
            try {
                for (int i = 0; i < n; i++) {
                    if (w[0].equals("open")) {
                        Socket s = new Socket();
                        s.connect(new InetSocketAddress("127.0.0.1", port), 30_000);
                        open.add(s);
                    } else if (!open.isEmpty()) {
                        open.poll().close();
                    }
                }
                System.out.println("ok " + open.size());
            } catch (Exception e) {
                System.out.println("error after " + open.size() + ": " + e);
            }
            System.out.flush();
        }
        for (Socket s : open) {
            s.close();
        }
    }
}
