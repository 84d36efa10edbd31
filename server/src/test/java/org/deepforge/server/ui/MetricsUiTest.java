package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.deepforge.exec.events.JobEvent;
import org.deepforge.exec.run.SqliteRunStore;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The Metrics tab of a job with a 300,000-point series (written straight into the run database beside a real Python job's
 * small one): the chart asks for about two points per pixel, a drag-zoom fetches its steps finer, every point downloads as CSV.
 */
class MetricsUiTest extends UiTestBase {
    @Test
    void aBigSeriesIsChartedDownsampledAndRefinedOnZoom() throws Exception {
        String code = "from deepforge import log_metric\n\nclass Make:\n    def execute(self):\n"
                + "        for step in range(5):\n            log_metric('loss', 1.0 / (step + 1), step)\n        result = 1\n        return result\n";
        String p = ExecutionsUiTest.project("Big metrics", "Make", code, "result", null);
        String id = server.post("/api/v1/projects/" + p + "/pipelines/pl/executions", "{}").json().get("id").asText();
        JsonNode[] done = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            done[0] = server.get("/api/v1/executions/" + id).json();
            return done[0].path("finished").isTextual();
        });
        assertThat(done[0].get("status").asText()).as(done[0].toString()).isEqualTo("success");
        try (SqliteRunStore runs = new SqliteRunStore(server.dataDir.resolve("runs.db"))) {
            for (int from = 0; from < 300_000; from += 10_000) {
                List<JobEvent> batch = new ArrayList<>();
                for (int step = from; step < from + 10_000; step++) {
                    batch.add(new JobEvent.Metric("big", OptionalDouble.of(Math.sin(step / 5000.0)), OptionalLong.of(step), 1.7e9 + step));
                }
                runs.addEvents(id, "make", batch);
            }
        }

        Browser ui = browser().open("/p/" + p + "/main/executions/" + id);
        ui.waitFor("execution-view");
        ExecutionsUiTest.openJob(ui, "make");
        ui.click("metrics-tab");
        String big = "[data-testid='metric-chart'][data-metric='big']";
        ui.until("the big chart", d -> !d.findElements(By.cssSelector(big + " .u-over")).isEmpty());
        int drawn = Integer.parseInt(ui.attributeOf(big, "data-points"));
        assertThat(drawn).as("about two points per pixel, not 300,000").isBetween(100, 20_000);
        assertThat(requests("/metrics?")).isNotEmpty().allMatch(u -> u.contains("points="));
        assertThat(ui.attributeOf("[data-testid='metrics-download']", "href")).endsWith("/jobs/make/metrics.csv");

        // drag across the middle of the chart: its steps come again, finer
        WebElement over = ui.driver.findElement(By.cssSelector(big + " .u-over"));
        new Actions(ui.driver).moveToElement(over, -20, 0).clickAndHold().moveByOffset(40, 0).release().perform();
        ui.until("a request for the zoomed steps", d -> requests("/metrics?").stream().anyMatch(u -> u.contains("from=") && u.contains("to=")));
        ui.until("the finer points merged in", d -> Integer.parseInt(ui.attributeOf(big, "data-points")) > drawn);
        ui.screenshot(SCREENSHOTS.resolve(testName + ".png"));
        screenshotTaken = true;
    }

    @SuppressWarnings("unchecked")
    private List<String> requests(String containing) {
        Browser ui = browsers.get(0);
        return ((List<Object>) ui.driver.executeScript("return performance.getEntriesByType('resource').map(e => e.name)")).stream()
                .map(String::valueOf).filter(u -> u.contains(containing)).toList();
    }
}
