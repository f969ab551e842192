package dev.vigil.bench.load;

import java.net.URI;

/** The generator only ever talks to this machine: every target URL is checked here. */
public final class Loopback {
    private Loopback() {
    }

    /** Parses a base URL and refuses anything but 127.0.0.1, ::1 or localhost over http or https. */
    public static URI check(String url) {
        URI u = URI.create(url);
        String host = u.getHost();
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || host == null
                || !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]") || host.equals("::1"))) {
            throw new IllegalArgumentException("only http://127.0.0.1 targets are allowed, got " + url);
        }
        String s = u.toString();
        return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    }
}
