package dev.vigil.bench.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.tsdb.testing.References;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The pages in chromium under {@code --web.route-prefix}, as an operator serves Vigil beside other
 * tools on one host: the push page loads its groups and deletes one through the prefix, and the
 * navigation stays inside it.
 */
class PagesUnderRoutePrefixBrowserTest {
    @Test
    void thePagesWorkUnderAPrefix(@TempDir Path dir) throws Exception {
        References.require("chromium");
        References.require("chromedriver");
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=",
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.route-prefix=/vigil");
        try (VigilServer vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { })) {
            String root = "http://127.0.0.1:" + vigil.webAddress().getPort() + "/vigil";
            HttpClient http = HttpClient.newHttpClient();
            for (String job : new String[] {"alpha", "beta"}) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(root + "/metrics/job/" + job))
                        .PUT(HttpRequest.BodyPublishers.ofString("m 1\n")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(2, r.statusCode() / 100, r.body());
            }
            try (Browser browser = new Browser()) {
                WebDriverWait wait = new WebDriverWait(browser.driver, Duration.ofSeconds(20));
                browser.driver.get(root + "/push");
                wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#groups tbody tr"), 2));
                browser.driver.findElements(By.cssSelector("#groups tbody tr")).get(0)
                        .findElement(By.cssSelector("button.delete")).click();
                wait.until(ExpectedConditions.alertIsPresent()).accept();
                wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#groups tbody tr"), 1));

                browser.driver.findElement(By.linkText("Flink")).click();
                wait.until(ExpectedConditions.urlToBe(root + "/flink"));
                browser.driver.findElement(By.linkText("VIGIL")).click();
                wait.until(ExpectedConditions.urlToBe(root + "/"));
            }
            HttpResponse<String> left = http.send(HttpRequest.newBuilder(URI.create(root + "/api/v1/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(1, new com.fasterxml.jackson.databind.ObjectMapper().readTree(left.body()).get("data").size(),
                    "the delete from the page went through the prefix");
        }
    }
}
