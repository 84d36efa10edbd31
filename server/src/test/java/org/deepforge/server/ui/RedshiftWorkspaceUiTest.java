package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.deepforge.server.ui.Browser.testId;
import static org.deepforge.server.ui.WorkspaceSteps.SESSION;
import static org.deepforge.server.ui.WorkspaceSteps.cellOutput;
import static org.deepforge.server.ui.WorkspaceSteps.cellState;
import static org.deepforge.server.ui.WorkspaceSteps.exploreImage;
import static org.deepforge.server.ui.WorkspaceSteps.load;
import static org.deepforge.server.ui.WorkspaceSteps.lossPoints;
import static org.deepforge.server.ui.WorkspaceSteps.run;
import static org.deepforge.server.ui.WorkspaceSteps.saveModel;
import static org.deepforge.server.ui.WorkspaceSteps.saveVariable;
import static org.deepforge.server.ui.WorkspaceSteps.setUpTrainer;
import static org.deepforge.server.ui.WorkspaceSteps.startLocalSession;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.WebElement;

/**
 * Issue 15's story on the redshift example, in Chromium: a scientist starts a local session, makes a small training
 * set with the project's own operations (SyntheticSkySurvey, Preprocess, redshift bins as TrainValidate makes them)
 * and saves it, loads it in the explorer and looks at a slice as an image, trains the inception network with
 * cross-entropy and Adam while the loss curve grows, saves the model, reads the trainer configuration in its
 * provenance, opens it as a pipeline and runs that pipeline to success.
 */
class RedshiftWorkspaceUiTest extends UiTestBase {
    /** Inception for an epoch on 48 galaxies, in the session and again as a pipeline, on a busy 2-core machine. */
    private static final Duration TRAINING = Duration.ofMinutes(10);
    private static final String SURVEY = """
            import numpy as np
            from operations.SyntheticSkySurvey import SyntheticSkySurvey
            from operations.Preprocess import Preprocess
            images, redshifts = SyntheticSkySurvey(count=48).execute()
            cubes, redshifts = Preprocess().execute(images, redshifts)
            labels = np.clip((redshifts / 0.4 * 32).astype(np.int64), 0, 31)
            survey = {"x": cubes, "y": labels}""";
    private static final String SHAPES = "print(survey['x'].shape, survey['y'].shape)";

    @Test
    void aScientistTrainsInceptionOnTheSurveyAndRunsTheSessionAsAPipeline() throws Exception {
        var created = server.post("/api/v1/examples/redshift", "");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String p = created.json().get("id").asText();

        Browser ui = browser().open("/p/" + p + "/main/pipelines");
        startLocalSession(ui, p);

        // the training data, made with the project's operations, saved as an artifact
        run(ui, SURVEY);
        ui.until("the survey made", SESSION, d -> !"running".equals(cellState(d, "import numpy")) && cellState(d, "import numpy") != null);
        assertThat(cellState(ui.driver, "import numpy")).as(cellOutput(ui.driver, SURVEY, "cell-error")).isEqualTo("ok");
        run(ui, SHAPES);
        ui.until("the shapes printed", SESSION, d -> cellOutput(d, SHAPES, "cell-stdout").equals("(48, 5, 64, 64) (48,)"));
        String data = saveVariable(ui, "survey", "redshiftTrainingData");

        // the explorer: the artifact into data, a slice of its cubes as an image
        load(ui, data, "data");
        ui.until("data loaded", SESSION, d -> "ok".equals(ui.attributeOf("[data-testid='explorer-result']", "data-state")));
        assertThat(exploreImage(ui, "data[\"x\"][0, :, :, 2]")).isEqualTo("5 × 64");

        // the trainer: inception, cross-entropy, Adam lr 1e-3, one epoch; the loss curve grows while it trains
        setUpTrainer(ui, "data", "inception", 1);
        ui.click("trainer-train");
        List<String> seen = new ArrayList<>();
        ui.until("a loss curve of two points", TRAINING, d -> {
            seen.add(ui.attributeOf("[data-testid='training-row']", "data-state") + ":" + lossPoints(d));
            return lossPoints(d) >= 2;
        });
        ui.until("the training finished", TRAINING, d -> !"running".equals(ui.attributeOf("[data-testid='training-row']", "data-state")));
        assertThat(ui.attributeOf("[data-testid='training-row']", "data-state")).as("states and points seen: " + seen).isEqualTo("finished");
        assertThat(ui.driver.findElements(testId("trainer-error"))).isEmpty();

        // Save model; its provenance shows the trainer's configuration
        WebElement saved = saveModel(ui, "redshiftSessionModel");
        String model = saved.getDomAttribute("data-artifact");
        ui.driver.executeScript("arguments[0].scrollIntoView({block: 'end'})", saved);
        ui.screenshot(SCREENSHOTS.resolve(testName + "-trained.png"));
        ui.click("trainer-save-link");
        ui.until("the model's page", d -> ui.path().equals("/p/" + p + "/main/artifacts/" + model));
        ui.waitFor("provenance-panel");
        assertThat(ui.waitFor("provenance-training").getText()).contains("data").contains("inception");
        assertThat(ui.waitFor("provenance-training-loss").getText()).contains("CrossEntropyLoss");
        assertThat(ui.waitFor("provenance-training-optimizer").getText()).contains("Adam").contains("lr=0.001");
        assertThat(ui.waitFor("provenance-training-schedule").getText()).contains("epochs 1").contains("batch size 16");

        // Open as pipeline: Input → TrainNetwork → Output on a new branch, and it runs
        ui.type("reify-branch", "from-session");
        ui.click("open-as-pipeline");
        ui.until("the rebuilt pipeline", d -> ui.path().startsWith("/p/" + p + "/from-session/pipelines/"));
        ui.waitFor("pipeline-editor");
        String pipeline = ui.attributeOf("[data-testid='pipeline-editor']", "data-pipeline-id");
        JsonNode nodes = server.get("/api/v1/projects/" + p + "/model?ref=from-session").json().path("model").path("pipelines").path(pipeline).path("nodes");
        assertThat(nodes.findValuesAsText("operation")).contains("TrainNetwork");
        String execution = ExecutionsUiTest.runFromDialog(ui, p, "from-session", "session training again");
        await().atMost(TRAINING).until(() -> server.get("/api/v1/executions/" + execution).json().path("finished").isTextual());
        JsonNode done = server.get("/api/v1/executions/" + execution).json();
        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("success");
    }
}
