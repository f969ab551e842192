package dev.vigil.bench;

import dev.vigil.bench.crash.CrashRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code crash}: the HTTP crash harness against the real server jar (SIGKILL, restart, check). */
@Command(name = "crash", mixinStandardHelpOptions = true,
        description = "Start the server jar, push/replace/delete groups, remote-write and import from many clients, kill -9 the server "
                + "at random moments, restart it and check that every acknowledged sample and DELETE survived.")
final class CrashCommand implements Callable<Integer> {
    @Option(names = "--server-jar", defaultValue = "server/target/vigil.jar", description = "The server jar (default: ${DEFAULT-VALUE}).")
    Path serverJar;

    @Option(names = "--kills", defaultValue = "50", description = "How many times to kill the server (default: ${DEFAULT-VALUE}).")
    int kills;

    @Option(names = {"-c", "--clients"}, defaultValue = "8", description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--min-up", defaultValue = "500", description = "Shortest time in ms the server runs before a kill (default: ${DEFAULT-VALUE}).")
    long minUp;

    @Option(names = "--max-up", defaultValue = "4000", description = "Longest time in ms the server runs before a kill (default: ${DEFAULT-VALUE}).")
    long maxUp;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--server-jvm-arg", description = "An extra JVM argument for the server (repeatable), e.g. "
            + "-Xmx512m.")
    List<String> serverJvmArgs = new java.util.ArrayList<>();

    @Option(names = "--data-dir", description = "Data folder (default: a new temporary folder).")
    Path dataDir;

    private List<String> launch() {
        List<String> l = new java.util.ArrayList<>(serverJvmArgs);
        l.add("-jar");
        l.add(serverJar.toString());
        return l;
    }

    @Override
    public Integer call() throws Exception {
        Path dir = dataDir != null ? dataDir : Files.createTempDirectory("vigil-crash").resolve("data");
        System.out.println("data folder " + dir + ", server log " + dir.resolveSibling(dir.getFileName() + ".server.log"));
        CrashRun.Result r = CrashRun.run(new CrashRun.Config(launch(), dir, kills, clients, minUp, maxUp, seed,
                System.out));
        System.out.println(r);
        r.problems().forEach(p -> System.out.println("  " + p));
        return r.clean() ? 0 : 1;
    }
}
