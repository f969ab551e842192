package dev.vigil.server.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.ingest.push.GroupKeys;
import dev.vigil.tsdb.Labels;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Fuzz target for the grouping-key part of push URLs: any path is a group or a {@link GroupPath.BadPath}
 * with a message (400/404), never another exception; and the group it names is the one a client
 * reaches by base64-encoding every value, as Flink's reporter and the Java client may. {@code mvn
 * test} replays the seeds in {@code GroupPathFuzzTestInputs/parse}; fuzz with {@code JAZZER_FUZZ=1}.
 */
class GroupPathFuzzTest {
    @FuzzTest(maxDuration = "2m")
    void parse(byte[] data) throws GroupPath.BadPath {
        Labels key;
        try {
            key = GroupPath.parse(new String(data, StandardCharsets.UTF_8));
        } catch (GroupPath.BadPath expected) {
            assertFalse(String.valueOf(expected.getMessage()).isEmpty());
            return;
        }
        Map<String, String> shown = GroupKeys.shown(key);
        assertFalse(shown.getOrDefault("job", "").isEmpty(), "a group has a job");
        StringBuilder path = new StringBuilder("job@base64/").append(base64(shown.get("job")));
        shown.forEach((name, value) -> {
            if (!name.equals("job")) {
                path.append('/').append(name).append("@base64/").append(base64(value));
            }
        });
        assertEquals(key, GroupPath.parse(path.toString()), path.toString());
    }

    private static String base64(String value) {
        return value.isEmpty() ? "=" : Base64.getUrlEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
