package dev.vigil.server.cli;

import dev.vigil.server.api.RemoteReadApi;
import java.util.Map;

/** {@code --storage.remote.read-*}: Prometheus's limits of the remote-read endpoint. */
public final class RemoteReadFlags {
    static final String SAMPLE_LIMIT = "storage.remote.read-sample-limit";
    static final String CONCURRENT_LIMIT = "storage.remote.read-concurrent-limit";
    static final String MAX_BYTES_IN_FRAME = "storage.remote.read-max-bytes-in-frame";

    private RemoteReadFlags() {
    }

    /** The limits from the flags' text values (Prometheus accepts {@code 5e7} for a count). */
    public static RemoteReadApi.Limits parse(Map<String, String> flags) throws UsageException {
        return new RemoteReadApi.Limits(count(flags, SAMPLE_LIMIT, Long.MAX_VALUE),
                (int) count(flags, CONCURRENT_LIMIT, Integer.MAX_VALUE),
                (int) count(flags, MAX_BYTES_IN_FRAME, Integer.MAX_VALUE));
    }

    /** The limits of a command line {@link Flags#parse} has already accepted. */
    public static RemoteReadApi.Limits of(ServerConfig cfg) {
        try {
            return parse(cfg.flags());
        } catch (UsageException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static long count(Map<String, String> flags, String flag, long max) throws UsageException {
        String v = flags.get(flag);
        try {
            double d = Double.parseDouble(v);
            if (d < 0 || d > max || d != Math.rint(d) || v.strip().isEmpty()) {
                throw new NumberFormatException();
            }
            return (long) d;
        } catch (NumberFormatException | NullPointerException e) {
            throw new UsageException("invalid value '" + v + "' for flag '--" + flag + "': expected a whole number from 0 to " + max);
        }
    }
}
