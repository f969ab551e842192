package dev.vigil.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vigil.server.api.RemoteReadApi;
import dev.vigil.tsdb.Labels;
import org.junit.jupiter.api.Test;

/** The remote-read flags and the external labels that federation and remote read attach. */
class RemoteReadFlagsTest {
    @Test
    void defaultsAreEqualToPrometheus() throws Exception {
        assertEquals(new RemoteReadApi.Limits(50_000_000, 10, 1_048_576), RemoteReadFlags.of(Flags.parse()));
        assertEquals(new RemoteReadApi.Limits(1000, 0, 4096), RemoteReadFlags.of(Flags.parse(
                "--storage.remote.read-sample-limit=1e3", "--storage.remote.read-concurrent-limit=0",
                "--storage.remote.read-max-bytes-in-frame", "4096")));
    }

    @Test
    void badValuesNameTheFlag() {
        UsageException e = assertThrows(UsageException.class, () -> Flags.parse("--storage.remote.read-sample-limit=lots"));
        assertEquals("invalid value 'lots' for flag '--storage.remote.read-sample-limit': expected a whole number from 0 to "
                + Long.MAX_VALUE, e.getMessage());
        assertThrows(UsageException.class, () -> Flags.parse("--storage.remote.read-concurrent-limit=-1"));
        assertThrows(UsageException.class, () -> Flags.parse("--storage.remote.read-concurrent-limit=1.5"));
    }
}
