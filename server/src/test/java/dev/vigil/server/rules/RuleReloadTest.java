package dev.vigil.server.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rule_files globs relative to the config file; a bad file on reload leaves the running rules alone. */
class RuleReloadTest {
    @TempDir
    Path dir;

    @Test
    void badRuleFileOnReloadKeepsTheRunningRules() throws Exception {
        Files.createDirectories(dir.resolve("rules"));
        Files.writeString(dir.resolve("rules/a.yml"), "groups: [{name: a, interval: 1s, rules: [{record: one, expr: vector(1)}]}]\n");
        Files.writeString(dir.resolve("rules/b.yml"), "groups: [{name: b, rules: [{alert: Always, expr: vector(1)}]}]\n");
        Files.writeString(dir.resolve("rules/ignored.txt"), "not yaml: [");
        Path config = dir.resolve("vigil.yml");
        Files.writeString(config, "global: {evaluation_interval: 30s}\nrule_files: ['rules/*.yml']\n");
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                "--storage.tsdb.path=" + dir.resolve("data"), "--config.file=" + config);
        try (VigilServer vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { })) {
            String base = "http://127.0.0.1:" + vigil.webAddress().getPort();
            JsonNode groups = rules(base);
            assertEquals(2, groups.size());
            assertEquals(dir.resolve("rules/a.yml").toString(), groups.get(0).get("file").asText());
            assertEquals(1, groups.get(0).get("interval").asInt());
            assertEquals(30, groups.get(1).get("interval").asInt());

            Files.writeString(dir.resolve("rules/b.yml"), "groups:\n- name: b\n  rules:\n  - alert: Always\n    expr: vector(1\n");
            String err = vigil.reloadConfig();
            assertTrue(err != null && err.contains(dir.resolve("rules/b.yml") + ": 5:11: group \"b\", rule 1, \"Always\": could not parse"),
                    String.valueOf(err));
            assertEquals(2, rules(base).size());

            Files.delete(dir.resolve("rules/b.yml"));
            assertNull(vigil.reloadConfig());
            assertEquals(1, rules(base).size());
            // The unchanged group kept evaluating: its recording rule is queryable.
            Thread.sleep(2_500);
            HttpResponse<String> q = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/query?query=one")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(q.body().contains("\"__name__\":\"one\""), q.body());
        }
    }

    private static JsonNode rules(String base) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + "/api/v1/rules")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body()).get("data").get("groups");
    }
}
