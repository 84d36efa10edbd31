package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deepforge.server.ui.Browser.testId;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * "Open as pipeline" and "Reproduce" from an artifact's provenance panel, against a real server with real Python jobs:
 * the rebuilt pipeline opens on the branch the user named, and reproducing it says the bytes are identical.
 */
class ReifyUiTest extends UiTestBase {
    static final Duration JOB = Duration.ofSeconds(90);

    @Test
    void anArtifactOpensAsThePipelineThatMadeItAndReproducesIdentically() throws Exception {
        // a seeded random number, so "identical" needs the recorded seed
        String code = "import random\n\n\nclass Draw:\n    def execute(self):\n        number = random.random()\n        return number\n";
        String p = ExecutionsUiTest.project("Reify", "Draw", code, "number", "drawn");
        var started = server.post("/api/v1/projects/" + p + "/pipelines/pl/executions", "{\"seed\": 4242}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String execution = started.json().get("id").asText();
        org.awaitility.Awaitility.await().atMost(JOB).until(() -> server.get("/api/v1/executions/" + execution).json().path("finished").isTextual());
        assertThat(server.get("/api/v1/executions/" + execution).json().get("status").asText()).isEqualTo("success");

        Browser ui = browser().open("/p/" + p + "/main/artifacts");
        var row = ui.waitForRow("artifact-row", "drawn");
        String artifact = row.getDomAttribute("data-artifact-id");
        ui.clickIn(By.cssSelector("[data-testid='artifact-row'][data-artifact-id='" + artifact + "']"), "artifact-open");
        ui.waitFor("provenance-panel");
        ui.until("the recorded seed", d -> d.findElement(testId("provenance-seed")).getText().contains("4242"));

        // Reproduce: a fresh run of the rebuilt pipeline with the recorded seed gives the same bytes
        ui.type("reify-branch", "reproduced");
        ui.click("reproduce");
        ui.until("the verdict", JOB, d -> {
            var verdict = d.findElements(testId("reproduction"));
            return !verdict.isEmpty() && !"running".equals(verdict.get(0).getDomAttribute("data-verdict"));
        });
        assertThat(ui.driver.findElement(testId("reproduction")).getText()).contains("✓ identical");
        ui.screenshot(SCREENSHOTS.resolve(testName + "-reproduced.png"));

        // Open as pipeline: the rebuilt pipeline opens in the editor, on the named branch
        ui.type("reify-branch", "rebuilt");
        ui.click("open-as-pipeline");
        ui.until("the rebuilt pipeline on branch rebuilt", d -> ui.path().startsWith("/p/" + p + "/rebuilt/pipelines/"));
        ui.waitFor("pipeline-editor");
        String pipeline = ui.attributeOf("[data-testid='pipeline-editor']", "data-pipeline-id");
        ui.until("the Draw node", d -> d.findElements(By.cssSelector("[data-testid='pipeline-node'][data-node-id='make']")).size() == 1);
        JsonNode model = server.get("/api/v1/projects/" + p + "/model?ref=rebuilt").json().path("model");
        assertThat(model.path("pipelines").path(pipeline).path("nodes").path("make").path("operation").asText()).isEqualTo("Draw");
        assertThat(model.path("pipelines").path(pipeline).path("name").asText()).contains("drawn").contains(execution);
    }
}
