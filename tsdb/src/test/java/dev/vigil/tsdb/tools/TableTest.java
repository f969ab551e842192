package dev.vigil.tsdb.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The layout of promtool 2.42's {@code tsdb list} (tabwriter: minimum width 13, padding 2). */
class TableTest {
    @Test
    void promtoolsColumns() {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Table.print(List.of(
                new String[] {"BLOCK ULID", "MIN TIME", "MAX TIME", "DURATION", "NUM SAMPLES", "NUM CHUNKS", "NUM SERIES", "SIZE"},
                new String[] {"01M98A6V7JDGHK3SA2CMWFQ48S", "1700013600000", "1700017140001", "59m0.001s", "120", "2", "2", "876"}),
                new PrintStream(b, true, StandardCharsets.UTF_8));
        // As printed by promtool tsdb list on a block of that shape.
        assertEquals("BLOCK ULID                  MIN TIME       MAX TIME       DURATION     NUM SAMPLES  NUM CHUNKS   NUM SERIES   SIZE\n"
                + "01M98A6V7JDGHK3SA2CMWFQ48S  1700013600000  1700017140001  59m0.001s    120          2            2            876\n",
                b.toString(StandardCharsets.UTF_8));
    }
}
