package dev.vigil.tsdb.wal;

import dev.vigil.tsdb.io.FileIo;
import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Reads the next WAL segment into the page cache while the replay decodes the current one, when
 * it is not there already. After a reboot (or once other files pushed the WAL out of memory) the
 * single decoding thread otherwise waits for each page it touches; when the segment is resident,
 * as after a {@code kill -9}, this costs one residency check per segment.
 */
final class SegmentPrefetch implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SegmentPrefetch.class.getName());

    private final FileIo io;
    private ExecutorService thread;

    SegmentPrefetch(FileIo io) {
        this.io = io;
    }

    /** Starts loading {@code segment} in the background unless its pages are resident. */
    void next(Path segment) {
        try {
            long size = io.size(segment);
            if (size <= 0 || size > Integer.MAX_VALUE) {
                return;
            }
            MappedByteBuffer map;
            try (FileChannel ch = io.openRead(segment)) {
                map = ch.map(FileChannel.MapMode.READ_ONLY, 0, size);
            }
            if (map.isLoaded()) {
                return;
            }
            if (thread == null) {
                thread = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "vigil-wal-prefetch");
                    t.setDaemon(true);
                    return t;
                });
            }
            thread.execute(map::load);
        } catch (IOException | RuntimeException e) {
            // Only a hint: the replay reads the segment itself and reports what is wrong with it.
            LOG.log(Level.FINE, "WAL prefetch of " + segment + " skipped", e);
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
