package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.deepforge.server.ui.Browser.testId;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.core.ConditionTimeoutException;
import org.deepforge.server.ServerConfig;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The guided tour of the README ("Tour: photometric redshift"), walked like a user in headless Chromium
 * against a real server started on an empty data directory with the example projects: open the
 * example, make the run small in the inspector, run it, watch the loss plot live, look at the
 * prediction and embedding figures and trace the model back to the survey.
 *
 * <p>Every step writes its screenshot to {@code server/target/tour/NN-name.png} (stable names, replaced on
 * every run); {@code ./deepforge docs} runs this test and copies them to {@code docs/tour/}, which the README
 * embeds. A test run never rewrites tracked files.
 */
class RedshiftTourUiTest {
    /** The test runs in the server module's directory; {@code ./deepforge docs} copies these to docs/tour/. */
    static final Path TOUR = Path.of("target", "tour").toAbsolutePath();
    static final Duration JOB = Duration.ofSeconds(120);
    static final Duration RUN = Duration.ofMinutes(4);
    static final String PIPELINE = "redshift";

    TestServer server;
    Browser ui;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(TOUR);
        Path data = Files.createTempDirectory("deepforge-tour");
        server = new TestServer(ServerConfig.builder(data).python("/usr/bin/python3").examples(true).build());
        ui = new Browser(server.url("/"));
        // roomier than the default 1280×800: the job panel takes 42% of the height, and a whole figure should fit in it
        ui.driver.manage().window().setSize(new Dimension(1600, 1300));
    }

    @AfterEach
    void stop() {
        if (ui != null) {
            ui.screenshot(Path.of("target", "screenshots", "RedshiftTourUiTest-last.png"));
            List<String> console = ui.consoleErrors();
            if (!console.isEmpty()) {
                System.err.println("RedshiftTourUiTest: browser console errors: " + console);
            }
            ui.close();
        }
        if (server != null) {
            server.close();
        }
    }

    void shot(String name) {
        ui.screenshot(TOUR.resolve(name));
    }

    JsonNode node(String project, String node) {
        try {
            return server.get("/api/v1/projects/" + project + "/model?ref=main").json()
                    .at("/model/pipelines/" + PIPELINE + "/nodes/" + node);
        } catch (Exception e) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
    }

    static By pipelineNode(String id) {
        return By.cssSelector("[data-testid='pipeline-node'][data-node-id='" + id + "']");
    }

    static By attrField(String name) {
        return By.cssSelector("[data-testid='attr-field'][data-attr='" + name + "']");
    }

    static String jobStatus(Browser ui, String id) {
        return ui.attributeOf("[data-testid='job-node'][data-job='" + id + "']", "data-status");
    }

    static String executionStatus(Browser ui) {
        return ui.attributeOf("[data-testid='execution-status']", "data-status");
    }

    static final By PLOT_IMAGE = By.cssSelector("[data-testid='plot'][data-plot-id] img[src^='data:image/svg+xml']");

    /** Selects a node in the pipeline editor by clicking its title; waits for its inspector. */
    void selectNode(String id, String operation) {
        ui.until("node " + id + " selected", d -> {
            List<WebElement> found = d.findElements(pipelineNode(id));
            if (found.isEmpty() || !found.get(0).isDisplayed()) {
                return false;
            }
            found.get(0).findElement(By.cssSelector(".df-node-title")).click();
            List<WebElement> inspector = d.findElements(testId("node-inspector"));
            return !inspector.isEmpty() && inspector.get(0).getText().contains(id) && inspector.get(0).getText().contains(operation);
        });
    }

    /** Fits the execution DAG into what the job panel leaves of the canvas (the canvas' own fit-view control). */
    void fitDag() {
        ui.clickSelector("[data-testid='execution-view'] .react-flow__controls-fitview");
        awaitSettled("[data-testid='execution-view'] .react-flow__viewport");
    }

    /** Waits until a canvas' fit (animated) is over: its viewport's transform is the same at two polls in a row. */
    void awaitSettled(String viewport) {
        AtomicReference<String> last = new AtomicReference<>();
        await("the canvas to settle").atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(100)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    String now = ui.attributeOf(viewport, "style");
                    return now != null && now.equals(last.getAndSet(now));
                });
    }

    /** Clicks a job in the execution DAG and waits for its panel. */
    void openJob(String id) throws InterruptedException {
        fitDag();
        try {
            clickJob(id);
        } catch (TimeoutException e) {
            throw new AssertionError("job " + id + " not opened; the DAG: " + dag(), e);
        }
        fitDag(); // the panel took part of the canvas
    }

    String dag() {
        try {
            return "viewport " + ui.attributeOf(".react-flow__viewport", "style") + ", jobs " + ui.rows("job-node").stream()
                    .map(e -> e.getDomAttribute("data-job") + ":" + e.getDomAttribute("data-status") + "@" + e.getRect().getX() + "," + e.getRect().getY())
                    .toList();
        } catch (RuntimeException e) {
            return e.toString();
        }
    }

    /**
     * Clicks a job in the DAG until its panel opens. Works around a bug in the execution view: it hands
     * React Flow new node objects on every update without their {@code measured} size, so React Flow hides
     * them ({@code visibility: hidden}) until it measures them again, which now and then never happens and
     * leaves the DAG blank. While the execution runs the next poll redraws it; once it has finished, only
     * reloading the page (as a user would) brings the jobs back.
     */
    void clickJob(String id) {
        By node = By.cssSelector("[data-testid='job-node'][data-job='" + id + "']");
        By panel = By.cssSelector("[data-testid='job-panel'][data-job='" + id + "']");
        AtomicLong hiddenSince = new AtomicLong(-1);
        try {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(400)).ignoreException(StaleElementReferenceException.class)
                    .until(() -> {
                        if (!ui.driver.findElements(panel).isEmpty()) {
                            return true;
                        }
                        List<WebElement> found = ui.driver.findElements(node);
                        if (!found.isEmpty() && found.get(0).isDisplayed()) {
                            hiddenSince.set(-1);
                            found.get(0).click(); // the panel is looked for at the next poll
                        } else if (hiddenSince.get() < 0) {
                            hiddenSince.set(System.nanoTime());
                        } else if (System.nanoTime() - hiddenSince.get() > Duration.ofSeconds(3).toNanos()
                                && !"running".equals(executionStatus(ui)) && !"pending".equals(executionStatus(ui))) {
                            System.err.println("RedshiftTourUiTest: the job DAG stayed blank (" + dag() + "); reloading the page");
                            ui.reload();
                            ui.waitFor("execution-view");
                            hiddenSince.set(-1);
                        }
                        return false;
                    });
        } catch (ConditionTimeoutException e) {
            throw new TimeoutException("job " + id + " not clickable", e);
        }
    }

    /**
     * Opens the Plots tab of the open job panel and waits for a figure: an image, or for 3-D scatters the
     * rotatable view (a canvas with its points); returns it.
     */
    WebElement plotsOf(String job) throws InterruptedException {
        openJob(job);
        ui.click("plots-tab");
        String panel = "[data-testid='job-panel'][data-job='" + job + "'] ";
        WebElement figure = ui.until("a figure of job " + job, Duration.ofSeconds(30), d -> d.findElements(By.cssSelector(
                panel + "[data-testid='plot'][data-plot-id] img[src^='data:image/svg+xml'], " + panel + "[data-testid='plot3d']"))
                .stream().findFirst().orElse(null));
        if ("plot3d".equals(figure.getAttribute("data-testid"))) {
            assertThat(Integer.parseInt(figure.getAttribute("data-points"))).isGreaterThan(0);
            ui.driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", figure);
            return figure;
        }
        WebElement img = figure;
        ui.until("the figure of job " + job + " drawn", d -> Boolean.TRUE.equals(ui.driver.executeScript(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", img)));
        ui.driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", img);
        return img;
    }

    /** How far the progress bar matching {@code css} says the job is (-1: no bar). */
    int progressDone(String css) {
        String v = ui.attributeOf(css, "data-done");
        return v == null || v.isEmpty() ? -1 : (int) Double.parseDouble(v);
    }

    @Test
    void thePhotometricRedshiftTour() throws Exception {
        // 1. an empty data directory: the example projects are there on first start
        ui.open("/");
        ui.waitForRow("project-row", "Photometric redshift");
        ui.waitForRow("project-row", "Digits classifier");
        ui.until("the examples panel", d -> ui.rows("example").size() >= 2);
        assertThat(ui.texts("example")).anyMatch(t -> t.contains("Photometric redshift"));
        shot("01-projects.png");

        // 2. open the project and its pipeline in the editor
        ui.clickIn("project-row", "Photometric redshift", "project-open");
        ui.until("the workbench", d -> ui.path().startsWith("/p/"));
        String project = ui.path().split("/")[2];
        ui.click("rail-pipelines");
        ui.waitFor("place-pipelines");
        ui.clickIn(By.cssSelector("[data-entry-id='" + PIPELINE + "']"), "entry-open");
        ui.waitFor("pipeline-editor");
        ui.until("all eight nodes on the canvas", d -> d.findElements(testId("pipeline-node")).size() == 8);
        for (String operation : List.of("SyntheticSkySurvey", "Preprocess", "TrainValidate", "VisualizePredictions",
                "ReduceDimensions", "VisualizeEmbeddings")) {
            assertThat(ui.findRow("pipeline-node", operation)).as(operation).isNotNull();
        }
        ui.click("zoom-fit");
        awaitSettled(".react-flow__viewport"); // the fit is animated (200 ms)
        shot("02-pipeline.png");

        // 3. the small setting, through the inspector: 300 galaxies, 2 epochs
        assertThat(node(project, "n1").at("/attributes/count").asInt()).isEqualTo(1000);
        assertThat(node(project, "n3").at("/attributes/epochs").asInt()).isEqualTo(3);
        selectNode("n1", "SyntheticSkySurvey");
        ui.typeInto(attrField("count"), "300");
        ui.until("count=300 saved", d -> node(project, "n1").at("/attributes/count").asInt() == 300);
        selectNode("n3", "TrainValidate");
        ui.typeInto(attrField("epochs"), "2");
        ui.until("epochs=2 saved", d -> node(project, "n3").at("/attributes/epochs").asInt() == 2);
        ui.until("the summary on the node", d -> d.findElement(pipelineNode("n3")).getText().contains("epochs=2"));
        // the rest of the model is untouched
        assertThat(node(project, "n1").at("/attributes/image_size").asInt()).isEqualTo(72);
        assertThat(node(project, "n3").at("/attributes/bins").asInt()).isEqualTo(32);
        shot("03-settings.png");

        // 4. run it
        ui.click("run-button");
        ui.waitFor("run-dialog");
        shot("04-run-dialog.png");
        ui.click("run-submit");
        String prefix = "/p/" + project + "/main/executions/";
        ui.until("the execution view of the new run", d -> ui.path().startsWith(prefix));
        ui.waitFor("execution-view");
        String execution = ui.path().substring(prefix.length());

        // 5. TrainValidate runs; its loss figure shows up (and grows) while it still runs
        ui.until("TrainValidate to run", JOB, d -> "running".equals(jobStatus(ui, "n3")));
        assertThat(executionStatus(ui)).isEqualTo("running");
        openJob("n3");
        // it reports every batch: a bar that advances while it runs, with its rate and an ETA
        String bar = "[data-testid='job-panel'][data-job='n3'] [data-testid='job-progress']";
        int firstDone = ui.until("TrainValidate's progress bar", JOB, d -> progressDone(bar) > 0 ? progressDone(bar) : null);
        ui.until("TrainValidate's bar advancing", JOB, d -> progressDone(bar) > firstDone);
        assertThat(ui.driver.findElement(By.cssSelector(bar)).getText()).contains("epoch").contains("it/s").contains("ETA");
        ui.click("plots-tab");
        WebDriverWait fast = new WebDriverWait(ui.driver, JOB, Duration.ofMillis(100));
        fast.ignoring(StaleElementReferenceException.class);
        fast.withMessage(() -> "the loss figure of TrainValidate (job status " + jobStatus(ui, "n3") + ")");
        // the job's status at the moment the first figure image is on the page
        String statusAtFirstPlot = fast.until(d -> d.findElements(PLOT_IMAGE).isEmpty() ? null : String.valueOf(jobStatus(ui, "n3")));
        assertThat(statusAtFirstPlot).as("TrainValidate's status when its loss figure first appeared").isEqualTo("running");
        assertThat(ui.driver.findElement(testId("plot")).getText()).contains("Loss");
        ui.driver.executeScript("arguments[0].scrollIntoView({block: 'center'})", ui.driver.findElement(PLOT_IMAGE));
        shot("05-training-live.png");

        // the whole run succeeds
        ui.until("the execution to succeed", RUN, d -> {
            String s = executionStatus(ui);
            assertThat(s).as("execution status").isNotIn("failed", "cancelled");
            return "success".equals(s);
        });
        JsonNode done = server.get("/api/v1/executions/" + execution).json();
        assertThat(done.get("status").asText()).isEqualTo("success");
        // the loss figure, maximised and full screen, saved as SVG (a file that parses with an <svg> root)
        ui.click("plots-tab");
        ui.click("job-panel-maximise");
        ui.clickIn(By.cssSelector("[data-testid='plot'][data-plot-id]"), "figure-fullscreen");
        WebElement dialog = ui.waitFor("figure-dialog");
        Path downloads = Path.of("target", "downloads", "tour").toAbsolutePath();
        Files.createDirectories(downloads);
        Files.deleteIfExists(downloads.resolve("Loss.svg"));
        ui.driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", downloads.toString()));
        dialog.findElement(testId("figure-download-svg")).click();
        ui.until("the downloaded loss figure", d -> Files.exists(downloads.resolve("Loss.svg")) && !Files.exists(downloads.resolve("Loss.svg.crdownload")));
        assertThat(FiguresUiTest.xmlRoot(downloads.resolve("Loss.svg"))).isEqualTo("svg");
        ui.click("figure-dialog-close");
        ui.waitGone("figure-dialog");
        ui.click("job-panel-maximise");
        ui.click("console-tab");
        String summary = ui.until("TrainValidate's summary line", d -> ui.texts("console-line").stream()
                .filter(t -> t.startsWith("validation MAE")).findFirst().orElse(null));
        System.out.println("RedshiftTourUiTest: " + summary);

        // 6. VisualizePredictions: the Fig. 13-style figure
        plotsOf("n4");
        shot("06-predictions.png");

        // 7. VisualizeEmbeddings: the 3-D t-SNE scatter
        plotsOf("n6");
        // with its colour bar: the error each colour stands for
        WebElement colours = ui.waitFor("plot3d-colorbar");
        assertThat(colours.getDomAttribute("data-label")).isEqualTo("absolute redshift error");
        assertThat(ui.texts("plot3d-colorbar-tick")).hasSizeGreaterThanOrEqualTo(2);
        shot("07-embeddings.png");

        // 8. the saved model, traced back to the survey that made its training data
        ui.click("rail-artifacts");
        ui.waitFor("place-artifacts");
        WebElement model = ui.waitForRow("artifact-row", "redshiftModel");
        String modelId = model.getDomAttribute("data-artifact-id");
        ui.waitForRow("artifact-row", "metrics");
        ui.clickIn(By.cssSelector("[data-testid='artifact-row'][data-artifact-id='" + modelId + "']"), "artifact-open");
        ui.until("the provenance of redshiftModel",
                d -> modelId.equals(ui.attributeOf("[data-testid='provenance-panel']", "data-artifact-id")));
        ui.until("the producing operation", d -> d.findElement(testId("provenance-operation")).getText().contains("TrainValidate"));
        ui.until("SyntheticSkySurvey in the lineage", d -> ui.findRow("lineage-node", "SyntheticSkySurvey") != null);
        assertThat(ui.findRow("lineage-node", "Preprocess")).isNotNull();
        shot("08-provenance.png");

        // 9. Preprocess changes on main after the run; Reproduce rebuilds the pipeline that made redshiftModel from its
        // provenance, runs the recorded code with the recorded seed, and gets the same bytes
        String preprocess = server.get("/api/v1/projects/" + project + "/model?ref=main").json().at("/model/operations/Preprocess/code").asText();
        String changed = preprocess.replace("    def execute(self, images, redshifts):",
                "    def execute(self, images, redshifts):\n        print(\"changed after the run\")");
        assertThat(changed).isNotEqualTo(preprocess);
        var body = org.deepforge.model.Json.MAPPER.createObjectNode().put("message", "Preprocess prints");
        body.putArray("patch").addObject().put("op", "replace").put("path", "/operations/Preprocess/code").put("value", changed);
        var edit = server.post("/api/v1/projects/" + project + "/branches/main/changes", body.toString());
        assertThat(edit.status()).as(edit.body()).isEqualTo(200);
        ui.type("reify-branch", "reproduced");
        ui.click("reproduce");
        ui.until("the verdict", RUN, d -> {
            var verdict = d.findElements(testId("reproduction"));
            return !verdict.isEmpty() && !"running".equals(verdict.get(0).getDomAttribute("data-verdict"));
        });
        assertThat(ui.driver.findElement(testId("reproduction")).getText()).contains("✓ identical");
        shot("09-reproduced.png");
        String reproduction = ui.driver.findElement(By.cssSelector("[data-testid='reproduction'] a")).getDomAttribute("href").replaceAll(".*/", "");
        assertThat(server.get("/api/v1/executions/" + reproduction + "/jobs/n2/log").json().toString())
                .as("the rebuilt pipeline runs Preprocess as recorded").doesNotContain("changed after the run");
        assertThat(ui.errorToasts()).isEmpty();
    }
}
