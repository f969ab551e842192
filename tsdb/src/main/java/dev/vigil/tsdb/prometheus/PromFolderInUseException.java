package dev.vigil.tsdb.prometheus;

import java.io.IOException;
import java.nio.file.Path;

/** A running Prometheus holds the folder's lock file. */
public final class PromFolderInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    public PromFolderInUseException(Path dir, String why) {
        super("Prometheus data folder " + dir + " is in use (" + why
                + "): stop that Prometheus first, or import a snapshot of it (POST /api/v1/admin/tsdb/snapshot)");
    }
}
