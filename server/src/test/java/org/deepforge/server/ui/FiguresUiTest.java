package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deepforge.server.ui.Browser.testId;
import static org.deepforge.server.ui.ExecutionsUiTest.executionStatus;
import static org.deepforge.server.ui.ExecutionsUiTest.jobStatus;
import static org.deepforge.server.ui.ExecutionsUiTest.openJob;
import static org.deepforge.server.ui.ExecutionsUiTest.runFromDialog;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;

/**
 * A job's figures and progress in the browser against a real server running real Python: a tqdm loop
 * shows an advancing bar with rate and ETA in the graph and the job panel; a figure opens full screen
 * at its aspect ratio and downloads as SVG; a 3-D scatter shows its colour bar; the panel maximises.
 * The job waits on files the test writes into its bundle, so every state is awaited, never slept for.
 */
class FiguresUiTest extends UiTestBase {
    static final Duration JOB = Duration.ofSeconds(90);

    static final String CODE = """
            import os
            import time

            import matplotlib.pyplot as plt
            import numpy as np
            from tqdm import tqdm


            def wait_for(name):
                while not os.path.exists(name):
                    time.sleep(0.05)


            class Draw:
                def execute(self):
                    plt.figure(figsize=(8, 3))
                    plt.plot([1, 2, 3, 4], [4.0, 2.5, 1.8, 1.2])
                    plt.title("loss")
                    plt.show()

                    rng = np.random.default_rng(0)
                    points = rng.normal(size=(200, 3))
                    figure = plt.figure()
                    axes = figure.add_subplot(projection="3d")
                    dots = axes.scatter(points[:, 0], points[:, 1], points[:, 2], c=points[:, 2] * 0.1 + 0.2, cmap="viridis")
                    figure.colorbar(dots, label="redshift")
                    axes.set_title("embedding")
                    axes.set_xlabel("t-SNE 1")
                    plt.show()

                    for i in tqdm(range(100), desc="batches"):
                        if i == 40:
                            wait_for("half")
                        time.sleep(0.01)
                    wait_for("done")
                    finished = 1
                    return finished
            """;

    static int done(Browser ui, String css) {
        String v = ui.attributeOf(css, "data-done");
        return v == null || v.isEmpty() ? -1 : (int) Double.parseDouble(v);
    }

