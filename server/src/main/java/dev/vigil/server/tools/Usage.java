package dev.vigil.server.tools;

/** The {@code --help} texts of the tool subcommands, laid out as promtool's. */
final class Usage {
    private Usage() {
    }

    static final String CHECK = """
            usage: vigil check config [<flags>] <config-files>...

            Check if the config files are valid or not.

            Flags:
              -h, --help         Show this help.
                  --syntax-only  Only check the config file syntax, ignoring the rule files it names.

            Args:
              <config-files>  The config files to check.
            """;
    static final String LIST = """
            usage: vigil tsdb list [<flags>] [<db path>]

            List the blocks of a stopped Vigil's data folder (the head is not read).

            Flags:
              -h, --help            Show this help.
              -r, --human-readable  Print human readable values.

            Args:
              [<db path>]  Data folder (default "data/").
            """;
    static final String ANALYZE = """
            usage: vigil tsdb analyze [<flags>] [<db path>] [<block id>]

            Analyze churn, label pair cardinality of one block (the newest by default).

            Flags:
              -h, --help       Show this help.
                  --limit=20   How many items to show in each list.

            Args:
              [<db path>]   Data folder (default "data/").
              [<block id>]  Block to analyze (default is the last block).
            """;
    static final String DUMP = """
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

    static final String CREATE = """
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

    static final String IMPORT_PROMETHEUS = """
            usage: vigil tsdb import-prometheus [<flags>] <prometheus data folder> [<output directory>]

            Import the blocks and the WAL of a stopped Prometheus 2.x (or a snapshot of one) into the data folder
            of a stopped Vigil, with deleted ranges (tombstones) left out. Samples Vigil already holds are skipped,
            so a second run adds nothing. A folder a running Prometheus holds is refused.

            Flags:
              -h, --help  Show this help.

            Args:
              <prometheus data folder>  Prometheus's --storage.tsdb.path, or a folder under its snapshots/.
              [<output directory>]      Data folder (default "data/").
            """;
}
