package dev.vigil.tsdb;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The store cannot write to its data folder now (a full disk, a failing device): the commit was
 * refused whole and nothing of it was applied or logged, so retrying once space returns is safe.
 */
public final class StorageWriteException extends IOException {
    private static final long serialVersionUID = 1L;

    public StorageWriteException(Path folder, IOException cause) {
        super("the store cannot write to " + folder + ": " + rootMessage(cause) + "; not stored, retry when the disk has"
                + " space again", cause);
    }

    /** {@code cause}'s message followed by {@code note} (what was stored before it). */
    public StorageWriteException(StorageWriteException cause, String note) {
        super(cause.getMessage() + note, cause);
    }

    private static String rootMessage(Throwable t) {
        String m = t.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null) {
                m = t.getMessage();
            }
        }
        return m == null ? t.getClass().getSimpleName() : m;
    }

    /**
     * Whether {@code t} says the device is out of space or quota (ENOSPC, EDQUOT), anywhere in
     * its cause chain: the JDK reports both only as an IOException's message.
     */
    public static boolean outOfSpace(Throwable t) {
        if (find(t) != null) {
            return true;
        }
        for (int i = 0; t != null && i < 16; i++, t = t.getCause()) {
            String m = t.getMessage();
            if (t instanceof IOException && m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
                return true;
            }
        }
        return false;
    }

    /** The first StorageWriteException in {@code t}'s cause chain, or null. */
    public static StorageWriteException find(Throwable t) {
        for (int i = 0; t != null && i < 16; i++, t = t.getCause()) {
            if (t instanceof StorageWriteException s) {
                return s;
            }
        }
        return null;
    }
}
