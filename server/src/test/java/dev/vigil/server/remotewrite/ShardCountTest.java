package dev.vigil.server.remotewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The shard count follows the load in capped steps, within the configured bounds. */
class ShardCountTest {
    @Test
    void followsTheLoadInCappedSteps() {
        // 40 k samples/s at 0.5 ms a sample in one shard needs 20 shards: reached by doubling.
        assertEquals(2, ShardCount.desired(1, 1, 200, 0.0005, 40_000, 0));
        assertEquals(16, ShardCount.desired(8, 1, 200, 0.0005, 40_000, 0));
        assertEquals(20, ShardCount.desired(16, 1, 200, 0.0005, 40_000, 0));
        // A backlog adds 5 % of itself per second: 60 s behind at 40 k/s asks for 4× as many.
        assertEquals(80, ShardCount.desired(64, 1, 200, 0.0005, 40_000, 60));
        // Idle: halves each step down to min_shards.
        assertEquals(10, ShardCount.desired(20, 1, 200, 0.0005, 10, 0));
        assertEquals(3, ShardCount.desired(5, 3, 200, 0.0005, 10, 0));
        assertEquals(50, ShardCount.desired(40, 1, 50, 0.0005, 1_000_000, 0));
    }

    @Test
    void smallChangesAreNotWorthAReshard() {
        assertFalse(ShardCount.worthChanging(10, 12));
        assertFalse(ShardCount.worthChanging(10, 8));
        assertTrue(ShardCount.worthChanging(10, 13));
        assertTrue(ShardCount.worthChanging(1, 2));
        assertFalse(ShardCount.worthChanging(1, 1));
    }
}
