package dev.vigil.server;

import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;

/**
 * For testing only: with the system property {@code vigil.test.storage-churn=true} the store cuts
 * its head into 10 s blocks, checkpoints its WAL after every cut, writes a head snapshot every
 * 2 s and rolls 1 MiB WAL segments, with maintenance every 500 ms, so that a crash test's
 * {@code kill -9} lands inside those steps; {@code vigil.test.series-registry=false} runs without
 * the series registry file. Not flags: nothing a user should turn on.
 */
final class StorageChurn {
    static final String PROPERTY = "vigil.test.storage-churn";
    static final String REGISTRY_PROPERTY = "vigil.test.series-registry";

    private StorageChurn() {
    }

    static DbOptions.Builder apply(DbOptions.Builder b) {
        if ("false".equals(System.getProperty(REGISTRY_PROPERTY))) {
            b.seriesRegistry(false);
        }
        if (!Boolean.getBoolean(PROPERTY)) {
            return b;
        }
        if (System.getProperty(Db.MAINTENANCE_INTERVAL_PROPERTY) == null) {
            System.setProperty(Db.MAINTENANCE_INTERVAL_PROPERTY, "500");
        }
        return b.blockRangeMs(10_000).snapshotIntervalMs(2_000).walSegmentBytes(1 << 20);
    }
}
