package dev.vigil.server;

import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.server.cli.UsageException;
import dev.vigil.server.ops.HeapTrimmer;
import dev.vigil.server.ops.LogSetup;
import dev.vigil.query.rules.ruletest.RuleUnitTests;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Entry point of {@code java -jar vigil.jar}. */
public final class Main {
    /** Exit status for a malformed command line (as Prometheus's flag parser). */
    public static final int EXIT_USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        // Chronicle Map phones home and prints a banner unless told not to before it loads.
        System.setProperty("chronicle.analytics.disable", "true");
        System.setProperty("chronicle.announcer.disable", "true");
        LogSetup.installManager();
        int code = run(args, System.out, System.err);
        if (code >= 0) {
            System.exit(code);
        }
        // Only for a running server started from the command line: it tunes the JVM itself.
        HeapTrimmer.start();
    }

    /**
     * Parses flags and starts the server. Returns an exit status when the process should end
     * now (help, version, errors), or −1 when the server is running (a shutdown hook stops it).
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 0 && args[0].equals("test")) {
            return test(args, out, err);
        }
        if (args.length > 0 && args[0].equals("check")) {
            return dev.vigil.server.tools.ToolCommands.check(args, out, err);
        }
        if (args.length > 0 && args[0].equals("tsdb")) {
            quietStore();
            return dev.vigil.server.tools.ToolCommands.tsdb(args, out, err);
        }
        ServerConfig cfg;
        try {
            cfg = Flags.parse(args);
        } catch (UsageException e) {
            err.println("vigil: error: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (cfg.help()) {
            out.print(Flags.usage());
            return 0;
        }
        if (cfg.version()) {
            out.println("vigil, version " + version() + " (Prometheus API " + dev.vigil.server.api.ServerInfo.API_VERSION
                    + ", java " + Runtime.version() + ")");
            return 0;
        }
        LogSetup.configure(cfg.logLevel());
        Logger log = Logger.getLogger(Main.class.getName());
        log.info("starting vigil " + version() + " on java " + Runtime.version());
        java.util.List<String> ignored = Flags.ignoredGiven(cfg);
        if (!ignored.isEmpty()) {
            log.info("Prometheus flags accepted and ignored: " + String.join(" ", ignored));
        }
        VigilServer server;
        try {
            server = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> new Thread(() -> System.exit(0), "quit").start());
        } catch (IllegalArgumentException e) {
            // A configuration or web config file is wrong: the message names the file and line, a stack would hide it.
            log.severe("cannot start: " + e.getMessage());
            err.println("vigil: error: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            log.log(Level.SEVERE, "cannot start: " + e.getMessage(), e);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
        reloadOnHangup(server, log);
        return -1;
    }

    /**
     * {@code test rules FILE...}: promtool's rule unit tests, with its output and exit codes
     * (0 all passed, 1 a failure or a bad command line).
     */
    static int test(String[] args, PrintStream out, PrintStream err) {
        if (args.length < 2 || !args[1].equals("rules")) {
            err.println("vigil: error: expected command \"rules\" after \"test\" but got "
                    + (args.length < 2 ? "nothing" : "\"" + args[1] + "\"") + ", usage: vigil test rules FILE...");
            return 1;
        }
        List<String> files = Arrays.asList(args).subList(2, args.length);
        if (files.isEmpty()) {
            err.println("vigil: error: required argument 'test-rule-file' not provided, usage: vigil test rules FILE...");
            return 1;
        }
        for (String f : files) {
            if (!Files.exists(Path.of(f))) {
                err.println("vigil: error: path '" + f + "' does not exist");
                return 1;
            }
        }
        // promtool prints only the results: the scratch stores' and failing rules' logs would repeat them.
        Logger.getLogger("dev.vigil.tsdb").setLevel(Level.WARNING);
        Logger.getLogger("dev.vigil.query.rules").setLevel(Level.SEVERE);
        return RuleUnitTests.run(files, out, err);
    }

    /** The offline tools print their results only: the store's informational log lines would mix with them. */
    private static void quietStore() {
        Logger.getLogger("dev.vigil.tsdb").setLevel(Level.WARNING);
    }

    /** SIGHUP re-reads the configuration file, as it does for Prometheus. */
    private static void reloadOnHangup(VigilServer server, Logger log) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> {
                String err = server.reloadConfig();
                if (err == null) {
                    log.info("configuration reloaded on SIGHUP");
                }
            });
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            log.fine("no SIGHUP on this platform: reload with POST /-/reload");
        }
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
