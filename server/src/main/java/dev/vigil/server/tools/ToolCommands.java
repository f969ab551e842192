package dev.vigil.server.tools;

import dev.vigil.query.ast.Expr;
import dev.vigil.query.ast.VectorSelector;
import dev.vigil.query.parser.Parser;
import dev.vigil.tsdb.Matcher;
import dev.vigil.tsdb.io.FileIo;
import dev.vigil.tsdb.tools.BlockList;
import dev.vigil.tsdb.tools.Cardinality;
import dev.vigil.tsdb.tools.DataFolder;
import dev.vigil.tsdb.tools.Dump;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The promtool-like subcommands {@code check config} and {@code tsdb list|analyze|dump}: their arguments are parsed
 * here, their work is done by the modules. Exit codes as promtool's: 0 success, 1 any failure or bad command line.
 */
public final class ToolCommands {
    private final PrintStream out;
    private final PrintStream err;

    private ToolCommands(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** {@code check ...}: {@code args[0]} is "check". */
    public static int check(String[] args, PrintStream out, PrintStream err) {
        return new ToolCommands(out, err).check(args);
    }

    /** {@code tsdb ...}: {@code args[0]} is "tsdb". */
    public static int tsdb(String[] args, PrintStream out, PrintStream err) {
        return new ToolCommands(out, err).tsdb(args);
    }

    private int check(String[] args) {
        if (args.length < 2 || !args[1].equals("config")) {
            return usageError("expected command \"config\" after \"check\" but got " + got(args));
        }
        boolean syntaxOnly = false;
        List<String> files = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    out.print(Usage.CHECK);
                    return 0;
                }
                case "--syntax-only" -> syntaxOnly = true;
                default -> {
                    if (args[i].startsWith("-")) {
                        return usageError("unknown long flag '" + args[i] + "'");
                    }
                    files.add(args[i]);
                }
            }
        }
        if (files.isEmpty()) {
            return usageError("required argument 'config-files' not provided");
        }
        for (String f : files) {
            if (!Files.exists(Path.of(f))) {
                return usageError("path '" + f + "' does not exist");
            }
        }
        return CheckConfig.run(files, syntaxOnly, out, err);
    }

    private int tsdb(String[] args) {
        String sub = args.length < 2 ? "" : args[1];
        return switch (sub) {
            case "list" -> list(args);
            case "analyze" -> analyze(args);
            case "dump" -> dump(args);
            case "create-blocks-from" -> createBlocks(args);
            case "import-prometheus" -> PrometheusImportCommand.run(args, out, err);
            default -> usageError("expected command \"list\", \"analyze\", \"dump\", \"create-blocks-from\" or"
                    + " \"import-prometheus\" after \"tsdb\" but got " + got(args));
        };
    }

    private int list(String[] args) {
        boolean human = false;
        List<String> pos = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    out.print(Usage.LIST);
                    return 0;
                }
                case "-r", "--human-readable" -> human = true;
                default -> {
                    if (args[i].startsWith("-")) {
                        return usageError("unknown long flag '" + args[i] + "'");
                    }
                    pos.add(args[i]);
                }
            }
        }
        if (pos.size() > 1) {
            return usageError("unexpected " + pos.get(1));
        }
        boolean h = human;
        return withFolder(pos, f -> {
            BlockList.print(f, h, out);
            return 0;
        });
    }

    private int analyze(String[] args) {
        int limit = 20;
        List<String> pos = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.print(Usage.ANALYZE);
                return 0;
            }
            String v = value(args, i, "--limit");
            if (v != null) {
                i += a.contains("=") ? 0 : 1;
                try {
                    limit = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    return usageError("invalid --limit \"" + v + "\": not an integer");
                }
            } else if (a.startsWith("-")) {
                return usageError("unknown long flag '" + a + "'");
            } else {
                pos.add(a);
            }
        }
        if (pos.size() > 2) {
            return usageError("unexpected " + pos.get(2));
        }
        String block = pos.size() == 2 ? pos.get(1) : null;
        int l = limit;
        return withFolder(pos.isEmpty() ? pos : pos.subList(0, 1), f -> Cardinality.print(f, block, l, out, err) ? 0 : 1);
    }

    private int dump(String[] args) {
        long mint = Long.MIN_VALUE;
        long maxt = Long.MAX_VALUE;
        Matcher[] matchers = {DataFolder.ALL};
        List<String> pos = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                out.print(Usage.DUMP);
                return 0;
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String v = a.startsWith("--") ? value(args, i, name) : null;
            if (v == null && a.startsWith("-")) {
                return usageError("unknown long flag '" + a + "' or missing value");
            }
            if (v == null) {
                pos.add(a);
                continue;
            }
            i += a.contains("=") ? 0 : 1;
            try {
                switch (name) {
                    case "--min-time" -> mint = Long.parseLong(v);
                    case "--max-time" -> maxt = Long.parseLong(v);
                    case "--match" -> matchers = selector(v);
                    default -> {
                        return usageError("unknown long flag '" + name + "'");
                    }
                }
            } catch (NumberFormatException e) {
                return usageError("invalid " + name + " \"" + v + "\": not a timestamp in milliseconds");
            } catch (IllegalArgumentException e) {
                return usageError("invalid --match \"" + v + "\": " + e.getMessage());
            }
        }
        if (pos.size() > 1) {
            return usageError("unexpected " + pos.get(1));
        }
        long lo = mint;
        long hi = maxt;
        Matcher[] ms = matchers;
        return withFolder(pos, f -> {
            f.readHead();
            Dump.print(f, lo, hi, ms, out);
            return 0;
        });
    }

    private int createBlocks(String[] args) {
        if (args.length > 2 && (args[2].equals("-h") || args[2].equals("--help"))) {
            out.print(Usage.CREATE);
            return 0;
        }
        if (args.length < 3 || !args[2].equals("openmetrics")) {
            return usageError("expected command \"openmetrics\" after \"create-blocks-from\" but got "
                    + (args.length < 3 ? "nothing" : "\"" + args[2] + "\""));
        }
        long blockMs = 2 * 3_600_000L;
        boolean human = false;
        List<String> pos = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String a = args[i];
            String v = value(args, i, "--max-block-duration");
            if (a.equals("-h") || a.equals("--help")) {
                out.print(Usage.CREATE);
                return 0;
            } else if (a.equals("-r") || a.equals("--human-readable")) {
                human = true;
            } else if (v != null) {
                i += a.contains("=") ? 0 : 1;
                try {
                    blockMs = dev.vigil.query.text.GoText.parseDuration(v);
                } catch (IllegalArgumentException e) {
                    return usageError("invalid --max-block-duration \"" + v + "\": " + e.getMessage());
                }
                if (blockMs <= 0 || blockMs % (2 * 3_600_000L) != 0) {
                    return usageError("--max-block-duration must be a multiple of 2h, got " + v);
                }
            } else if (a.startsWith("-")) {
                return usageError("unknown long flag '" + a + "'");
            } else {
                pos.add(a);
            }
        }
        if (pos.isEmpty()) {
            return usageError("required argument 'input file' not provided");
        }
        if (pos.size() > 2) {
            return usageError("unexpected " + pos.get(2));
        }
        Path input = Path.of(pos.get(0));
        if (!Files.isRegularFile(input)) {
            return usageError("path '" + input + "' does not exist");
        }
        Path dir = Path.of(pos.size() == 2 ? pos.get(1) : "data/");
        try {
            var r = dev.vigil.ingest.backfill.OpenMetricsBackfill.run(input, dir, blockMs, FileIo.DEFAULT);
            try (DataFolder f = DataFolder.open(FileIo.DEFAULT, dir)) {
                java.util.Set<String> written = new java.util.HashSet<>();
                r.blocks().forEach(b -> written.add(b.ulid()));
                BlockList.print(f, human, out, b -> written.contains(b.meta().ulid()));
            }
            err.println("imported " + r.samples() + " samples into " + r.blocks().size() + " blocks in " + dir);
            return 0;
        } catch (dev.vigil.ingest.ExpositionException e) {
            err.println("vigil: error: " + input + ": " + e.getMessage());
            return 1;
        } catch (IOException e) {
            err.println("vigil: error: " + e.getMessage());
            return 1;
        }
    }

    private static Matcher[] selector(String s) {
        Expr e;
        try {
            e = Parser.parse(s);
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException(ex.getMessage(), ex);
        }
        if (!(e instanceof VectorSelector vs) || vs.offsetMs() != 0 || vs.at() != null) {
            throw new IllegalArgumentException("not a series selector");
        }
        return vs.matchers().toArray(new Matcher[0]);
    }

    /** The value of {@code --name=v} or {@code --name v} at {@code args[i]}, or null when it is another argument. */
    private static String value(String[] args, int i, String name) {
        String a = args[i];
        if (a.startsWith(name + "=")) {
            return a.substring(name.length() + 1);
        }
        if (a.equals(name) && i + 1 < args.length) {
            return args[i + 1];
        }
        return null;
    }

    /** One job over the folder: a folder in use or missing is a failure with its reason, not a trace. */
    private interface FolderJob {
        int run(DataFolder f) throws IOException;
    }

    private int withFolder(List<String> pos, FolderJob job) {
        Path dir = Path.of(pos.isEmpty() ? "data/" : pos.get(0));
        try (DataFolder f = DataFolder.open(FileIo.DEFAULT, dir)) {
            return job.run(f);
        } catch (NoSuchFileException e) {
            err.println("vigil: error: data folder " + dir + " does not exist");
            return 1;
        } catch (IOException e) {
            err.println("vigil: error: " + e.getMessage());
            return 1;
        }
    }

    private int usageError(String message) {
        err.println("vigil: error: " + message + ", try --help");
        return 1;
    }

    private static String got(String[] args) {
        return args.length < 2 ? "nothing" : "\"" + args[1] + "\"";
    }
}
