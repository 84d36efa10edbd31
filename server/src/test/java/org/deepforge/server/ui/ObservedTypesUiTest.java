package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** An untyped output shows the type its last run produced, marked as such, in the interface diagram and on the pipeline node. */
class ObservedTypesUiTest extends UiTestBase {
    @Test
    void anUntypedOutputShowsItsLastRunsTypeInTheInterfaceAndOnThePipelineNode() throws Exception {
        String code = "import numpy\n\nclass Make:\n    def execute(self):\n        values = numpy.arange(4)\n        return values\n";
        String p = ExecutionsUiTest.project("Observed", "Make", code, "values", null);
        String id = server.post("/api/v1/projects/" + p + "/pipelines/pl/executions", "{}").json().get("id").asText();
        JsonNode[] last = new JsonNode[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = server.get("/api/v1/executions/" + id).json();
            return last[0].path("finished").isTextual();
        });
        assertThat(last[0].get("status").asText()).as(last[0].toString()).isEqualTo("success");

        Browser ui = browser().open("/p/" + p + "/main/operations/Make");
        WebElement output = ui.until("the observed output type", d -> d.findElements(By.cssSelector("[data-testid='iface-output'][data-name='values'][data-observed='true']"))
                .stream().findFirst().orElse(null));
        assertThat(output.getText()).contains("values: numpy.ndarray");
        assertThat(output.getAttribute("title")).contains("(from the last run)").contains(id);
        assertThat(output.getCssValue("font-style")).isEqualTo("italic");

        ui.open("/p/" + p + "/main/pipelines/pl");
        WebElement port = ui.until("the node's observed output", d -> d.findElements(By.cssSelector(".df-ports-out [data-observed='true']"))
                .stream().findFirst().orElse(null));
        assertThat(port.getAttribute("title")).contains("values: numpy.ndarray (from the last run)");
    }
}
