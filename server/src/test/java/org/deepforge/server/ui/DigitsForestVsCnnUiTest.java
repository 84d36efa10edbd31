package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.deepforge.server.ServerConfig;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

/**
 * The scikit-learn library's example, run like a user: "Digits: random forest vs CNN" trains a random
 * forest (an estimator pipeline of the sklearn library) and a CNN (a PyTorch network) on the same split
 * and draws both confusion matrices side by side.
 */
class DigitsForestVsCnnUiTest {
    static final Duration RUN = Duration.ofMinutes(8);
    TestServer server;
    Browser ui;

    @BeforeEach
    void start() throws Exception {
        Path data = Files.createTempDirectory("deepforge-rf-vs-cnn");
        server = new TestServer(ServerConfig.builder(data).python("/usr/bin/python3").examples(false).build());
        ui = new Browser(server.url("/"));
        ui.driver.manage().window().setSize(new Dimension(1600, 1200));
    }

    @AfterEach
    void stop() {
        if (ui != null) {
            ui.screenshot(Path.of("target", "screenshots", "DigitsForestVsCnnUiTest-last.png"));
            ui.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theExampleRunsToSuccessAndShowsBothConfusionMatrices() throws Exception {
        var created = server.post("/api/v1/examples/digits-rf-vs-cnn", "");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String project = created.json().get("id").asText();
        JsonNode model = server.get("/api/v1/projects/" + project + "/model?ref=main").json().get("model");
        assertThat(model.at("/project/libraries").has("sklearn")).isTrue();
        assertThat(model.at("/architectures/random_forest/kind").asText()).isEqualTo("sklearn-pipeline");

        ui.open("/p/" + project + "/main/pipelines/rf-vs-cnn");
        ui.until("the pipeline", d -> !d.findElements(By.cssSelector("[data-testid='pipeline-node'][data-node-id='n7']")).isEmpty());
        ui.screenshot(Path.of("target", "screenshots", "DigitsForestVsCnnUiTest-pipeline.png"));
        ui.click("run-button");
        ui.waitFor("run-dialog");
        ui.click("run-submit");
        String prefix = "/p/" + project + "/main/executions/";
        ui.until("the execution view of the new run", d -> ui.path().startsWith(prefix));
        ui.waitFor("execution-view");
        String execution = ui.path().substring(prefix.length());
        ui.until("the execution to succeed", RUN, d -> {
            String s = ui.attributeOf("[data-testid='execution-status']", "data-status");
            assertThat(s).as("execution status; jobs: " + jobs(execution)).isNotIn("failed", "cancelled");
            return "success".equals(s);
        });

        // the comparison's figure: one plot with both matrices, titled with each classifier's accuracy
        JsonNode plots = server.get("/api/v1/executions/" + execution + "/jobs/n7/plots").json();
        assertThat(plots).hasSize(1);
        String svg = plots.get(0).path("svg").asText();
        assertThat(plots.get(0).path("title").asText()).isEqualTo("Confusion matrices");
        assertThat(svg).contains("Random forest (accuracy").contains("CNN (accuracy").contains("id=\"axes_1\"").contains("id=\"axes_2\"");

        openJob("n7");
        ui.click("plots-tab");
        String panel = "[data-testid='job-panel'][data-job='n7'] ";
        WebElement img = ui.until("the confusion matrices", Duration.ofSeconds(60), d -> d.findElements(By.cssSelector(
                panel + "[data-testid='plot'][data-plot-id] img[src^='data:image/svg+xml']")).stream().findFirst().orElse(null));
        ui.until("the figure drawn", d -> Boolean.TRUE.equals(ui.driver.executeScript(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", img)));
        assertThat(ui.driver.findElement(By.cssSelector(panel + "[data-testid='plot']")).getText()).contains("Confusion matrices");
        ui.driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", img);
        ui.screenshot(Path.of("target", "screenshots", "DigitsForestVsCnnUiTest-matrices.png"));

        // the random forest is saved as an artifact, serialized by the library (joblib)
        JsonNode artifacts = server.get("/api/v1/projects/" + project + "/artifacts").json();
        assertThat(artifacts.findValuesAsText("type")).contains("sklearn.estimator");
    }

    private String jobs(String execution) {
        try {
            return server.get("/api/v1/executions/" + execution).json().path("jobs").toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    /** Clicks a job in the DAG until its panel opens (reloading once the run is over if the DAG stays blank). */
    private void openJob(String id) {
        By node = By.cssSelector("[data-testid='job-node'][data-job='" + id + "']");
        By panel = By.cssSelector("[data-testid='job-panel'][data-job='" + id + "']");
        int[] blankPolls = {0};
        await("job " + id + " opened").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(400))
                .ignoreException(StaleElementReferenceException.class).until(() -> {
                    if (!ui.driver.findElements(panel).isEmpty()) {
                        return true;
                    }
                    List<WebElement> found = ui.driver.findElements(node);
                    if (!found.isEmpty() && found.get(0).isDisplayed()) {
                        found.get(0).click();
                    } else if (++blankPolls[0] > 8) {
                        ui.reload();
                        ui.waitFor("execution-view");
                        blankPolls[0] = 0;
                    }
                    return false;
                });
    }
}
