package dev.vigil.server.http.webconfig;

import java.nio.file.Path;
import java.util.List;

/**
 * {@code tls_server_config} with the file's relative paths resolved and Go's names mapped to the JDK's.
 *
 * @param clientCaFile null when not set
 * @param cipherSuites JDK names of the TLS 1.2-and-older suites to allow; empty: the JDK's defaults
 *     (TLS 1.3 suites are never narrowed, as in Go)
 * @param protocols the JDK protocol names from {@code min_version} to {@code max_version}
 * @param namedGroups {@code curve_preferences} as JDK named groups, in order; empty: the JDK's defaults
 */
public record TlsSettings(Path certFile, Path keyFile, ClientAuth clientAuth, Path clientCaFile,
        List<String> cipherSuites, List<String> protocols, boolean preferServerCipherSuites, List<String> namedGroups) {
    /** The files whose change means new certificates to load. */
    public List<Path> files() {
        return clientCaFile == null ? List.of(certFile, keyFile) : List.of(certFile, keyFile, clientCaFile);
    }
}
