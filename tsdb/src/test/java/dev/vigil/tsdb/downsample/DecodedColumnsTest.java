package dev.vigil.tsdb.downsample;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The decoded-column cache stays within its bytes, dropping the least recently used first. */
class DecodedColumnsTest {
    private static DecodedColumns.Column column(int n) {
        return new DecodedColumns.Column(new long[n], new double[n], n, Double.NaN);
    }

    @Test
    void staysWithinItsBoundAndKeepsWhatWasReadLast() {
        long one = 16L * 1000 + 64;
        DecodedColumns c = new DecodedColumns(4 * one);
        for (int i = 0; i < 4; i++) {
            c.put("b", i, Aggregate.SUM, column(1000));
        }
        assertEquals(4 * one, c.bytes());
        assertNotNull(c.get("b", 0, Aggregate.SUM)); // now the most recently used
        c.put("b", 4, Aggregate.SUM, column(1000));
        assertTrue(c.bytes() <= 4 * one);
        assertNull(c.get("b", 1, Aggregate.SUM), "the least recently used went");
        assertNotNull(c.get("b", 0, Aggregate.SUM));
        assertNotNull(c.get("b", 4, Aggregate.SUM));
        assertNull(c.get("b", 4, Aggregate.MAX), "another aggregate is another column");
        assertNull(c.get("other", 4, Aggregate.SUM), "another block is another column");
        // One column over a quarter of the bound is not kept (it would empty the cache).
        c.put("b", 9, Aggregate.SUM, column(2000));
        assertNull(c.get("b", 9, Aggregate.SUM));
        assertEquals(4 * one, c.bytes());
    }
}