    /** The root element's name of an XML file (matplotlib's SVG names a DTD; it is not fetched). */
    static String xmlRoot(Path file) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(file.toFile()).getDocumentElement().getLocalName();
    }

    @Test
    void aTqdmLoopShowsAnAdvancingBarAndItsFiguresOpenFullScreenDownloadAsSvgAndShowAColourBar() throws Exception {
        String p = ExecutionsUiTest.project("Figures", "Draw", CODE, null, null);
        Browser ui = browser().open("/p/" + p + "/main/pipelines/pl");
        ui.waitFor("pipeline-editor");
        Path downloads = Path.of("target", "downloads", testName).toAbsolutePath();
        Files.createDirectories(downloads);
        try (var old = Files.list(downloads)) {
            for (Path f : old.toList()) {
                Files.delete(f);
            }
        }
        ui.driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", downloads.toString()));

        String id = runFromDialog(ui, p, "figures");
        Path bundle = server.dataDir.resolve("runs").resolve(id).resolve("make");
        ui.until("the draw job to run", JOB, d -> "running".equals(jobStatus(ui, "make")));
        assertThat(executionStatus(ui)).isEqualTo("running");

        // progress: the bar shows where the loop waits, in the graph and in the panel
        String node = "[data-testid='job-node'][data-job='make'] [data-testid='job-node-progress']";
        ui.until("a progress bar on the job node", JOB, d -> done(ui, node) > 0);
        openJob(ui, "make");
        String panel = "[data-testid='job-progress']";
        int first = ui.until("the panel's bar part way", JOB, d -> {
            int n = done(ui, panel);
            return n > 0 && n <= 40 ? n : null;
        });
        assertThat(ui.attributeOf(panel, "data-total")).isEqualTo("100");
        Files.writeString(bundle.resolve("half"), "go");
        ui.until("the bar at its end", JOB, d -> done(ui, panel) == 100 && done(ui, node) == 100);
        assertThat(first).isLessThan(100);
        assertThat(ui.driver.findElement(By.cssSelector(panel)).getText()).contains("batches").contains("100/100").contains("it/s");

        // the 3-D scatter: a colour bar with its label, min and max
        ui.click("plots-tab");
        ui.until("both figures", JOB, d -> ui.rows("plot").size() == 2);
        WebElement bar = ui.waitFor("plot3d-colorbar");
        assertThat(bar.getDomAttribute("data-label")).isEqualTo("redshift");
        List<String> ticks = ui.texts("plot3d-colorbar-tick");
        assertThat(ticks.size()).isGreaterThanOrEqualTo(2);
        assertThat(Double.parseDouble(ticks.get(0))).isEqualTo(Double.parseDouble(bar.getDomAttribute("data-min")), org.assertj.core.data.Offset.offset(1e-3));
        assertThat(Double.parseDouble(ticks.get(ticks.size() - 1))).isEqualTo(Double.parseDouble(bar.getDomAttribute("data-max")), org.assertj.core.data.Offset.offset(1e-3));
        ui.click("plot3d-reset");

        // the panel maximised: it fills the execution view
        ui.click("job-panel-maximise");
        ui.until("the maximised panel", d -> "true".equals(ui.attributeOf("[data-testid='job-panel']", "data-maximised")));
        int panelHeight = ui.driver.findElement(testId("job-panel")).getRect().getHeight();
        int viewHeight = ui.driver.findElement(testId("execution-view")).getRect().getHeight();
        assertThat(panelHeight).isGreaterThanOrEqualTo(viewHeight - 2);
        ui.driver.executeScript("arguments[0].scrollIntoView({block: 'start'})", ui.driver.findElement(testId("plot3d")));
        ui.screenshot(SCREENSHOTS.resolve(testName + "-maximised.png"));

        // the 2-D figure full screen: bigger, at the SVG's own aspect ratio (nothing cropped)
        By loss = By.cssSelector("[data-testid='plot'][data-plot-id='1']");
        double aspect = Double.parseDouble(ui.driver.findElement(loss).getDomAttribute("data-aspect"));
        assertThat(aspect).isCloseTo(8.0 / 3.0, org.assertj.core.data.Offset.offset(0.01));
        int cardWidth = ui.driver.findElement(loss).findElement(testId("figure-image")).getRect().getWidth();
        ui.clickIn(loss, "figure-fullscreen");
        WebElement dialog = ui.waitFor("figure-dialog");
        WebElement image = dialog.findElement(testId("figure-image"));
        ui.until("the full-screen image loaded", d -> Boolean.TRUE.equals(((JavascriptExecutor) d).executeScript(
                "return arguments[0].complete && arguments[0].naturalWidth > 0", image)));
        var shown = image.getRect();
        assertThat((double) shown.getWidth() / shown.getHeight()).isCloseTo(aspect, org.assertj.core.data.Offset.offset(0.02));
        assertThat(shown.getWidth()).isGreaterThan(cardWidth);
        // as large as the dialog lets it be: it fills the dialog's width or its height
        var room = dialog.getRect();
        assertThat(Math.max((double) shown.getWidth() / room.getWidth(), (double) shown.getHeight() / room.getHeight())).isGreaterThan(0.8);
        ui.screenshot(SCREENSHOTS.resolve(testName + "-fullscreen.png"));

        // downloaded as SVG: a file that parses as XML with an <svg> root
        dialog.findElement(testId("figure-download-svg")).click();
        Path svg = downloads.resolve("loss.svg");
        ui.until("the downloaded SVG", d -> Files.exists(svg) && svg.toFile().length() > 0
                && !Files.exists(downloads.resolve("loss.svg.crdownload")));
        assertThat(xmlRoot(svg)).isEqualTo("svg");
        assertThat(Files.readString(svg)).contains("loss");

        // and as PNG, drawn in the browser from the SVG at the figure's aspect ratio
        dialog.findElement(testId("figure-download-png")).click();
        Path png = downloads.resolve("loss.png");
        ui.until("the downloaded PNG", d -> Files.exists(png) && png.toFile().length() > 24
                && !Files.exists(downloads.resolve("loss.png.crdownload")));
        ByteBuffer header = ByteBuffer.wrap(Files.readAllBytes(png));
        assertThat(header.getLong(0)).as("the PNG signature").isEqualTo(0x89504E470D0A1A0AL);
        assertThat((double) header.getInt(16) / header.getInt(20)).isCloseTo(aspect, org.assertj.core.data.Offset.offset(0.01));

        // Esc closes the dialog (and only the dialog: the panel stays maximised)
        ui.driver.findElement(By.tagName("body")).sendKeys(Keys.ESCAPE);
        ui.waitGone("figure-dialog");
        assertThat(ui.attributeOf("[data-testid='job-panel']", "data-maximised")).isEqualTo("true");
        screenshotTaken = true;

        Files.writeString(bundle.resolve("done"), "go");
        ui.until("the job to succeed", JOB, d -> "success".equals(jobStatus(ui, "make")));
        ui.until("the execution to succeed", JOB, d -> "success".equals(executionStatus(ui)));
        ui.until("no bar on a finished job", d -> d.findElements(By.cssSelector(node)).isEmpty());
    }
}
