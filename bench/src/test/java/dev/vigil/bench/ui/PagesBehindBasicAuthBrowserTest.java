package dev.vigil.bench.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.tsdb.testing.References;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web pages in chromium behind basic auth: with the operator's credentials the push page loads
 * its data from the API and deletes a group (a same-origin DELETE, which the cross-site check lets
 * through); without them the page is a 401.
 */
class PagesBehindBasicAuthBrowserTest {
    @Test
    void thePushPageWorksWithCredentialsAndIsRefusedWithout(@TempDir Path dir) throws Exception {
        References.require("chromium");
        References.require("chromedriver");
        String hash = new String(BCrypt.with(BCrypt.Version.VERSION_2Y).hash(4, "ops-pw".toCharArray()), StandardCharsets.US_ASCII);
        Files.writeString(dir.resolve("web.yml"), "basic_auth_users:\n  ops: " + hash + "\n");
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.config.file=" + dir.resolve("web.yml"));
        try (VigilServer vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { })) {
            String host = "127.0.0.1:" + vigil.webAddress().getPort();
            HttpClient http = HttpClient.newHttpClient();
            String auth = "Basic " + Base64.getEncoder().encodeToString("ops:ops-pw".getBytes(StandardCharsets.UTF_8));
            for (String job : new String[] {"alpha", "beta"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/metrics/job/" + job))
                        .header("Authorization", auth).PUT(HttpRequest.BodyPublishers.ofString("m 1\n")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(2, r.statusCode() / 100, r.body());
            }
            try (Browser browser = new Browser()) {
                browser.driver.get("http://" + host + "/push");
                // Headless chromium shows no login prompt: the page is simply not served.
                assertTrue(browser.driver.findElements(By.id("groups")).isEmpty(), "no credentials, no page");

                // Credentials in the address authenticate the browser; the page itself is then opened
                // without them (a page whose address holds credentials may not fetch() relative URLs).
                browser.driver.get("http://ops:ops-pw@" + host + "/");
                browser.driver.get("http://" + host + "/push");
                WebDriverWait wait = new WebDriverWait(browser.driver, Duration.ofSeconds(20));
                wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#groups tbody tr"), 2));
                browser.driver.findElements(By.cssSelector("#groups tbody tr")).get(0)
                        .findElement(By.cssSelector("button.delete")).click();
                wait.until(ExpectedConditions.alertIsPresent()).accept();
                wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#groups tbody tr"), 1));
            }
            HttpResponse<String> left = http.send(HttpRequest.newBuilder(URI.create("http://" + host + "/api/v1/metrics"))
                    .header("Authorization", auth).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(1, new com.fasterxml.jackson.databind.ObjectMapper().readTree(left.body()).get("data").size(),
                    "the delete from the page went through");
        }
    }
}
