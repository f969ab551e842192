package dev.vigil.server.tools;

import dev.vigil.tsdb.db.Db;
import dev.vigil.tsdb.db.DbOptions;
import java.nio.file.Path;

/** A separate process holding a store open, as a running Vigil does, until its stdin closes. */
public final class HoldStore {
    private HoldStore() {
    }

    public static void main(String[] args) throws Exception {
        try (Db db = Db.open(DbOptions.builder(Path.of(args[0])).seriesRegistry(false).headSnapshot(false).build())) {
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() >= 0) {
                // held until the parent closes the pipe
            }
        }
    }
}
