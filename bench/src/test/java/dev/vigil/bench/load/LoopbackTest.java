package dev.vigil.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LoopbackTest {
    @Test
    void onlyLoopbackTargetsAreAccepted() {
        assertEquals("http://127.0.0.1:9091", Loopback.check("http://127.0.0.1:9091/").toString());
        assertEquals("https://127.0.0.1:9091", Loopback.check("https://127.0.0.1:9091").toString(), "TLS to this machine too");
        assertEquals("http://localhost:9090", Loopback.check("http://localhost:9090").toString());
        for (String bad : new String[] {"http://10.0.0.1:9091", "http://example.org", "https://10.0.0.1:9091", "http://127.0.0.2:1",
                "ftp://127.0.0.1/"}) {
            assertThrows(IllegalArgumentException.class, () -> Loopback.check(bad), bad);
        }
    }

    @Test
    void statsCountSamplesOnlyForAcceptedPushesAndKeepTheFirstErrorPerStatus() {
        Stats s = new Stats();
        s.record(2_000_000, 200, 100, 1000);
        s.record(3_000_000, 400, 100, 1000);
        s.noteError(400, "text format parsing error in line 3");
        s.noteError(400, "later");
        s.record(1_000_000, Stats.IO_ERROR, 100, 1000);
        assertEquals(3, s.requests());
        assertEquals(100, s.samples());
        assertEquals(2, s.errors());
        assertEquals("io:1 200:1 400:1", s.statusText());
        assertEquals("text format parsing error in line 3", s.firstErrors().get(400));
        assertEquals(3000, s.total().getMaxValue(), 5, "latencies are recorded in microseconds");
    }
}
