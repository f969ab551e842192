package dev.vigil.bench.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.server.VigilServer;
import dev.vigil.server.cli.Flags;
import dev.vigil.server.cli.ServerConfig;
import dev.vigil.tsdb.testing.References;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine;

/**
 * The web pages in Debian's chromium against a real Vigil (on-disk store, PromQL engine, push
 * API) fed by the load generator: a simulated Flink cluster's last hour backfilled, then pushed
 * live as the reporter does.
 */
class WebPagesBrowserTest {
    private static final int TASK_MANAGERS = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path data;
    private static VigilServer vigil;
    private static String base;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        References.require("chromium");
        References.require("chromedriver");
        int webPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            webPort = free.getLocalPort();
        }
        // Vigil scrapes its own /metrics and one address where nothing listens: one target up, one down.
        Path config = data.resolve("vigil.yml");
        java.nio.file.Files.writeString(config, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: vigil\n"
                + "    static_configs:\n      - targets: ['127.0.0.1:" + webPort + "']\n  - job_name: gone\n"
                + "    static_configs:\n      - targets: ['127.0.0.1:1']\n");
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:" + webPort, "--push.listen-address=127.0.0.1:0",
                "--storage.tsdb.path=" + data.resolve("data"), "--config.file=" + config);
        vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
        base = "http://127.0.0.1:" + vigil.webAddress().getPort();
        String pushUrl = "http://127.0.0.1:" + vigil.pushAddress().getPort();
        String[] cluster = {"-n", String.valueOf(TASK_MANAGERS), "--slots", "1", "--job-name", "flink", "--seed", "7"};
        assertEquals(0, bench("backfill", cluster, "--url", base, "--hours", "1", "--interval", "PT15S", "--progress", "PT1M"));
        assertEquals(0, bench("push", cluster, "--url", pushUrl, "--interval", "PT1S", "--duration", "PT3S", "--threads", "2",
                "--no-delete-on-exit", "--progress", "PT1M"));
        browser = new Browser();
    }

    /** Runs the load generator in-process, as {@code java -jar vigil-bench.jar <mode> ...} would. */
    private static int bench(String mode, String[] cluster, String... args) {
        String[] all = new String[1 + cluster.length + args.length];
        all[0] = mode;
        System.arraycopy(cluster, 0, all, 1, cluster.length);
        System.arraycopy(args, 0, all, 1 + cluster.length, args.length);
        return new CommandLine(new dev.vigil.bench.Main()).execute(all);
    }

    @AfterAll
    static void stop() throws Exception {
        if (browser != null) {
            browser.close();
        }
        if (vigil != null) {
            vigil.close();
        }
    }

    private static JsonNode api(String pathAndQuery) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body()).get("data");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser.driver, Duration.ofSeconds(seconds));
    }

    @Test
    void aQueryTypedInTheEditorDrawsOneLinePerSeries() throws Exception {
        String expr = "flink_taskmanager_Status_JVM_Memory_Heap_Used";
        int expected = api("/api/v1/query?query=" + enc("count(" + expr + ")")).get("result").get(0).get("value").get(1).asInt();
        assertEquals(TASK_MANAGERS, expected, "one heap series per simulated TaskManager");

        browser.driver.get(base + "/");
        WebElement editor = waitUpTo(10).until(ExpectedConditions.elementToBeClickable(By.cssSelector("textarea.expr")));
        editor.sendKeys("flink_taskmanager_Status_JVM_Memory_He");
        // Completion comes from the server's label values, searched there.
        WebElement item = waitUpTo(10).until(ExpectedConditions.visibilityOfElementLocated(
                By.xpath("//ul[contains(@class,'completions')]/li[starts-with(normalize-space(.), '" + expr + "')]")));
        item.click();
        assertEquals(expr, editor.getAttribute("value"));
        editor.sendKeys(Keys.ENTER);

        WebElement chart = waitUpTo(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".result[data-series]")));
        assertEquals(String.valueOf(expected), chart.getAttribute("data-series"));
        assertEquals(expected, browser.driver.findElements(By.cssSelector(".result .u-legend tr.u-series")).size() - 1,
                "legend lists every series (plus the time row)");
        assertTrue(browser.driver.getCurrentUrl().contains("g0.expr=" + expr), "the query is in the URL");
        browser.screenshot("query-graph");

        // The Table tab shows the same series at the end time; the back button returns to the graph.
        browser.driver.findElement(By.cssSelector(".tab-table")).click();
        waitUpTo(20).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".result table.data tbody tr"), expected));
        browser.driver.navigate().back();
        waitUpTo(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".result[data-series]")));
        assertTrue(browser.driver.getCurrentUrl().contains("g0.tab=graph"));
    }

    @Test
    void aBadQueryShowsPrometheusErrorWhereTheQueryIs() throws Exception {
        browser.driver.get(base + "/?g0.expr=" + enc("sum(rate(x[5m])") + "&g0.tab=graph&g0.range=1h");
        WebElement err = waitUpTo(20).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(".query-panel .error")));
        assertTrue(err.getText().contains("parse error"), err.getText());
    }

    @Test
    void pushGroupsPageListsAndDeletesAGroup() throws Exception {
        JsonNode groups = api("/api/v1/metrics");
        int before = groups.size();
        assertEquals(TASK_MANAGERS + 1, before, "one push group per TaskManager and one for the JobManager");

        browser.driver.get(base + "/push");
        List<WebElement> rows = waitUpTo(20).until(ExpectedConditions.numberOfElementsToBe(
                By.cssSelector("#groups tbody tr"), before));
        browser.screenshot("push-groups");
        // The page's data is paged and filtered on the server, so it stays small with 100,000 series.
        JsonNode page = api("/api/v1/push/groups?limit=2&filter=" + enc("job=flink"));
        assertEquals(before, page.get("total").asInt());
        assertEquals(before, page.get("matched").asInt());
        assertEquals(2, page.get("groups").size());
        assertTrue(page.get("groups").get(0).get("series").asInt() > 0);
        HttpResponse<String> bad = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/push/groups?limit=x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, bad.statusCode());
        String someJob = groups.get(1).get("labels").get("job").asText();
        WebElement filter = browser.driver.findElement(By.id("filter"));
        filter.sendKeys(someJob);
        waitUpTo(20).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#groups tbody tr"), 1));
        assertTrue(browser.driver.findElement(By.id("groups")).getText().contains(someJob));
        filter.clear();
        filter.sendKeys(" ");
        rows = waitUpTo(20).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#groups tbody tr"), before));

        String victim = rows.get(0).findElement(By.cssSelector("td.mono")).getText();
        rows.get(0).findElement(By.cssSelector("button.delete")).click();
        waitUpTo(5).until(ExpectedConditions.alertIsPresent()).accept();
        waitUpTo(20).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#groups tbody tr"), before - 1));
        assertEquals(before - 1, api("/api/v1/metrics").size());
        assertFalse(browser.driver.findElement(By.id("groups")).getText().contains(victim), "the deleted group is gone");
    }

    @Test
    void flinkOverviewShowsTheSimulatedJobAndItsCharts() throws Exception {
        browser.driver.get(base + "/flink");
        WebElement jobs = waitUpTo(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#jobs-table tbody tr.job")));
        assertTrue(jobs.getText().contains("RUNNING"), jobs.getText());
        // Every chart resolves: either a drawn plot or an explicit "no data" line, never an error.
        waitUpTo(30).until(d -> d.findElements(By.cssSelector(".flink-chart .chart")).stream()
                .allMatch(c -> c.getAttribute("data-series") != null || !c.findElements(By.cssSelector(".empty")).isEmpty()));
        assertTrue(browser.driver.findElements(By.cssSelector(".flink-chart .error")).isEmpty(), "no chart failed");
        long drawn = browser.driver.findElements(By.cssSelector(".flink-chart .chart[data-series]")).size();
        assertTrue(drawn >= 8, "most job and TaskManager charts have data: " + drawn);
        String heapSeries = browser.driver.findElements(By.cssSelector(".flink-chart")).stream()
                .filter(c -> c.getText().startsWith("Heap used")).findFirst().orElseThrow()
                .findElement(By.cssSelector(".chart")).getAttribute("data-series");
        assertEquals(String.valueOf(TASK_MANAGERS), heapSeries);
        browser.screenshot("flink-overview");
        // Each chart opens its PromQL on the query page.
        String link = browser.driver.findElement(By.cssSelector(".flink-chart .card-title a")).getAttribute("href");
        assertTrue(link.contains("g0.expr="), link);
    }

    @Test
    void tsdbStatusShowsHeadAndCardinality() throws Exception {
        long series = api("/api/v1/status/tsdb").get("headStats").get("numSeries").asLong();
        assertTrue(series > 1000, "the simulated cluster's series are in the head: " + series);
        browser.driver.get(base + "/status");
        // Vigil scrapes its own /metrics here, which grows the head by a few series as the page's
        // requests create new HTTP metrics: compare with the head as it is when the page refreshes.
        waitUpTo(30).until(d -> {
            long now;
            try {
                now = api("/api/v1/status/tsdb").get("headStats").get("numSeries").asLong();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return d.findElement(By.id("head")).getText().contains(String.format(java.util.Locale.US, "%,d", now));
        });
        assertFalse(browser.driver.findElements(By.cssSelector("#top-metrics tr")).isEmpty());
        assertTrue(browser.driver.findElement(By.id("error")).getAttribute("hidden") != null, "no error shown");
        // The scrape targets: Vigil itself up, the unreachable one down with its error.
        waitUpTo(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#targets tr[data-health='up']")));
        waitUpTo(20).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#targets tr[data-health='down']")));
        String down = browser.driver.findElement(By.cssSelector("#targets tr[data-health='down']")).getText();
        assertTrue(down.contains("gone") && down.contains("connection refused"), down);
        browser.screenshot("tsdb-status");
    }


    @Test
    void everyQueryOfTheGrafanaDashboardAnswersWithData() throws Exception {
        JsonNode dash = JSON.readTree(Path.of("..", "docs", "grafana", "flink-overview.json").toFile());
        long end = System.currentTimeMillis() / 1000;
        int queries = 0;
        StringBuilder empty = new StringBuilder();
        for (JsonNode panel : dash.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                // Grafana substitutes "All" of a multi-value variable with its allValue.
                String expr = target.get("expr").asText().replace("$job_name", ".*").replace("$tm_id", ".*");
                JsonNode data = api("/api/v1/query_range?query=" + enc(expr) + "&start=" + (end - 3600) + "&end=" + end + "&step=60");
                assertEquals("matrix", data.get("resultType").asText(), expr);
                if (data.get("result").isEmpty()) {
                    empty.append(panel.get("title").asText()).append(": ").append(expr).append('\n');
                }
                queries++;
            }
        }
        assertTrue(queries >= 18, "the dashboard's panels carry their queries: " + queries);
        // Checkpoint figures exist only once a job has checkpointed; everything else has data.
        assertEquals("", empty.toString().lines().filter(l -> !l.contains("heckpoint")).reduce("", (a, b) -> a + b + "\n"));
    }
}
