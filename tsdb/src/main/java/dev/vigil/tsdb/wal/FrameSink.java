package dev.vigil.tsdb.wal;

import dev.vigil.tsdb.io.ByteOut;
import java.io.IOException;

/** Where framed WAL records go: the live log, or a checkpoint being written. */
public interface FrameSink {
    /** Appends records framed by {@link WalRecords#beginFrame}/{@link WalRecords#endFrame}. */
    void log(ByteOut frames) throws IOException;
}
