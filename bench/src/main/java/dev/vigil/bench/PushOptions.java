package dev.vigil.bench;

import dev.vigil.bench.flink.Reporter;
import dev.vigil.bench.load.Http;
import dev.vigil.bench.load.Loopback;
import dev.vigil.bench.load.PushTarget;
import java.net.URI;
import java.util.List;
import picocli.CommandLine.Option;

/** Where and how the push modes send the simulated reporters' pushes. */
final class PushOptions {
    @Option(names = "--url", defaultValue = "http://127.0.0.1:9091", description = "Pushgateway-compatible base URL (loopback only). Default: ${DEFAULT-VALUE}")
    String url;

    @Option(names = "--import-path", description = "Push by POSTing to this import route with extra_label=job=<group> instead of PUT to /metrics/job/<group> (for stores without push groups), e.g. /api/v1/import/prometheus.")
    String importPath;

    @Option(names = "--path-prefix", defaultValue = "", description = "Inserted before /metrics/job/..., e.g. /api/v1/import/prometheus for a store that takes pushes there.")
    String pathPrefix;

    @Option(names = "--delete-on-exit", defaultValue = "true", negatable = true, fallbackValue = "true",
            description = "Send the reporter's DELETE for every group at the end. Default: ${DEFAULT-VALUE}")
    boolean deleteOnExit;

    @Option(names = "--cacert", description = "For an https --url: trust the CA certificates in this PEM file.")
    java.nio.file.Path caCert;

    @Option(names = "--insecure", description = "For an https --url: accept any server certificate (the target is on loopback).")
    boolean insecure;

    @Option(names = "--user", description = "user:password sent as basic auth on every request, as Flink 2.3's reporter sends its username and password.")
    String user;

    /** The TLS client context for an https URL, or null for http. */
    javax.net.ssl.SSLContext tls() throws Exception {
        if (!base().getScheme().equals("https")) {
            return null;
        }
        if (caCert != null) {
            return dev.vigil.bench.load.ClientTls.trusting(caCert);
        }
        if (insecure) {
            return dev.vigil.bench.load.ClientTls.insecure();
        }
        throw new IllegalArgumentException("an https --url needs --cacert FILE or --insecure");
    }

    /** {@code extra} plus the Authorization header when {@code --user} is given: encoded once, sent as is. */
    String[] headers(String... extra) {
        if (user == null) {
            return extra;
        }
        if (user.indexOf(':') < 0) {
            throw new IllegalArgumentException("--user must be user:password");
        }
        String[] out = java.util.Arrays.copyOf(extra, extra.length + 2);
        out[extra.length] = "Authorization";
        out[extra.length + 1] = "Basic " + java.util.Base64.getEncoder().encodeToString(
                user.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return out;
    }

    /** The checked base URL (loopback only). */
    URI base() {
        return Loopback.check(url);
    }

    /**
     * Sends the reporter's shutdown DELETE for every group when {@code --delete-on-exit} is on.
     *
     * @return how many DELETEs were not answered with a 2xx (each is printed)
     */
    int deleteGroups(List<Reporter> reps, PushTarget to, Http http) throws Exception {
        if (!deleteOnExit) {
            return 0;
        }
        int failures = 0;
        for (Reporter r : reps) {
            URI del = to.delete(r.path());
            if (del != null) {
                Http.Answer a = http.send("DELETE", del, null, 0, Http.TEXT_004, headers());
                if (a.status() < 200 || a.status() >= 300) {
                    System.out.println("DELETE " + del + " answered " + a.status() + ": " + a.body());
                    failures++;
                }
            }
        }
        return failures;
    }
}
