package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.deepforge.server.ui.Browser.testId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.deepforge.server.ServerConfig;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The architecture editor driven like a user in headless Chromium against a real server: building a
 * small convnet from the palette with the shapes read off the canvas, an error shown in place, the
 * generated code, and a torchvision import laid out. Screenshots land in target/screenshots/&lt;test&gt;.png.
 */
class ArchitectureEditorUiTest extends UiTestBase {

    static JsonNode architecture(String project, String id) {
        try {
            return server.get("/api/v1/projects/" + project + "/model?ref=main").json().path("model").path("architectures").path(id);
        } catch (Exception e) {
            return MissingNode.getInstance();
        }
    }

    /** The id of the (first) layer of this type in the saved architecture, or null. */
    static String layerOfType(String project, String arch, String type) {
        Iterator<Map.Entry<String, JsonNode>> it = architecture(project, arch).path("layers").fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().path("type").asText().equals(type)) {
                return e.getKey();
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- build, errors, code

    @Test
    void buildConvnetReadShapesShowErrorsAndCode() throws Exception {
        String project = server.createProject("Architecture editor");
        Browser ui = browser().open("/p/" + project + "/main/architectures");
        ui.waitFor("place-architectures");

        // create: an Input and an Output to start from
        ui.click("new-entry");
        ui.type("new-arch-name", "convnet");
        ui.click("new-arch-create");
        String arch = ui.until("the editor of the new architecture", d -> {
            String p = ui.path();
            int at = p.indexOf("/architectures/");
            return at >= 0 && p.length() > at + 15 ? p.substring(at + 15) : null;
        });
        ui.waitFor("arch-canvas");
        ui.until("two layer nodes", d -> ui.rows("layer-node").size() == 2);
        assertThat(ui.rows("arch-row").stream().map(r -> r.getDomAttribute("data-arch-id")).toList()).contains(arch);
        String input = layerOfType(project, arch, "Input");
        String output = layerOfType(project, arch, "Output");

        // the Input's shape, typed like a user
        select(ui, input);
        setArg(ui, "shape", "1, 28, 28");
        ui.until("the Input shape saved", d -> architecture(project, arch).at("/layers/" + input + "/arguments/shape").toString().equals("[1,28,28]"));

        // layers from the palette (click to add: headless Chromium cancels HTML5 drags)
        String conv = addLayer(ui, project, arch, "Conv2d");
        setArg(ui, "out_channels", "8");
        setArg(ui, "kernel_size", "3");
        ui.until("Conv2d arguments saved", d -> architecture(project, arch).at("/layers/" + conv + "/arguments/kernel_size").asInt() == 3
                && architecture(project, arch).at("/layers/" + conv + "/arguments/out_channels").asInt() == 8);
        String pool = addLayer(ui, project, arch, "MaxPool2d");
        setArg(ui, "kernel_size", "2");
        ui.until("MaxPool2d kernel saved", d -> architecture(project, arch).at("/layers/" + pool + "/arguments/kernel_size").asInt() == 2);
        String flatten = addLayer(ui, project, arch, "Flatten");
        String linear = addLayer(ui, project, arch, "Linear");
        setArg(ui, "out_features", "10");
        ui.until("Linear out_features saved", d -> architecture(project, arch).at("/layers/" + linear + "/arguments/out_features").asInt() == 10);

        // connect them by dragging from output handles to input handles
        String[] chain = {input, conv, pool, flatten, linear, output};
        for (int i = 0; i + 1 < chain.length; i++) {
            connect(ui, project, arch, chain[i], chain[i + 1], i + 1);
        }
        assertThat(architecture(project, arch).path("connections").size()).isEqualTo(5);

        // the shapes on the connections and nodes, all in view (the canvas's own "fit view" control shows
        // everything; "Zoom to fit" stays readable and would leave some below)
        ui.clickSelector(".react-flow__controls-fitview");
        ui.until("the shapes on the connections", d -> Browser.texts(d, "edge-shape")
                .containsAll(List.of("[N, 1, 28, 28]", "[N, 8, 26, 26]", "[N, 8, 13, 13]", "[N, 1352]", "[N, 10]")));
        ui.until("the Conv2d output shape on its node", d -> shapeOf(ui, conv).equals("[N, 8, 26, 26]"));
        assertThat(shapeOf(ui, pool)).isEqualTo("[N, 8, 13, 13]");
        assertThat(shapeOf(ui, flatten)).isEqualTo("[N, 1352]");
        assertThat(shapeOf(ui, linear)).isEqualTo("[N, 10]");
        // Conv2d 1→8, 3×3: 80 parameters; Linear 1352→10: 13,530; the total in the header
        ui.until("the total parameters", d -> d.findElement(testId("arch-total-params")).getText().contains("13,610"));
        // in_channels was inferred: the field stays empty and says so
        select(ui, conv);
        ui.until("inferred in_channels", d -> d.findElements(By.cssSelector("[data-testid='layer-arg-inferred'][data-arg='in_channels']")).stream()
                .anyMatch(e -> e.getText().contains("inferred: 1")));
        ui.screenshot(SCREENSHOTS.resolve(testName + "-shapes.png"));

        // (b) a pooling kernel larger than its input: the node turns red with the message, in place
        select(ui, pool);
        setArg(ui, "kernel_size", "30");
        ui.until("the MaxPool2d node in error", d -> "true".equals(nodeAttr(ui, pool, "data-error")));
        String message = ui.until("the error under the node", d -> {
            List<WebElement> errs = d.findElements(By.cssSelector("[data-testid='layer-node'][data-layer-id='" + pool + "'] [data-testid='layer-error']"));
            return errs.isEmpty() ? null : errs.get(0).getText();
        });
        assertThat(message).contains("larger than");
        assertThat(ui.texts("arch-problems").get(0)).contains("larger than");
        ui.screenshot(SCREENSHOTS.resolve(testName + "-error.png"));
        setArg(ui, "kernel_size", "2");
        ui.until("the error gone", d -> "false".equals(nodeAttr(ui, pool, "data-error")));
        ui.until("kernel 2 saved again", d -> architecture(project, arch).at("/layers/" + pool + "/arguments/kernel_size").asInt() == 2);
        ui.until("the shapes back", d -> Browser.texts(d, "edge-shape").contains("[N, 1352]"));

        // (c) the generated code
        ui.click("view-code");
        ui.waitFor("code-panel");
        String code = ui.until("the generated code", d -> {
            List<WebElement> cm = d.findElements(By.cssSelector("[data-testid='code-panel'] .cm-content"));
            String text = cm.isEmpty() ? "" : cm.get(0).getText();
            return text.contains("nn.Conv2d(1, 8") ? text : null;
        });
        assertThat(code).contains("class ");
        assertThat(ui.driver.findElement(testId("code-download")).getDomAttribute("href")).contains("/architectures/" + arch + "/code");
    }

    // ---------------------------------------------------------------- import

    @Test
    void importResnet18LaysItOut() throws Exception {
        Assumptions.assumeTrue(hasTorchvision(), "torchvision is not installed for " + ServerConfig.DEFAULT_PYTHON);
        String project = server.createProject("Architecture import");
        Browser ui = browser().open("/p/" + project + "/main/architectures");
        ui.waitFor("place-architectures");
        ui.click("arch-import-open");
        ui.waitFor("arch-import-dialog");
        ui.type("arch-import-torchvision", "resnet18");
        ui.type("arch-import-shape", "3, 224, 224");
        ui.click("arch-import-submit");
        ui.until("the imported architecture open", Duration.ofSeconds(180), d -> d.findElements(testId("arch-import-dialog")).isEmpty()
                && ui.path().matches(".*/architectures/[^/]+$"));
        // laid out: 60+ layers placed (the canvas draws those in view)
        ui.until("60+ layers laid out", Duration.ofSeconds(30), d -> "true".equals(ui.attributeOf("[data-testid='arch-canvas']", "data-graph-ready"))
                && Integer.parseInt(ui.attributeOf("[data-testid='arch-canvas']", "data-shown-nodes")) >= 60);
        ui.until("the total parameters of resnet18", Duration.ofSeconds(60),
                d -> d.findElement(testId("arch-total-params")).getText().contains("11,689,512"));
        ui.click("arch-zoom-fit");
        // zoom to fit keeps the layers readable: the width fits, the rest is a scroll away
        ui.until("a readable zoom", d -> Double.parseDouble(((String) ((JavascriptExecutor) ui.driver).executeScript(
                "return document.querySelector('.react-flow__viewport').style.transform;")).replaceAll(".*scale\\(([^)]+)\\).*", "$1")) >= 0.6);
        ui.until("layers in view", d -> ui.rows("layer-node").size() >= 3);
        // laid out: no two nodes overlap (the first 30 against all; sub-pixel boxes, as drawn at this zoom)
        @SuppressWarnings("unchecked")
        List<List<Number>> boxes = (List<List<Number>>) ((JavascriptExecutor) ui.driver).executeScript(
                "return [...document.querySelectorAll(\"[data-testid='layer-node']\")].map(n => {"
                        + " const r = n.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; });");
        assertThat(boxes.size()).isGreaterThanOrEqualTo(3);
        for (int i = 0; i < Math.min(boxes.size(), 30); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                double[] a = box(boxes.get(i));
                double[] b = box(boxes.get(j));
                boolean overlap = a[0] < b[0] + b[2] - 0.01 && b[0] < a[0] + a[2] - 0.01 && a[1] < b[1] + b[3] - 0.01 && b[1] < a[1] + a[3] - 0.01;
                assertThat(overlap).as("nodes %d and %d overlap: %s %s", i, j, boxes.get(i), boxes.get(j)).isFalse();
            }
        }
        assertThat(boxes.get(0).get(2).doubleValue()).isGreaterThan(0);
        assertThat(ui.rows("arch-edge").size()).isGreaterThanOrEqualTo(2);
    }

