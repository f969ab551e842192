package dev.vigil.bench.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Alerts and Rules pages, and the Flink overview's firing mark, in Debian's chromium against
 * a real Vigil evaluating a rule file: one alert fires at once, one waits an hour in pending,
 * one rule fails on every evaluation.
 */
class AlertsPagesBrowserTest {
    private static final String RULES = """
            groups:
              - name: pages
                interval: 1s
                rules:
                  - alert: JobOnFire
                    expr: max by (job_name, job_id) (flink_jobmanager_job_uptime) > 0
                    labels: {severity: page}
                    annotations: {summary: "Job {{ $labels.job_name }} is on fire"}
                  - alert: SlowBurn
                    expr: vector(1) > 0
                    for: 1h
                    labels: {severity: ticket, team: streaming}
                    annotations: {description: Nothing to do for an hour}
                  - record: broken:many_to_many
                    expr: vector(1) + on() (label_replace(vector(1), "a", "1", "", "") or label_replace(vector(1), "a", "2", "", ""))
            """;
    private static final String JOB_ID = "4d104549cd53b64fbd034caeaed709b2";
    /** What the reporter pushes for a chained task: names sanitised, " -> " became "____". */
    private static final String PUSH = """
            # TYPE flink_jobmanager_job_uptime gauge
            flink_jobmanager_job_uptime{job_name="Fire_Job",job_id="%1$s",host="localhost"} 60000
            # TYPE flink_taskmanager_job_task_numRecordsInPerSecond gauge
            flink_taskmanager_job_task_numRecordsInPerSecond{job_name="Fire_Job",job_id="%1$s",task_name="Source:_Rate_Source____Key_Map",subtask_index="0",tm_id="tm_1"} 42
            """.formatted(JOB_ID);

