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
    static final String CHECK_USAGE = """
            usage: vigil check config [<flags>] <config-files>...

            Check if the config files are valid or not.

            Flags:
              -h, --help         Show this help.
                  --syntax-only  Only check the config file syntax, ignoring the rule files it names.

            Args:
              <config-files>  The config files to check.
            """;
    static final String LIST_USAGE = """
            usage: vigil tsdb list [<flags>] [<db path>]

            List the blocks of a stopped Vigil's data folder (the head is not read).

            Flags:
              -h, --help            Show this help.
              -r, --human-readable  Print human readable values.

            Args:
              [<db path>]  Data folder (default "data/").
            """;
    static final String ANALYZE_USAGE = """
            usage: vigil tsdb analyze [<flags>] [<db path>] [<block id>]

            Analyze churn, label pair cardinality of one block (the newest by default).

            Flags:
              -h, --help       Show this help.
                  --limit=20   How many items to show in each list.

            Args:
              [<db path>]   Data folder (default "data/").
              [<block id>]  Block to analyze (default is the last block).
            """;
    static final String DUMP_USAGE = """
            usage: vigil tsdb dump [<flags>] [<db path>]

            Dump samples from a stopped Vigil's data folder (blocks and head) as {labels} value timestamp lines.

            Flags:
              -h, --help            Show this help.
                  --min-time=MS     Minimum timestamp to dump (ms).
                  --max-time=MS     Maximum timestamp to dump (ms).
                  --match=SELECTOR  Series selector (default all series).

            Args:
              [<db path>]  Data folder (default "data/").
            """;

    static final String CREATE_USAGE = """
            usage: vigil tsdb create-blocks-from openmetrics [<flags>] <input file> [<output directory>]

            Import samples from an OpenMetrics file (every sample with a timestamp, ending in # EOF) into blocks
            in the data folder of a stopped Vigil. The blocks are read when Vigil next starts.

            Flags:
              -h, --help                    Show this help.
                  --max-block-duration=2h   Duration of each block written (2h, or a multiple of it).
              -r, --human-readable          Print human readable values.

            Args:
              <input file>          OpenMetrics input file to read.
              [<output directory>]  Data folder (default "data/").
            """;

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
            return usageError("expected command \"config\" after \"check\" but got " + got(args), CHECK_USAGE);
        }
        boolean syntaxOnly = false;
        List<String> files = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    out.print(CHECK_USAGE);
                    return 0;
                }
                case "--syntax-only" -> syntaxOnly = true;
                default -> {
                    if (args[i].startsWith("-")) {
                        return usageError("unknown long flag '" + args[i] + "'", CHECK_USAGE);
                    }
                    files.add(args[i]);
                }
            }
        }
        if (files.isEmpty()) {
            return usageError("required argument 'config-files' not provided", CHECK_USAGE);
        }
        for (String f : files) {
            if (!Files.exists(Path.of(f))) {
                return usageError("path '" + f + "' does not exist", CHECK_USAGE);
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
            default -> usageError("expected command \"list\", \"analyze\", \"dump\" or \"create-blocks-from\" after"
                    + " \"tsdb\" but got " + got(args), LIST_USAGE);
        };
    }

    private int list(String[] args) {
        boolean human = false;
        List<String> pos = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "-h", "--help" -> {
                    out.print(LIST_USAGE);
                    return 0;
                }
                case "-r", "--human-readable" -> human = true;
                default -> {
                    if (args[i].startsWith("-")) {
                        return usageError("unknown long flag '" + args[i] + "'", LIST_USAGE);
                    }
                    pos.add(args[i]);
                }
            }
        }
        if (pos.size() > 1) {
            return usageError("unexpected " + pos.get(1), LIST_USAGE);
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
                out.print(ANALYZE_USAGE);
                return 0;
            }
            String v = value(args, i, "--limit");
            if (v != null) {
                i += a.contains("=") ? 0 : 1;
                try {
                    limit = Integer.parseInt(v);
                } catch (NumberFormatException e) {
                    return usageError("invalid --limit \"" + v + "\": not an integer", ANALYZE_USAGE);
                }
            } else if (a.startsWith("-")) {
                return usageError("unknown long flag '" + a + "'", ANALYZE_USAGE);
            } else {
                pos.add(a);
            }
        }
        if (pos.size() > 2) {
            return usageError("unexpected " + pos.get(2), ANALYZE_USAGE);
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
                out.print(DUMP_USAGE);
                return 0;
            }
            String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
            String v = a.startsWith("--") ? value(args, i, name) : null;
            if (v == null && a.startsWith("-")) {
                return usageError("unknown long flag '" + a + "' or missing value", DUMP_USAGE);
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
                        return usageError("unknown long flag '" + name + "'", DUMP_USAGE);
                    }
                }
            } catch (NumberFormatException e) {
                return usageError("invalid " + name + " \"" + v + "\": not a timestamp in milliseconds", DUMP_USAGE);
            } catch (IllegalArgumentException e) {
                return usageError("invalid --match \"" + v + "\": " + e.getMessage(), DUMP_USAGE);
            }
        }
        if (pos.size() > 1) {
            return usageError("unexpected " + pos.get(1), DUMP_USAGE);
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
            out.print(CREATE_USAGE);
            return 0;
        }
        if (args.length < 3 || !args[2].equals("openmetrics")) {
            return usageError("expected command \"openmetrics\" after \"create-blocks-from\" but got "
                    + (args.length < 3 ? "nothing" : "\"" + args[2] + "\""), CREATE_USAGE);
        }
        long blockMs = 2 * 3_600_000L;
        boolean human = false;
        List<String> pos = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            String a = args[i];
            String v = value(args, i, "--max-block-duration");
            if (a.equals("-h") || a.equals("--help")) {
                out.print(CREATE_USAGE);
                return 0;
            } else if (a.equals("-r") || a.equals("--human-readable")) {
                human = true;
            } else if (v != null) {
                i += a.contains("=") ? 0 : 1;
                try {
                    blockMs = dev.vigil.query.text.GoText.parseDuration(v);
                } catch (IllegalArgumentException e) {
                    return usageError("invalid --max-block-duration \"" + v + "\": " + e.getMessage(), CREATE_USAGE);
                }
                if (blockMs <= 0 || blockMs % (2 * 3_600_000L) != 0) {
                    return usageError("--max-block-duration must be a multiple of 2h, got " + v, CREATE_USAGE);
                }
            } else if (a.startsWith("-")) {
                return usageError("unknown long flag '" + a + "'", CREATE_USAGE);
            } else {
                pos.add(a);
            }
        }
        if (pos.isEmpty()) {
            return usageError("required argument 'input file' not provided", CREATE_USAGE);
        }
        if (pos.size() > 2) {
            return usageError("unexpected " + pos.get(2), CREATE_USAGE);
        }
        Path input = Path.of(pos.get(0));
        if (!Files.isRegularFile(input)) {
            return usageError("path '" + input + "' does not exist", CREATE_USAGE);
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

    private int usageError(String message, String usage) {
        err.println("vigil: error: " + message + ", try --help");
        return 1;
    }

    private static String got(String[] args) {
        return args.length < 2 ? "nothing" : "\"" + args[1] + "\"";
    }
}