    static double[] box(List<Number> r) {
        return new double[] {r.get(0).doubleValue(), r.get(1).doubleValue(), r.get(2).doubleValue(), r.get(3).doubleValue()};
    }

    static boolean hasTorchvision() {
        try {
            Process p = new ProcessBuilder(ServerConfig.DEFAULT_PYTHON, "-c", "import torchvision").redirectErrorStream(true).start();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- helpers

    static String nodeAttr(Browser ui, String layer, String attr) {
        return ui.attributeOf("[data-testid='layer-node'][data-layer-id='" + layer + "']", attr);
    }

    static String shapeOf(Browser ui, String layer) {
        try {
            List<WebElement> s = ui.driver.findElements(By.cssSelector("[data-testid='layer-node'][data-layer-id='" + layer + "'] [data-testid='layer-shape']"));
            return s.isEmpty() ? "" : s.get(0).getText();
        } catch (StaleElementReferenceException e) {
            return "";
        }
    }

    static WebElement node(Browser ui, String layer) {
        By by = By.cssSelector("[data-testid='layer-node'][data-layer-id='" + layer + "']");
        return ui.until("layer node " + layer, d -> d.findElements(by).stream().filter(WebElement::isDisplayed).findFirst().orElse(null));
    }

    /** Clicks a layer node and waits for its inspector. */
    static void select(Browser ui, String layer) {
        ui.until("the inspector of " + layer, d -> {
            List<WebElement> insp = d.findElements(By.cssSelector("[data-testid='layer-inspector'][data-layer-id='" + layer + "']"));
            if (!insp.isEmpty()) {
                return true;
            }
            node(ui, layer).findElement(By.className("arch-node-title")).click();
            return false;
        });
    }

    /** Types into an argument field of the inspector and commits it with Enter. */
    static void setArg(Browser ui, String arg, String text) {
        By by = By.cssSelector("[data-testid='layer-inspector'] [data-testid='layer-arg'][data-arg='" + arg + "']");
        WebElement input = ui.until("argument field " + arg, d -> d.findElements(by).stream().filter(e -> e.isDisplayed() && e.isEnabled())
                .findFirst().orElse(null));
        input.click();
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
        input.sendKeys(Keys.ENTER);
    }

    /** Adds a layer by clicking its palette entry; the new layer is selected. Returns its id. */
    static String addLayer(Browser ui, String project, String arch, String type) {
        List<String> before = new ArrayList<>();
        architecture(project, arch).path("layers").fieldNames().forEachRemaining(before::add);
        ui.type("layer-palette-search", type);
        ui.clickSelector("[data-testid='layer-palette-item'][data-type='" + type + "']");
        String id = ui.until("a new " + type + " layer", d -> {
            Iterator<Map.Entry<String, JsonNode>> it = architecture(project, arch).path("layers").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!before.contains(e.getKey()) && e.getValue().path("type").asText().equals(type)) {
                    return e.getKey();
                }
            }
            return null;
        });
        ui.until("the inspector of the new " + type, d -> !d.findElements(
                By.cssSelector("[data-testid='layer-inspector'][data-layer-id='" + id + "']")).isEmpty());
        return id;
    }

