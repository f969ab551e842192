package dev.vigil.server.cli;

import dev.vigil.server.api.ApiTime;
import java.util.Map;

/**
 * {@code --storage.tsdb.downsample.after} and {@code --storage.tsdb.retention.raw}: when raw
 * blocks get rollups, and how long raw data stays once they have (README "Downsampling").
 *
 * @param afterMs raw blocks that ended this long ago are rolled up; 0 = downsampling off
 * @param rawRetentionMs raw blocks older than this go once rollups cover them; 0 = the retention
 */
public record DownsampleFlags(long afterMs, long rawRetentionMs) {
    static final String AFTER = "storage.tsdb.downsample.after";
    static final String RAW_RETENTION = "storage.tsdb.retention.raw";

    /** Reads the two flags from their text values, the retention already checked. */
    public static DownsampleFlags parse(Map<String, String> flags, long retentionMs) throws UsageException {
        long after = ApiTime.parsePromDuration(flags.get(AFTER));
        if (after < 0) {
            throw new UsageException("invalid value '" + flags.get(AFTER) + "' for flag '--" + AFTER
                    + "': expected a duration such as 40h, or 0 to turn downsampling off");
        }
        String rawText = flags.get(RAW_RETENTION);
        long raw = rawText == null || rawText.isEmpty() ? 0 : ApiTime.parsePromDuration(rawText);
        if (raw < 0 || raw == 0 && rawText != null && !rawText.isEmpty()) {
            throw new UsageException("invalid value '" + rawText + "' for flag '--" + RAW_RETENTION
                    + "': expected a duration greater than 0 such as 30d");
        }
        if (raw > 0 && raw < retentionMs && after == 0) {
            throw new UsageException("flag '--" + RAW_RETENTION + "' shorter than the retention needs rollups: set '--"
                    + AFTER + "' above 0");
        }
        return new DownsampleFlags(after, raw >= retentionMs ? 0 : raw);
    }

    /** The flags of a command line {@link Flags#parse} has already accepted. */
    public static DownsampleFlags of(ServerConfig cfg) {
        try {
            return parse(cfg.flags(), cfg.retentionMs());
        } catch (UsageException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
