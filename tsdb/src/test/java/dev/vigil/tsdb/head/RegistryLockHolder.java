package dev.vigil.tsdb.head;

import dev.vigil.tsdb.Appender;
import dev.vigil.tsdb.Labels;
import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import dev.vigil.tsdb.io.FileIo;
import java.nio.file.Path;
import net.openhft.chronicle.map.ExternalMapQueryContext;

/**
 * The child process of {@link SeriesRegistryKillTest}: writes {@link #SERIES} series into a store
 * and closes it, then opens the store's series registry again and holds a segment's write lock
 * (as a put in progress does) until it is killed.
 */
public final class RegistryLockHolder {
    static final long T0 = 1_700_000_000_000L;
    static final int SERIES = 2_000;

    static Labels labels(int s) {
        return Labels.of("__name__", "flink_taskmanager_job_task_numRecordsIn", "subtask_index", Integer.toString(s),
                "job", "registry-kill");
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        try (Db db = Db.open(DbOptions.builder(dir).clock(() -> T0).build())) {
            Appender app = db.appender();
            for (int s = 0; s < SERIES; s++) {
                app.append(0, labels(s), T0 + s, s);
            }
            app.commit();
        }
        SeriesRegistry reg = SeriesRegistry.open(FileIo.DEFAULT, dir.resolve("series"), SERIES);
        // The lock is deliberately never released: the process dies holding it.
        ExternalMapQueryContext<CharSequence, Long, ?> c = reg.map().queryContext(SeriesRegistry.key(labels(0)));
        c.writeLock().lock();
        System.out.println("locked");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
