package dev.vigil.ingest.scrape;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Target files: both formats, the file path label, refused files, and a broken edit keeping the last good targets. */
class FileTargetsTest {
    @TempDir
    Path dir;

    @Test
    void readsJsonAndYamlWithTheirPathAndKeepsTheLastGoodTargets() throws Exception {
        Path json = dir.resolve("a.json");
        Files.writeString(json, "[{\"targets\": [\"h1:9100\", \"h2:9100\"], \"labels\": {\"env\": \"prod\"}}]");
        Path yaml = dir.resolve("b.yml");
        Files.writeString(yaml, "- targets: [h3:9100]\n");
        Files.writeString(dir.resolve("c.txt"), "- targets: [nope:1]\n");
        FileTargets f = new FileTargets();
        ScrapeJob.FileSdConfig c = new ScrapeJob.FileSdConfig(List.of(dir + "/*.json", dir + "/*.yml"), 300_000);
        ScrapeJob job = new ScrapeJob("j", 15_000, 10_000, "http", "/metrics", Map.of(), false, true, 0, 0, Map.of(), List.of(),
                null, null, List.of(c));
        assertEquals(List.of(new ScrapeJob.StaticGroup(List.of("h1:9100", "h2:9100"), Map.of("env", "prod", "__meta_filepath", json.toString())),
                new ScrapeJob.StaticGroup(List.of("h3:9100"), Map.of("__meta_filepath", yaml.toString()))), f.groups(c));
        String before = f.signature(List.of(job));
        // A broken edit keeps what the file gave last; the change is still seen.
        Files.writeString(json, "[{\"targets\": [\"h1:9100\"], \"labels\": {\"bad-name\": \"x\"}}]");
        Files.setLastModifiedTime(json, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertNotEquals(before, f.signature(List.of(job)));
        assertEquals(2, f.groups(c).size());
        assertEquals(List.of("h1:9100", "h2:9100"), f.groups(c).get(0).targets());
        Files.delete(yaml);
        assertEquals(1, f.groups(c).size());
    }

    @Test
    void aFileWithAnErrorIsRefusedWhole() {
        assertEquals("\"bad-name\" is not a valid label name", assertThrows(IllegalArgumentException.class,
                () -> FileTargets.parse("[{\"targets\": [\"a:1\"]}, {\"targets\": [\"b:1\"], \"labels\": {\"bad-name\": \"x\"}}]", "__meta_filepath", "x.json"))
                .getMessage());
        assertThrows(IllegalArgumentException.class, () -> FileTargets.parse("{\"targets\": [\"a:1\"]}", "__meta_filepath", "x.json"));
        assertEquals(List.of(), FileTargets.parse("", "__meta_filepath", "x.json"));
    }
}
