package dev.vigil.bench.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.tsdb.testing.References;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page in Debian's chromium shows a remote-write queue whose receiver is down: its
 * name, endpoint (without the password in the URL), the samples waiting, the retries and the
 * connection error, and never the password.
 */
class RemoteWriteStatusBrowserTest {
    @TempDir
    Path data;

    @Test
    void statusPageShowsAFailingRemoteWithItsError() throws Exception {
        References.require("chromium");
        References.require("chromedriver");
        int dead;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            dead = free.getLocalPort(); // closed again: nothing listens there
        }
        Path config = data.resolve("vigil.yml");
        Files.writeString(config, """
                remote_write:
                  - url: http://vigil:pa55word@127.0.0.1:%d/api/v1/write
                    name: mimir
                    queue_config: {batch_send_deadline: 200ms, min_backoff: 100ms, max_backoff: 200ms}
                """.formatted(dead));
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:0", "--push.listen-address=127.0.0.1:0",
                "--storage.tsdb.path=" + data.resolve("data"), "--config.file=" + config);
        VigilServer vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
        try (Browser browser = new Browser()) {
            HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                            "http://127.0.0.1:" + vigil.pushAddress().getPort() + "/metrics/job/j"))
                    .PUT(HttpRequest.BodyPublishers.ofString("some_metric 1\n")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode(), put.body());
            String base = "http://127.0.0.1:" + vigil.webAddress().getPort();
            WebElement row = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) { // the page refreshes every 10 s; reload until the retries show
                browser.driver.get(base + "/status");
                row = new WebDriverWait(browser.driver, Duration.ofSeconds(20)).until(
                        ExpectedConditions.presenceOfElementLocated(By.cssSelector("#remote-write tr[data-remote='mimir']")));
                if (row.getText().contains("ConnectException")) {
                    break;
                }
                Thread.sleep(500);
            }
            String text = row.getText();
            assertTrue(text.contains("http://127.0.0.1:" + dead + "/api/v1/write") && text.contains("ConnectException"), text);
            // The pushed sample and push_time_seconds etc. wait in the batch being retried.
            assertFalse(text.contains(" 0 / 2,500"), "samples waiting are shown as pending: " + text);
            assertFalse(browser.driver.getPageSource().contains("pa55word"), "the URL's password is not shown");
            browser.screenshot("status-remote-write");
        } finally {
            vigil.close();
        }
    }
}