    @TempDir
    static Path data;
    private static VigilServer vigil;
    private static String base;
    private static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        References.require("chromium");
        References.require("chromedriver");
        Files.writeString(data.resolve("rules.yml"), RULES);
        Path config = data.resolve("vigil.yml");
        Files.writeString(config, "global:\n  evaluation_interval: 1s\nrule_files: [rules.yml]\n");
        int webPort;
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            webPort = free.getLocalPort();
        }
        ServerConfig cfg = Flags.parse("--web.listen-address=127.0.0.1:" + webPort, "--push.listen-address=127.0.0.1:0",
                "--storage.tsdb.path=" + data.resolve("data"), "--config.file=" + config);
        vigil = VigilServer.start(cfg, VigilServer.defaultWiring(cfg), () -> { });
        base = "http://127.0.0.1:" + vigil.webAddress().getPort();
        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + vigil.pushAddress().getPort() + "/metrics/job/pushgateway" + JOB_ID))
                .PUT(HttpRequest.BodyPublishers.ofString(PUSH)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, put.statusCode(), put.body());
        browser = new Browser();
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

    private static WebDriverWait waitUpTo(int seconds) {
        return new WebDriverWait(browser.driver, Duration.ofSeconds(seconds));
    }

    @Test
    void alertsPageShowsFiringAndPendingAlertsWithLabelsAndAnnotations() throws Exception {
        browser.driver.get(base + "/alerts");
        WebElement firing = waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".alert-rule[data-rule='JobOnFire'] tr.alert[data-state='firing']")));
        String row = firing.getText();
        assertTrue(row.contains("FIRING") && row.contains("job_name=\"Fire_Job\"") && row.contains("severity=\"page\"")
                && row.contains("job_id=\"" + JOB_ID + "\""), row);
        assertTrue(row.contains("Job Fire_Job is on fire"), "the templated annotation: " + row);
        WebElement pending = waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(".alert-rule[data-rule='SlowBurn'] tr.alert[data-state='pending']")));
        assertTrue(pending.getText().contains("PENDING") && pending.getText().contains("team=\"streaming\"")
                && pending.getText().contains("Nothing to do for an hour"), pending.getText());
        assertTrue(browser.driver.findElement(By.cssSelector(".alert-rule[data-rule='SlowBurn']")).getText().contains("for 1h"));
        assertEquals("1", browser.driver.findElement(By.id("count-firing")).getText());
        assertEquals("1", browser.driver.findElement(By.id("count-pending")).getText());
        browser.screenshot("alerts");

        // The state filter: only pending, and it is kept in the URL.
        browser.driver.findElement(By.cssSelector(".state-filter[value='firing']")).click();
        waitUpTo(5).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector(".alert-rule"), 1));
        assertEquals("SlowBurn", browser.driver.findElement(By.cssSelector(".alert-rule")).getAttribute("data-rule"));
        assertTrue(browser.driver.getCurrentUrl().endsWith("?state=pending"), browser.driver.getCurrentUrl());
        assertNavHas("Alerts", "Rules");
    }

    @Test
    void rulesPageShowsHealthLastErrorAndExpressions() throws Exception {
        browser.driver.get(base + "/rules");
        WebElement ok = waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr.rule[data-rule='JobOnFire'][data-health='ok']")));
        assertTrue(ok.getText().contains("max by (job_name, job_id) (flink_jobmanager_job_uptime) > 0"), ok.getText());
        assertTrue(ok.findElement(By.cssSelector(".badge")).getText().equals("ok"));
        WebElement broken = waitUpTo(30).until(ExpectedConditions.presenceOfElementLocated(
                By.cssSelector("tr.rule[data-rule='broken:many_to_many'][data-health='err']")));
        String error = broken.findElement(By.cssSelector(".last-error")).getText();
        assertTrue(error.contains("many-to-many matching not allowed"), error);
        assertTrue(broken.getText().contains("ago"), "last evaluation shown: " + broken.getText());
        assertTrue(browser.driver.findElement(By.cssSelector(".rule-group[data-group='pages']")).getText().contains("rules.yml"));
        browser.screenshot("rules");
        assertNavHas("Alerts", "Rules");
    }

    @Test
    void flinkOverviewMarksTheJobWithAFiringAlertAndShowsFlinkTaskNames() throws Exception {
        waitUpTo(30).until(d -> {
            d.get(base + "/flink");
            return new WebDriverWait(d, Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#jobs-table tr.job"))).getAttribute("data-firing").equals("true");
        });
        WebElement job = browser.driver.findElement(By.cssSelector("#jobs-table tr.job"));
        assertTrue(job.getText().contains("JobOnFire firing"), job.getText());
        // The task's chart legend reads as Flink names it; its query keeps the label value. The
        // page draws its charts once, so a chart whose query was turned away under the full
        // suite's load is drawn again by a reload, as a user would.
        long[] loaded = {System.nanoTime()};
        WebElement records = waitUpTo(45).until(d -> {
            WebElement chart = taskChart(d);
            if (chart == null && System.nanoTime() - loaded[0] > 10_000_000_000L) {
                d.get(base + "/flink");
                loaded[0] = System.nanoTime();
            }
            return chart;
        });
        String legend = records.findElement(By.cssSelector(".u-legend")).getText();
        assertTrue(legend.contains("Source: Rate Source -> Key Map"), legend);
        assertTrue(!legend.contains("Source:_Rate_Source"), legend);
        String query = records.findElement(By.cssSelector(".card-title a")).getAttribute("href");
        assertTrue(java.net.URLDecoder.decode(query, java.nio.charset.StandardCharsets.UTF_8).contains("task_name"), query);
        browser.screenshot("flink-firing");
    }

    /** The "Records in per second, by task" chart once it has drawn series, else null. */
    private static WebElement taskChart(org.openqa.selenium.WebDriver d) {
        return d.findElements(By.cssSelector(".flink-chart")).stream()
                .filter(c -> c.getText().startsWith("Records in per second, by task"))
                .filter(c -> !c.findElements(By.cssSelector(".chart[data-series]")).isEmpty()).findFirst().orElse(null);
    }

    private static void assertNavHas(String... items) {
        String nav = browser.driver.findElement(By.cssSelector("header.nav")).getText();
        for (String item : items) {
            assertTrue(nav.contains(item), nav);
        }
    }
}
