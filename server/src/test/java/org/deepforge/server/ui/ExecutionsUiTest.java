package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deepforge.server.ui.Browser.testId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.deepforge.model.Json;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Running pipelines from the browser against a real server whose jobs run real Python: the run dialog,
 * the live job DAG, console, plots and metrics, cancel, and the artifacts a run saves.
 * Screenshots land in target/screenshots/&lt;test&gt;.png.
 */
class ExecutionsUiTest extends UiTestBase {
    static final Duration JOB = Duration.ofSeconds(90);

    /** An empty project with one operation and one pipeline using it (plus an Output node when {@code saveAs} is set). */
    static String project(String name, String operation, String code, String output, String saveAs) throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":" + Json.MAPPER.writeValueAsString(name) + ",\"empty\":true}").json().get("id").asText();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("message", "test setup");
        ArrayNode patch = body.putArray("patch");
        patch.addObject().put("op", "add").put("path", "/operations/" + operation).putObject("value").put("code", code);
        ObjectNode pipeline = patch.addObject().put("op", "add").put("path", "/pipelines/pl").putObject("value");
        pipeline.put("name", name + " pipeline");
        ObjectNode nodes = pipeline.putObject("nodes");
        nodes.putObject("make").put("operation", operation).putObject("position").put("x", 0).put("y", 0);
        ObjectNode connections = pipeline.putObject("connections");
        if (saveAs != null) {
            ObjectNode out = nodes.putObject("out");
            out.putObject("output").put("saveName", saveAs);
            out.putObject("position").put("x", 0).put("y", 160);
            ObjectNode c = connections.putObject("c1");
            c.putObject("from").put("node", "make").put("port", output);
            c.putObject("to").put("node", "out").put("port", "data");
        }
        var r = server.post("/api/v1/projects/" + p + "/branches/main/changes", Json.MAPPER.writeValueAsString(body));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return p;
    }

    static By job(String id) {
        return By.cssSelector("[data-testid='job-node'][data-job='" + id + "']");
    }

    static String jobStatus(Browser ui, String id) {
        return ui.attributeOf("[data-testid='job-node'][data-job='" + id + "']", "data-status");
    }

    static String executionStatus(Browser ui) {
        return ui.attributeOf("[data-testid='execution-status']", "data-status");
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Clicks a job node on the canvas (retried while the canvas re-renders). */
    static void openJob(Browser ui, String id) {
        ui.until("job node " + id + " clickable", d -> {
            List<WebElement> found = d.findElements(job(id));
            if (found.isEmpty() || !found.get(0).isDisplayed()) {
                return false;
            }
            found.get(0).click();
            return !d.findElements(By.cssSelector("[data-testid='job-panel'][data-job='" + id + "']")).isEmpty();
        });
    }

    /** Opens the run dialog of the open pipeline with the top bar's Run button, names the run, submits; returns the execution id. */
    static String runFromDialog(Browser ui, String project, String name) {
        return runFromDialog(ui, project, "main", name);
    }

    /** Opens the run dialog of the pipeline open on {@code branch}, names the run, submits; returns the execution id. */
    static String runFromDialog(Browser ui, String project, String branch, String name) {
        ui.click("run-button");
        ui.waitFor("run-dialog");
        ui.type("run-name", name);
        ui.click("run-submit");
        String prefix = "/p/" + project + "/" + branch + "/executions/";
        ui.until("the execution view of the new run", d -> ui.path().startsWith(prefix));
        ui.waitFor("execution-view");
        return ui.path().substring(prefix.length());
    }

    @Test
    void aRunFromTheBrowserShowsLiveJobsConsolePlotsMetricsAndItsArtifact() throws Exception {
        String code = "import time\nimport numpy as np\nimport matplotlib.pyplot as plt\nfrom deepforge import log_metric\n\n"
                + "class Make:\n    def __init__(self, n=8):\n        self.n = n\n\n    def execute(self):\n        losses = []\n"
                + "        for step in range(self.n):\n            print('\\x1b[32mstep\\x1b[0m', step, flush=True)\n"
                + "            losses.append(1.0 / (step + 1))\n            log_metric('loss', losses[-1], step)\n"
                + "            plt.clf()\n            plt.plot(losses)\n            plt.title('loss so far')\n            plt.pause(0.6)\n"
                + "        result = np.arange(10.0) * 2\n        return result\n";
        String p = project("Live run", "Make", code, "result", "result");
        Browser ui = browser().open("/p/" + p + "/main/pipelines/pl");
        ui.waitFor("pipeline-editor");

        // a problem-free pipeline: the dialog starts it and the browser lands on the execution
        String id = runFromDialog(ui, p, "UI run");
        assertThat(server.get("/api/v1/executions/" + id).json().get("name").asText()).isEqualTo("UI run");
        ui.until("the make job to run", JOB, d -> "running".equals(jobStatus(ui, "make")));
        assertThat(executionStatus(ui)).isEqualTo("running");

        // console lines arrive while the job runs (the ANSI colour becomes a class, not escape garbage)
        openJob(ui, "make");
        ui.waitFor("console");
        ui.until("console lines while running", d -> !ui.rows("console-line").isEmpty() && "running".equals(jobStatus(ui, "make")));
        assertThat(ui.texts("console-line").get(0)).startsWith("step 0");
        assertThat(ui.driver.findElements(By.cssSelector("[data-testid='console'] .ansi-fg-green"))).isNotEmpty();

        // the figure shows up (as an <img> of the SVG) while the job still runs
        ui.click("plots-tab");
        ui.until("a plot image while running", d -> !d.findElements(By.cssSelector("[data-testid='plot'][data-plot-id] img[src^='data:image/svg+xml']")).isEmpty()
                && "running".equals(jobStatus(ui, "make")));
        ui.screenshot(SCREENSHOTS.resolve(testName + "-running.png"));

        // metrics: a chart per metric name
        ui.click("metrics-tab");
        ui.until("the loss chart", d -> d.findElements(By.cssSelector("[data-testid='metric-chart'][data-metric='loss']")).size() == 1);

        // the job and the execution finish green; the Output node saved the artifact
        ui.until("the make job to succeed", JOB, d -> "success".equals(jobStatus(ui, "make")));
        ui.until("the execution to succeed", JOB, d -> "success".equals(executionStatus(ui)));
        ui.until("the output job to succeed", d -> "success".equals(jobStatus(ui, "out")));
        ui.until("every step's point in the chart", d -> "8".equals(ui.attributeOf("[data-testid='metric-chart'][data-metric='loss']", "data-points")));
        ui.click("console-tab");
        ui.until("all console lines", d -> ui.texts("console-line").stream().filter(t -> t.startsWith("step")).count() == 8);
        ui.type("console-search", "step 7");
        // the match spans the colour change after "step", so it is marked in two pieces of one line
        ui.until("the match highlighted", d -> String.join("", ui.texts("console-match")).equals("step 7"));

        // the list shows it, newest first
        ui.click("rail-executions");
        WebElement row = ui.until("the execution row", d -> d.findElements(By.cssSelector("[data-testid='execution-row'][data-execution-id='" + id + "']"))
                .stream().findFirst().orElse(null));
        assertThat(row.getDomAttribute("data-status")).isEqualTo("success");
        assertThat(row.getText()).contains("UI run").contains("Live run pipeline");

        // the artifact: listed, downloadable with the recorded sha256, with its provenance and lineage
        ui.click("rail-artifacts");
        WebElement artifact = ui.waitForRow("artifact-row", "result");
        String artifactId = artifact.getDomAttribute("data-artifact-id");
        String href = artifact.findElement(testId("artifact-download")).getDomProperty("href");
        HttpResponse<byte[]> download = server.http.send(HttpRequest.newBuilder(URI.create(href)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        JsonNode stored = server.get("/api/v1/projects/" + p + "/model?ref=main").json().at("/model/artifacts/" + artifactId);
        assertThat(sha256(download.body())).isEqualTo(stored.at("/storage/sha256").asText());
        assertThat(artifact.getText()).contains(id);

        ui.clickIn(By.cssSelector("[data-testid='artifact-row'][data-artifact-id='" + artifactId + "']"), "artifact-open");
        ui.waitFor("provenance-panel");
        ui.until("the producing operation", d -> d.findElement(testId("provenance-operation")).getText().contains("Make"));
        ui.until("the lineage graph", d -> ui.rows("lineage-node").size() >= 2);
        assertThat(ui.driver.findElements(By.cssSelector("[data-testid='lineage-node'][data-kind='job']"))).isNotEmpty();
        ui.screenshot(SCREENSHOTS.resolve(testName + "-artifacts.png"));

        // the provenance links back to the execution
        ui.click("provenance-execution");
        ui.until("the execution view again", d -> ui.path().endsWith("/executions/" + id));
        ui.until("the finished DAG", d -> "success".equals(jobStatus(ui, "make")));
    }

    @Test
    void aLongRunningExecutionIsCancelledFromTheBrowser() throws Exception {
        String code = "import time\n\nclass Slow:\n    def execute(self):\n        for i in range(600):\n"
                + "            print('working', i, flush=True)\n            time.sleep(0.2)\n        done = 1\n        return done\n";
        String p = project("Slow run", "Slow", code, null, null);
        Browser ui = browser().open("/p/" + p + "/main/pipelines/pl");
        ui.waitFor("pipeline-editor");

        // Shift-Enter opens the run dialog of the open pipeline
        ui.driver.findElement(By.tagName("body")).sendKeys(Keys.chord(Keys.SHIFT, Keys.ENTER));
        ui.waitFor("run-dialog");
        ui.click("run-ignore-cache");
        ui.click("run-submit");
        ui.until("the execution view", d -> ui.path().contains("/executions/"));
        String id = ui.path().substring(ui.path().lastIndexOf('/') + 1);
        ui.until("the slow job to run", JOB, d -> "running".equals(jobStatus(ui, "make")));
        openJob(ui, "make");
        ui.until("console output", d -> ui.texts("console-line").stream().anyMatch(t -> t.startsWith("working")));

        ui.click("cancel-execution");
        ui.until("the execution to be cancelled", JOB, d -> "cancelled".equals(executionStatus(ui)));
        ui.until("the job to be cancelled", d -> "cancelled".equals(jobStatus(ui, "make")));
        assertThat(server.get("/api/v1/executions/" + id).json().get("status").asText()).isEqualTo("cancelled");
        assertThat(ui.driver.findElement(testId("cancel-execution")).isEnabled()).isFalse();

        // rerun starts a new execution of the same pipeline and opens it
        ui.click("rerun-execution");
        ui.until("the rerun's view", d -> ui.path().contains("/executions/") && !ui.path().endsWith(id));
        String rerun = ui.path().substring(ui.path().lastIndexOf('/') + 1);
        ui.until("the rerun's job to run", JOB, d -> "running".equals(jobStatus(ui, "make")));
        ui.click("cancel-execution");
        ui.until("the rerun to be cancelled", JOB, d -> "cancelled".equals(executionStatus(ui)));
        assertThat(server.get("/api/v1/executions/" + rerun).json().get("status").asText()).isEqualTo("cancelled");
    }

    @Test
    void aPipelineWithProblemsShowsThemInTheRunDialog() throws Exception {
        // Scale needs an input that nothing feeds
        String code = "class Scale:\n    def execute(self, values):\n        out = values\n        return out\n";
        String p = project("Broken run", "Scale", code, null, null);
        Browser ui = browser().open("/p/" + p + "/main/pipelines/pl");
        ui.waitFor("pipeline-editor");
        ui.click("run-button");
        ui.waitFor("run-dialog");
        ui.click("run-submit");
        WebElement problems = ui.waitFor("run-problems");
        ui.until("the problem list", d -> !ui.rows("run-problem").isEmpty());
        assertThat(problems.getText()).contains("values");
        assertThat(ui.path()).isEqualTo("/p/" + p + "/main/pipelines/pl");
        assertThat(server.get("/api/v1/projects/" + p + "/executions").json().get("items")).isEmpty();
    }

    @Test
    void anUploadedArtifactCanBeDownloadedRenamedAndDeletedWithItsData() throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"Uploads\",\"empty\":true}").json().get("id").asText();
        byte[] bytes = new byte[3 * 1024 * 1024];
        new Random(7).nextBytes(bytes);
        Path file = Files.createTempDirectory("upload").resolve("readings.bin");
        Files.write(file, bytes);
        Browser ui = browser().open("/p/" + p + "/main/artifacts");
        ui.waitFor("place-artifacts");
        new Select(ui.driver.findElement(testId("artifact-upload-type"))).selectByValue("file");
        ui.driver.findElement(testId("artifact-upload")).sendKeys(file.toAbsolutePath().toString());
        WebElement row = ui.waitForRow("artifact-row", "readings.bin");
        ui.waitGone("upload-progress");
        String id = row.getDomAttribute("data-artifact-id");
        JsonNode stored = server.get("/api/v1/projects/" + p + "/model?ref=main").json().at("/model/artifacts/" + id);
        assertThat(stored.at("/storage/sha256").asText()).isEqualTo(sha256(bytes));
        String href = row.findElement(testId("artifact-download")).getDomProperty("href");
        HttpResponse<byte[]> download = server.http.send(HttpRequest.newBuilder(URI.create(href)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(sha256(download.body())).isEqualTo(sha256(bytes));
        ui.waitFor("provenance-panel"); // the upload selects it
        ui.waitFor("provenance-uploaded");

        By thisRow = By.cssSelector("[data-testid='artifact-row'][data-artifact-id='" + id + "']");
        ui.clickIn(thisRow, "artifact-rename");
        ui.type("artifact-rename-input", "renamed.bin");
        ui.clickIn(thisRow, "artifact-rename-save");
        ui.until("the new name", d -> d.findElement(thisRow).getText().contains("renamed.bin"));
        ui.until("the rename committed", d -> {
            try {
                return server.get("/api/v1/projects/" + p + "/model?ref=main").json().at("/model/artifacts/" + id + "/name").asText().equals("renamed.bin");
            } catch (Exception e) {
                return false;
            }
        });

        ui.clickIn(thisRow, "artifact-delete");
        ui.click("artifact-delete-data");
        ui.click("artifact-delete-confirm");
        ui.waitNoRow("artifact-row", "renamed.bin");
        ui.waitFor("artifacts-empty");
        assertThat(server.get("/api/v1/projects/" + p + "/artifacts").json().get("items")).isEmpty();
        // the data is gone too: even at the commit the link was made for, the bytes cannot be read any more
        assertThat(server.http.send(HttpRequest.newBuilder(URI.create(href)).build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isGreaterThanOrEqualTo(400);
    }
}
