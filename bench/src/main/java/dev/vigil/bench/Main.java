package dev.vigil.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code java -jar vigil-bench.jar <mode> [options]}: the simulated Flink cluster and the JMH suites. */
@Command(name = "vigil-bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Load generator that simulates the Flink PrometheusPushGatewayReporter of a cluster, and the JMH suites.",
        subcommands = {PushCommand.class, FloodCommand.class, QueryCommand.class, BackfillCommand.class,
                PrintCommand.class, QueryDataCommand.class, QueryLatencyCommand.class, JmhCommand.class, CrashCommand.class, RollupSizeCommand.class, SinkCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        if (args.length > 0 && args[0].equals("jmh")) {
            // JMH parses its own options; hand them over untouched.
            System.exit(JmhCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The jar's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"vigil-bench " + (v == null ? "dev" : v)};
        }
    }
}
