package dev.vigil.server.tools;

import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.tools.PrometheusImport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code tsdb import-prometheus}: arguments, then progress and a summary on stderr. */
final class PrometheusImportCommand {
    private PrometheusImportCommand() {
    }

    /** {@code args[0..1]} are "tsdb import-prometheus". */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> pos = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.print(Usage.IMPORT_PROMETHEUS);
                return 0;
            }
            if (a.startsWith("-")) {
                return usageError(err, "unknown long flag '" + a + "'");
            }
            pos.add(a);
        }
        if (pos.isEmpty()) {
            return usageError(err, "required argument 'prometheus data folder' not provided");
        }
        if (pos.size() > 2) {
            return usageError(err, "unexpected " + pos.get(2));
        }
        Path from = Path.of(pos.get(0));
        if (!Files.isDirectory(from)) {
            return usageError(err, "Prometheus data folder '" + from + "' does not exist");
        }
        Path to = Path.of(pos.size() == 2 ? pos.get(1) : "data/");
        if (from.toAbsolutePath().normalize().equals(to.toAbsolutePath().normalize())) {
            return usageError(err, "the Prometheus folder and Vigil's data folder are both '" + from
                    + "': Vigil writes its own blocks into a folder of its own");
        }
        PrometheusImport.Summary s;
        try {
            s = PrometheusImport.run(FileIo.DEFAULT, from, to, err);
        } catch (IOException | java.io.UncheckedIOException e) {
            err.println("vigil: error: " + e.getMessage());
            return 1;
        }
        err.println(summary(s));
        return s.damaged().isEmpty() ? 0 : 1;
    }

    /** The closing lines: what was read, written and left out, and the rate. */
    static String summary(PrometheusImport.Summary s) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("imported %d samples of %d series from %d blocks%s into %d new blocks in %.1f s (%.0f samples/s)",
                s.samples(), s.series(), s.blocks(), s.walRead() ? " and the WAL" : "", s.blocksWritten(), s.nanos() / 1e9,
                s.samplesPerSecond()));
        b.append(String.format("%nskipped %d samples already present", s.skipped()));
        if (s.conflicts() > 0) {
            b.append(" (").append(s.conflicts()).append(" of them with another value in Vigil, which was kept)");
        }
        b.append(String.format("%nleft out %d samples in deleted ranges (tombstones)", s.deleted()));
        if (s.clipped() > 0) {
            b.append(String.format("%nleft out %d samples at or after %s, where the samples of Vigil's own head begin",
                    s.clipped(), dev.vigil.tsdb.tools.GoFormat.time(s.clippedFrom())));
        }
        if (s.histogramChunks() > 0) {
            b.append(String.format("%nleft out %d native histogram chunks (Vigil stores floats only)", s.histogramChunks()));
        }
        for (String d : s.damaged()) {
            b.append(String.format("%ndamaged, not imported: %s", d));
        }
        for (String n : s.walNotes()) {
            b.append(String.format("%nWAL read up to a torn or damaged tail (normal after a crash): %s", n));
        }
        return b.toString();
    }

    private static int usageError(PrintStream err, String message) {
        err.println("vigil: error: " + message + ", try --help");
        return 1;
    }
}
