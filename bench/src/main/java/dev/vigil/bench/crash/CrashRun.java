package dev.vigil.bench.crash;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The crash harness: starts the server, lets the clients write, kills the server with SIGKILL
 * at a random moment, restarts it, checks it against the clients' ledgers, and again; at the end
 * a clean stop and one more check.
 */
public final class CrashRun {
    /**
     * @param launch how to start the server after the java binary ({@code -jar vigil.jar} or {@code -cp ... main-class})
     * @param minUpMs shortest time the server runs between being checked and killed
     */
    public record Config(List<String> launch, Path dataDir, int kills, int clients, long minUpMs, long maxUpMs, long seed, PrintStream out) {
    }

    /** What a run saw. {@code lost}, {@code unexpected} and {@code groupMismatches} must be 0. */
    public record Result(int kills, long acknowledged, long unanswered, long refused, long sampleChecks, long finalSamples, long lost,
            long unexpected, long groupMismatches, List<String> problems, double seconds) {
        public boolean clean() {
            return lost == 0 && unexpected == 0 && groupMismatches == 0 && refused == 0 && problems.isEmpty();
        }

        @Override
        public String toString() {
            return String.format("kills %d, requests acknowledged %d, unanswered %d, refused %d, sample checks %d "
                    + "(acknowledged samples in the final check %d), lost %d, unexpected %d, group mismatches %d, %.0f s",
                    kills, acknowledged, unanswered, refused, sampleChecks, finalSamples, lost, unexpected, groupMismatches, seconds);
        }
    }

    private CrashRun() {
    }

    public static Result run(Config c) throws IOException, InterruptedException {
        long t0 = System.currentTimeMillis();
        Files.createDirectories(c.dataDir());
        Path log = c.dataDir().resolveSibling(c.dataDir().getFileName() + ".server.log");
        ChildServer server = new ChildServer(c.launch(), c.dataDir(), log);
        Random random = new Random(c.seed());
        Gate gate = new Gate(c.clients());
        AtomicReference<URI> base = new AtomicReference<>();
        AtomicLong values = new AtomicLong();
        List<Client> clients = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < c.clients(); i++) {
            Client cl = new Client(i, random.nextLong(), gate, base::get, values);
            clients.add(cl);
            Thread t = new Thread(cl, "crash-client-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        Checker checker = new Checker(t0);
        List<String> problems = new ArrayList<>();
        long finalSamples = 0;
        int kills = 0;
        try {
            base.set(server.start(Duration.ofMinutes(2)));
            gate.open();
            for (int k = 1; k <= c.kills(); k++) {
                Thread.sleep(c.minUpMs() + (long) (random.nextDouble() * (c.maxUpMs() - c.minUpMs())));
                server.kill();
                kills++;
                gate.close();
                if (!gate.awaitAllParked(120_000)) {
                    problems.add("clients did not stop within 120 s after kill " + k);
                    break;
                }
                base.set(server.start(Duration.ofMinutes(2)));
                long n = checker.check(base.get(), clients);
                c.out().printf("kill %d/%d: %d requests acknowledged so far, %d sample checks this round, lost %d, unexpected %d%n",
                        k, c.kills(), acked(clients), n, checker.lost, checker.unexpected);
                gate.open();
            }
            Thread.sleep(c.minUpMs());
            gate.close();
            gate.awaitAllParked(120_000);
            server.stop();
            base.set(server.start(Duration.ofMinutes(2)));
            finalSamples = checker.check(base.get(), clients);
        } finally {
            gate.stop();
            server.stop();
        }
        long unanswered = 0;
        long refused = 0;
        for (Client cl : clients) {
            unanswered += cl.unknown;
            refused += cl.refused;
            if (cl.lastRefusal != null) {
                problems.add("client " + cl.id + ": " + cl.lastRefusal);
            }
        }
        problems.addAll(checker.problems);
        return new Result(kills, acked(clients), unanswered, refused, checker.samplesChecked, finalSamples, checker.lost, checker.unexpected,
                checker.groupMismatches, problems, (System.currentTimeMillis() - t0) / 1000.0);
    }

    private static long acked(List<Client> clients) {
        long n = 0;
        for (Client cl : clients) {
            n += cl.acked;
        }
        return n;
    }
}
