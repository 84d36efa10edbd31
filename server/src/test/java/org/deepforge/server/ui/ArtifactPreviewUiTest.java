package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deepforge.server.ui.Browser.testId;

import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.junit.jupiter.api.Test;

/**
 * The artifacts place shows what the selected artifact holds: for a 3-D numpy array its shape, dtype and statistics,
 * and a slice viewer whose image is drawn with a colour scale and changes when another leading index is chosen.
 */
class ArtifactPreviewUiTest extends UiTestBase {
    @Test
    void selectingAnArrayArtifactShowsItsShapeDtypeStatisticsAndASliceImage() throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"Preview\",\"empty\":true}").json().get("id").asText();
        Process make = new ProcessBuilder("/usr/bin/python3", "-c",
                "import numpy as np, sys; np.save(sys.stdout.buffer, np.arange(2 * 30 * 40, dtype=np.float64).reshape(2, 30, 40))").start();
        byte[] npy = make.getInputStream().readAllBytes();
        assertThat(make.waitFor()).isZero();
        var up = server.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url("/api/v1/projects/" + p
                        + "/branches/main/artifacts?name=cube&type=numpy.ndarray"))).header("Content-Type", "application/octet-stream")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(npy)).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);

        Browser ui = browser().open("/p/" + p + "/main/artifacts");
        ui.waitForRow("artifact-row", "cube");
        ui.clickIn("artifact-row", "cube", "artifact-open");
        ui.waitFor("artifact-preview");
        assertThat(ui.waitFor("preview-shape").getText()).isEqualTo("2 × 30 × 40");
        assertThat(ui.waitFor("preview-dtype").getText()).isEqualTo("float64");
        assertThat(ui.waitFor("preview-stats").getText()).isEqualTo("min 0, max 2399, mean 1199.5");

        // the slice [0, :, :] as an image: 40 × 30 pixels, the smallest value (top left) darkest on the colour scale
        ui.until("the first slice", d -> "0".equals(d.findElement(testId("slice")).getDomAttribute("data-index")));
        ui.until("the slice drawn", d -> "40".equals(d.findElement(testId("slice-image")).getDomProperty("width")));
        assertThat(pixel(ui, 0, 0)).containsExactly(68L, 1L, 84L, 255L);
        assertThat(ui.waitFor("slice-colour-bar").getText()).contains("0").contains("1199");
        assertThat(ui.waitFor("slice-table").getText()).startsWith("0 0 1 2 3");

        // the next index of axis 0: another slice, its numbers start at 1200
        ui.waitFor("slice-index-0").sendKeys(Keys.ARROW_UP);
        ui.until("the second slice", d -> "1".equals(d.findElement(testId("slice")).getDomAttribute("data-index")));
        ui.until("its numbers", d -> d.findElement(testId("slice-table")).getText().startsWith("0 1200 1201"));
        assertThat(ui.waitFor("slice-colour-bar").getText()).contains("1200").contains("2399");
        assertThat(ui.driver.findElements(By.cssSelector("[data-testid='preview-error'], [data-testid='slice-error']"))).isEmpty();
    }

    @Test
    void aTrainedModelShowsItsModulesParameterCountAndTheSnippetThatLoadsItsDownload() throws Exception {
        var created = server.post("/api/v1/examples/digits", "");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String p = created.json().get("id").asText();
        var small = server.change(p, "main", null, "[{'op':'add','path':'/pipelines/train-and-score/nodes/n2/attributes/epochs','value':1}]");
        assertThat(small.status()).as(small.body()).isEqualTo(200);
        var started = server.post("/api/v1/projects/" + p + "/pipelines/train-and-score/executions", "{}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String execution = started.json().get("id").asText();
        org.awaitility.Awaitility.await().atMost(ReifyUiTest.JOB)
                .until(() -> server.get("/api/v1/executions/" + execution).json().path("finished").isTextual());

        Browser ui = browser().open("/p/" + p + "/main/artifacts");
        ui.waitForRow("artifact-row", "myModel");
        ui.clickIn("artifact-row", "myModel", "artifact-open");
        ui.until("the model's preview", java.time.Duration.ofSeconds(60),
                d -> "model".equals(d.findElement(testId("artifact-preview")).getDomAttribute("data-kind")));
        String id = ui.attributeOf("[data-testid='provenance-panel']", "data-artifact-id");
        var rest = server.get("/api/v1/projects/" + p + "/artifacts/" + id + "/preview").json();
        assertThat(ui.waitFor("model-load-snippet").getText().strip()).isEqualTo(rest.path("load").asText().strip())
                .contains("torch.load(\"myModel.pt\")");
        assertThat(ui.waitFor("preview-parameters").getText())
                .startsWith(String.format(java.util.Locale.ENGLISH, "%,d", rest.path("preview").path("parameters").asLong()));
        assertThat(ui.waitFor("preview-modules").getText()).contains("Conv2d").contains("Linear");
        // the download beside the snippet is the portable file the snippet loads
        String href = ui.waitFor("model-download").getDomProperty("href");
        var file = server.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(href)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
        assertThat(file.statusCode()).isEqualTo(200);
        assertThat(file.headers().firstValue("Content-Disposition").orElse("")).contains("filename=\"myModel.pt\"");
        assertThat(file.headers().firstValue("X-Model-Format")).contains("deepforge-model/1");
    }

    @SuppressWarnings("unchecked")
    private static List<Long> pixel(Browser ui, int x, int y) {
        return (List<Long>) ui.driver.executeScript(
                "const c = document.querySelector(\"[data-testid='slice-image']\");"
                        + "return Array.from(c.getContext('2d').getImageData(arguments[0], arguments[1], 1, 1).data);", x, y);
    }
}
