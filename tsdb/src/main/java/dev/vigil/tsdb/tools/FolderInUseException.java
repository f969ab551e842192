package dev.vigil.tsdb.tools;

import java.io.IOException;
import java.nio.file.Path;

/** The data folder's lock is held: a running Vigil owns it, so a tool must not read or write it. */
public final class FolderInUseException extends IOException {
    private static final long serialVersionUID = 1L;

    public FolderInUseException(Path dir) {
        super("data folder " + dir + " is in use by a running Vigil (its lock file is held): stop it first, or work on a snapshot");
    }
}