    static WebElement handle(Browser ui, String layer, String kind, String attr) {
        By by = By.cssSelector("[data-testid='layer-node'][data-layer-id='" + layer + "'] [data-testid='" + kind + "'][" + attr + "='0']");
        return ui.until(kind + " of " + layer, d -> d.findElements(by).stream().findFirst().orElse(null));
    }

    /** Drags from the first output handle of one layer to the first input of another, until the connection is saved. */
    static void connect(Browser ui, String project, String arch, String from, String to, int expected) {
        for (int attempt = 0; attempt < 4; attempt++) {
            WebElement out = handle(ui, from, "layer-out", "data-output");
            WebElement in = handle(ui, to, "layer-in", "data-input");
            ui.untilStill(out, in);
            new Actions(ui.driver).moveToElement(out).clickAndHold().pause(Duration.ofMillis(50)).moveByOffset(0, 20)
                    .pause(Duration.ofMillis(50)).moveToElement(in, 0, 2).pause(Duration.ofMillis(150)).moveToElement(in)
                    .pause(Duration.ofMillis(50)).release().perform();
            try {
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> architecture(project, arch).path("connections").size() >= expected);
                return;
            } catch (ConditionTimeoutException e) {
                // the drop was missed: drag again
            }
        }
        throw new AssertionError("could not connect " + from + " to " + to);
    }
}
