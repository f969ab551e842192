package dev.vigil.ingest.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.vigil.ingest.text.TextParser;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A body reused after {@link PushBody#reset()} holds exactly the next push, nothing of the one before. */
class PushBodyReuseTest {
    private static void parse(PushBody b, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        new TextParser().parse(bytes, 0, bytes.length, b);
    }

    @Test
    void resetForgetsFamiliesSamplesTypesAndTimestamps() throws Exception {
        PushBody b = new PushBody(PushOptions.defaults());
        parse(b, "# HELP a first help\n# TYPE a counter\na{x=\"1\"} 1\na{x=\"2\"} 2\nb 3 1000\n");
        assertEquals(3, b.samples());
        assertEquals(5, b.firstTimestampLine()); // the line of "b 3 1000"

        b.reset();
        parse(b, "c 4\na{x=\"3\"} 5\n");
        assertEquals(2, b.samples());
        assertEquals(0, b.firstTimestampLine());
        assertEquals(List.of("c", "a"), List.copyOf(b.families().keySet()));
        PushBody.Family a = b.families().get("a");
        assertEquals(1, a.size());
        assertEquals("3", a.labels(0).get("x"));
        assertEquals(5.0, a.values[0]);
        assertNull(a.type);
        assertNull(a.help);
    }
}
