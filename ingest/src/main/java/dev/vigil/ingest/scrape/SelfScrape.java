package dev.vigil.ingest.scrape;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Recognises a scrape of this process's own push-group exposition. The push port's
 * {@code /metrics} carries {@link #HEADER} with a random id made per server, and a scrape whose
 * response carries the same id is this process talking to itself. A header, rather than comparing
 * the target's address with the listening ones, because it holds through host names, 0.0.0.0
 * bindings, extra interfaces, containers' port mappings and proxies, where an address comparison
 * misses some and wrongly matches others (another Vigil on the same port of another host).
 */
public final class SelfScrape {
    /** The response header naming the serving process. */
    public static final String HEADER = "X-Vigil-Instance";
    /** What the targets page says of such a target. */
    public static final String MESSAGE = "this target is Vigil's own push port: pushed series are already stored as pushed";

    private static final SecureRandom RANDOM = new SecureRandom();

    private SelfScrape() {
    }

    /** A new random id for one server. */
    public static String newId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
