package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deepforge.server.ui.Browser.testId;
import static org.deepforge.server.ui.WorkspaceSteps.SESSION;
import static org.deepforge.server.ui.WorkspaceSteps.cellOutput;
import static org.deepforge.server.ui.WorkspaceSteps.cellState;
import static org.deepforge.server.ui.WorkspaceSteps.exploreImage;
import static org.deepforge.server.ui.WorkspaceSteps.load;
import static org.deepforge.server.ui.WorkspaceSteps.run;
import static org.deepforge.server.ui.WorkspaceSteps.lossPoints;
import static org.deepforge.server.ui.WorkspaceSteps.saveModel;
import static org.deepforge.server.ui.WorkspaceSteps.saveVariable;
import static org.deepforge.server.ui.WorkspaceSteps.setUpTrainer;
import static org.deepforge.server.ui.WorkspaceSteps.startLocalSession;
import static org.deepforge.server.ui.WorkspaceSteps.text;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The Workspace place (issue 15, docs/sessions.md): a scientist starts a local session, runs a console cell, loads an
 * artifact into a variable and looks at a slice of it as an image, trains the project's network with a loss curve that
 * grows while it trains, and saves the trained model as an artifact.
 */
class WorkspaceUiTest extends UiTestBase {
    @Test
    void aScientistRunsACellExploresASliceTrainsTheNetworkAndSavesTheModel() throws Exception {
        var created = server.post("/api/v1/examples/digits", "");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String p = created.json().get("id").asText();
        String cube = uploadCube(p);

        Browser ui = browser().open("/p/" + p + "/main/pipelines");
        startLocalSession(ui, p);
        assertThat(ui.waitFor("session-row").getText()).contains("local").contains("idle timeout");

        // the console: Shift+Enter runs the cell, its output comes live
        WebElement input = ui.waitFor("console-input");
        input.sendKeys("print(6*7)");
        input.sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
        ui.until("42 printed", SESSION, d -> cellOutput(d, "print(6*7)", "cell-stdout").equals("42"));
        assertThat(input.getDomProperty("value")).isEmpty();
        input.sendKeys("1/0", Keys.chord(Keys.SHIFT, Keys.ENTER));
        ui.until("the error with its traceback", SESSION, d -> cellOutput(d, "1/0", "cell-error").startsWith("ZeroDivisionError: division by zero"));

        // the page loaded again (a deep link): the session's cells come back from the server
        ui.reload();
        ui.until("the history read again", SESSION, d -> cellOutput(d, "1/0", "cell-error").startsWith("ZeroDivisionError"));
        assertThat(cellOutput(ui.driver, "print(6*7)", "cell-stdout")).isEqualTo("42");
        input = ui.waitFor("console-input");

        // Interrupt stops a long cell with a KeyboardInterrupt
        input.sendKeys("import time\ntime.sleep(600)", Keys.chord(Keys.SHIFT, Keys.ENTER));
        ui.until("the long cell running", SESSION, d -> "running".equals(cellState(d, "import time")));
        ui.click("session-interrupt");
        ui.until("the cell interrupted", SESSION, d -> cellOutput(d, "import time\ntime.sleep(600)", "cell-error").startsWith("KeyboardInterrupt"));

        // one panel can fill the workspace, and give the room back
        ui.click("panel-explorer-maximise");
        ui.until("the console hidden", d -> !d.findElement(testId("panel-console")).isDisplayed());
        ui.click("panel-explorer-maximise");
        ui.waitFor("panel-console");

        // the explorer: the artifact into x, then a slice of it as an image
        load(ui, cube, "x");
        ui.until("x described", SESSION, d -> "2 × 8 × 8 × 3".equals(text(d, "[data-testid='explorer-result'] [data-testid='describe-shape']")));
        assertThat(exploreImage(ui, "x[0, :, :, 2]")).isEqualTo("8 × 8");
        // a column as a line, and the values as 3-D points coloured by their first coordinate
        ui.type("explorer-expression", "x[0, :, 0, 0]");
        new Select(ui.waitFor("explorer-plot")).selectByValue("auto");
        ui.click("explorer-explore");
        ui.until("the line", SESSION, d -> "8".equals(ui.attributeOf("[data-testid='explorer-result'] [data-testid='explore-line']", "data-points")));
        ui.type("explorer-expression", "x.reshape(-1, 3)");
        ui.type("explorer-color", "x.reshape(-1, 3)[:, 0]");
        ui.click("explorer-explore");
        ui.until("the 3-D scatter", SESSION, d -> "128".equals(ui.attributeOf("[data-testid='explorer-result'] [data-testid='explore-scatter'][data-dims='3']", "data-points")));
        assertThat(ui.attributeOf("[data-testid='explorer-result'] [data-testid='plot3d-colorbar']", "data-max")).isEqualTo("381");
        ui.until("the explore cell done", SESSION, d -> "ok".equals(ui.attributeOf("[data-testid='explorer-result']", "data-state")));
        assertThat(ui.driver.findElements(testId("explorer-error"))).isEmpty();

        // a console variable saved as an artifact
        saveVariable(ui, "x", "cubeCopy");

        // the trainer: digits-shaped data made in the console, the project's convnet, CrossEntropyLoss and Adam
        run(ui, "import torch\ntorch.manual_seed(0)\ndata = (torch.randn(256, 1, 8, 8), torch.randint(0, 10, (256,)))");
        ui.until("the data made", SESSION, d -> "ok".equals(cellState(d, "import torch")));
        setUpTrainer(ui, "data", "convnet", 1);
        ui.click("trainer-train");
        ui.until("a loss curve", SESSION, d -> lossPoints(d) >= 1);
        ui.until("the training finished", SESSION, d -> "finished".equals(ui.attributeOf("[data-testid='training-row']", "data-state")));
        assertThat(lossPoints(ui.driver)).as("one point per step: 256 × 0.9 / 16 rounds up to 15 steps").isGreaterThan(1);
        assertThat(ui.driver.findElements(testId("trainer-error"))).isEmpty();

        // Save model: the artifact is made and linked
        WebElement saved = saveModel(ui, "sessionModel");
        String artifact = saved.getDomAttribute("data-artifact");
        ui.driver.executeScript("arguments[0].scrollIntoView({block: 'end'})", saved);
        ui.screenshot(SCREENSHOTS.resolve(testName + ".png"));
        screenshotTaken = true;

        ui.click("trainer-save-link");
        ui.until("the artifact's page", d -> ui.path().equals("/p/" + p + "/main/artifacts/" + artifact));
        ui.waitFor("provenance-panel");

        ui.driver.navigate().back();
        ui.waitFor("session-view");

        // Stop interrupts a long training, which ends as stopped
        String first = ui.until("the trainings read again", SESSION, d -> ui.attributeOf("[data-testid='training-detail']", "data-training"));
        ui.type("trainer-epochs", "1000");
        ui.click("trainer-train");
        ui.until("the long training running", SESSION, d -> {
            String shown = ui.attributeOf("[data-testid='training-detail']", "data-training");
            return shown != null && !shown.equals(first) && "running".equals(ui.attributeOf("[data-testid='training-row'][data-training='" + shown + "']", "data-state"));
        });
        String second = ui.attributeOf("[data-testid='training-detail']", "data-training");
        ui.click("trainer-stop");
        ui.until("the training stopped", SESSION, d -> "stopped".equals(ui.attributeOf("[data-testid='training-row'][data-training='" + second + "']", "data-state")));
        assertThat(ui.attributeOf("[data-testid='training-row'][data-training='" + first + "']", "data-state")).isEqualTo("finished");

        ui.click("session-stop");
        ui.click("confirm-ok");
        ui.waitFor("sessions-empty");
    }

    /** A 2 × 8 × 8 × 3 float array uploaded as the artifact "cube"; its id. */
    private static String uploadCube(String project) throws Exception {
        Process make = new ProcessBuilder("/usr/bin/python3", "-c",
                "import numpy as np, sys; np.save(sys.stdout.buffer, np.arange(2 * 8 * 8 * 3, dtype=np.float32).reshape(2, 8, 8, 3))").start();
        byte[] npy = make.getInputStream().readAllBytes();
        assertThat(make.waitFor()).isZero();
        var up = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + project
                        + "/branches/main/artifacts?name=cube&type=numpy.ndarray"))).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(npy)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        return Json.MAPPER.readTree(up.body()).get("id").asText();
    }
}
