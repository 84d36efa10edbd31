package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Comparing executions in the browser: select two in the list, see what differed (code lines, seed, outputs), then their metrics. */
class CompareExecutionsUiTest extends UiTestBase {
    static final Duration JOB = Duration.ofSeconds(90);

    static String code(String factor) {
        return "from deepforge import log_metric\n\nclass Make:\n    def __init__(self, n=4):\n        self.n = n\n\n"
                + "    def execute(self):\n        values = [v * " + factor + " for v in range(self.n)]\n"
                + "        for step, v in enumerate(values):\n            log_metric('value', v, step)\n        return values\n";
    }

    static String run(String p, long seed) throws Exception {
        var started = server.post("/api/v1/projects/" + p + "/pipelines/pl/executions", "{\"seed\": " + seed + "}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = started.json().get("id").asText();
        JsonNode[] last = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(JOB).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = server.get("/api/v1/executions/" + id).json();
            return last[0].path("finished").isTextual();
        });
        assertThat(last[0].get("status").asText()).as(last[0].toString()).isEqualTo("success");
        return id;
    }

    @Test
    void twoSelectedExecutionsShowTheChangedCodeLinesSeedAndWhereOutputsFirstDiffered() throws Exception {
        String p = ExecutionsUiTest.project("Compare", "Make", code("2"), "values", null);
        String first = run(p, 11);
        var changed = server.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"replace\",\"path\":\"/operations/Make/code\","
                + "\"value\":" + Json.MAPPER.writeValueAsString(code("3")) + "}]}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        String second = run(p, 12);

        Browser ui = browser().open("/p/" + p + "/main/executions");
        for (String id : new String[] {first, second}) {
            WebElement row = ui.until("the row of " + id, d -> d.findElements(By.cssSelector("[data-testid='execution-row'][data-execution-id='" + id + "']"))
                    .stream().findFirst().orElse(null));
            row.findElement(Browser.testId("execution-select")).click();
        }
        ui.click("compare-executions-button");
        ui.waitFor("compare-executions");
        ui.until("the verdict", d -> d.findElement(Browser.testId("compare-verdict")).getText().contains("Outputs first differ at Make"));

        // the run: the seeds differ (rows that agree are hidden by default)
        WebElement seed = ui.until("the seed row", d -> d.findElements(By.cssSelector("[data-testid='compare-run'] [data-testid='compare-row'][data-name='Seed']"))
                .stream().findFirst().orElse(null));
        assertThat(seed.getText()).contains("11").contains("12");
        assertThat(ui.driver.findElements(By.cssSelector("[data-testid='compare-run'] [data-testid='compare-row'][data-name='Pipeline']")))
                .as("the same pipeline is not a difference").isEmpty();

        // the job: its code as changed lines, its output's sha256 differs
        WebElement job = ui.driver.findElement(By.cssSelector("[data-testid='compare-job'][data-job='Make']"));
        assertThat(job.findElements(Browser.testId("compare-code-changed"))).isNotEmpty();
        assertThat(job.findElements(By.cssSelector("[data-testid='diff-line'][data-type='added']")).stream().map(WebElement::getText).toList())
                .anySatisfy(t -> assertThat(t).contains("v * 3"));
        assertThat(job.findElements(By.cssSelector("[data-testid='diff-line'][data-type='removed']")).stream().map(WebElement::getText).toList())
                .anySatisfy(t -> assertThat(t).contains("v * 2"));
        assertThat(job.findElements(By.cssSelector("[data-testid='compare-row'][data-name='values'][data-same='false']"))).isNotEmpty();

        // everything, on demand: the environment agrees
        ui.click("compare-only-differences");
        ui.until("the environment rows", d -> !d.findElements(By.cssSelector("[data-testid='compare-job'][data-job='Make'] [data-testid='compare-row'][data-name='python'][data-same='true']")).isEmpty());

        // and the metrics of both, one chart per metric
        ui.until("the overlaid metric chart", d -> d.findElements(By.cssSelector("[data-testid='compare-panel'] [data-testid='metric-chart']")).size() == 1);
        ui.screenshot(SCREENSHOTS.resolve(testName + ".png"));
        screenshotTaken = true;
    }
}
