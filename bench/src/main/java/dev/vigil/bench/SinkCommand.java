package dev.vigil.bench;

import dev.vigil.bench.sink.RemoteWriteSink;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs {@link RemoteWriteSink} until killed. */
@Command(name = "sink", mixinStandardHelpOptions = true,
        description = "A remote-write receiver that snappy-decodes and counts what it gets (GET /metrics: sink_samples_total ...), answers 204 and stores nothing: stands in for a receiver on another machine.")
final class SinkCommand implements Callable<Integer> {
    @Option(names = "--listen", defaultValue = "127.0.0.1:9201", description = "host:port. Default: ${DEFAULT-VALUE}")
    String listen;

    @Option(names = "--threads", defaultValue = "2", description = "Worker threads. Default: ${DEFAULT-VALUE}")
    int threads;

    @Override
    public Integer call() throws Exception {
        int colon = listen.lastIndexOf(':');
        try (RemoteWriteSink s = new RemoteWriteSink(new InetSocketAddress(listen.substring(0, colon),
                Integer.parseInt(listen.substring(colon + 1))), threads)) {
            System.out.println("sink: listening on " + listen.substring(0, colon) + ":" + s.port() + ", POST /api/v1/write, GET /metrics");
            Thread.currentThread().join();
        }
        return 0;
    }
}
