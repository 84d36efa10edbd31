package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.BiFunction;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;

/**
 * A big architecture in headless Chromium: it opens with its residual blocks collapsed, a block expands and
 * collapses again, "Zoom to fit" stays readable (fits the width, starts at the top), and the layout (from the
 * layout worker) is top-down without overlaps. Screenshots in target/screenshots/.
 */
class BigGraphUiTest extends UiTestBase {

    /** Input, stem, {@code blocks} residual blocks of conv-bn-relu-conv-bn-add-relu, Output. */
    static ObjectNode residual(int blocks) {
        ObjectNode arch = Json.MAPPER.createObjectNode().put("name", "resnet");
        ObjectNode layers = arch.putObject("layers");
        ObjectNode conns = arch.putObject("connections");
        int[] n = {0};
        int[] k = {0};
        BiFunction<String, String[], String> layer = (spec, inputs) -> {
            String id = "l" + (++n[0]);
            String[] typeName = spec.split(":");
            ObjectNode l = layers.putObject(id).put("type", typeName[0]).put("name", typeName[1]);
            ObjectNode args = l.putObject("arguments");
            if (typeName[0].equals("Conv2d")) {
                args.put("out_channels", 8).put("kernel_size", 3).put("padding", 1);
            }
            if (typeName[0].equals("Input")) {
                args.putArray("shape").add(3).add(16).add(16);
            }
            for (int i = 0; i < inputs.length; i++) {
                ObjectNode c = conns.putObject("k" + (++k[0]));
                c.putObject("from").put("layer", inputs[i]).put("output", 0);
                c.putObject("to").put("layer", id).put("input", i);
            }
            return id;
        };
        String x = layer.apply("Input:image", new String[0]);
        x = layer.apply("Conv2d:stem", new String[] {x});
        for (int b = 1; b <= blocks; b++) {
            String y = layer.apply("Conv2d:block" + b + "_conv1", new String[] {x});
            y = layer.apply("BatchNorm2d:block" + b + "_bn1", new String[] {y});
            y = layer.apply("ReLU:block" + b + "_relu1", new String[] {y});
            y = layer.apply("Conv2d:block" + b + "_conv2", new String[] {y});
            y = layer.apply("BatchNorm2d:block" + b + "_bn2", new String[] {y});
            y = layer.apply("Add:block" + b + "_add", new String[] {y, x});
            x = layer.apply("ReLU:block" + b + "_relu2", new String[] {y});
        }
        layer.apply("Output:out", new String[] {x});
        return arch;
    }

    double zoom(Browser ui) {
        String t = (String) ((JavascriptExecutor) ui.driver).executeScript(
                "return document.querySelector('.react-flow__viewport').style.transform;");
        return Double.parseDouble(t.replaceAll(".*scale\\(([^)]+)\\).*", "$1"));
    }

    @Test
    void aBigArchitectureOpensCollapsedExpandsABlockAndZoomsToAReadableFit() throws Exception {
        String project = server.createProject("Big graph");
        ObjectNode body = Json.MAPPER.createObjectNode().put("message", "a deep residual net");
        ObjectNode op = body.putArray("patch").addObject().put("op", "add").put("path", "/architectures/deep");
        op.set("value", residual(30)); // 30 × 7 + 3 = 213 layers
        assertThat(server.post("/api/v1/projects/" + project + "/branches/main/changes", body.toString()).status()).isEqualTo(200);

        Browser ui = browser().open("/p/" + project + "/main/architectures/deep");
        ui.until("the canvas laid out", d -> "true".equals(ui.attributeOf("[data-testid='arch-canvas']", "data-graph-ready")));
        // every residual block is one node; the ReLUs between them, the stem, Input and Output are layers
        ui.until("30 collapsed blocks", d -> "30".equals(ui.attributeOf("[data-testid='arch-blocks-toggle']", "data-collapsed")));
        ui.until("block nodes drawn", d -> !ui.rows("block-node").isEmpty());
        assertThat(ui.rows("block-node").get(0).getText()).contains("6 layers").contains("Conv2d ×2");

        // zoom to fit: readable, the width fits, the top of the graph at the top of the canvas
        ui.click("arch-zoom-fit");
        ui.until("a readable zoom", d -> zoom(ui) >= 0.6);
        WebElement canvas = ui.driver.findElement(Browser.testId("arch-canvas"));
        @SuppressWarnings("unchecked")
        List<Number> extent = (List<Number>) ((JavascriptExecutor) ui.driver).executeScript("""
                const nodes = [...document.querySelectorAll('.react-flow__node')].map(n => n.getBoundingClientRect());
                return [Math.min(...nodes.map(r => r.left)), Math.max(...nodes.map(r => r.right)), Math.min(...nodes.map(r => r.top))];""");
        assertThat(extent.get(0).doubleValue()).isGreaterThanOrEqualTo(canvas.getRect().getX() - 1);
        assertThat(extent.get(1).doubleValue()).isLessThanOrEqualTo(canvas.getRect().getX() + canvas.getRect().getWidth() + 1);
        assertThat(extent.get(2).doubleValue()).isBetween((double) canvas.getRect().getY(), canvas.getRect().getY() + 80.0);
        ui.screenshot(SCREENSHOTS.resolve(testName + "-collapsed.png"));

        // expand the first block: its six layers appear, top-down, without overlapping anything
        String first = "block:l8"; // block 1 (l3 conv1 … l8 add), at the top
        ui.clickSelector("[data-testid='block-node'][data-block-id='" + first + "'] [data-testid='block-expand']");
        ui.until("29 collapsed blocks", d -> "29".equals(ui.attributeOf("[data-testid='arch-blocks-toggle']", "data-collapsed")));
        ui.until("the block's layers drawn", d -> ui.driver.findElements(By.cssSelector("[data-testid='block-node'][data-block-id='" + first + "']")).isEmpty()
                && "68".equals(ui.attributeOf("[data-testid='arch-canvas']", "data-shown-nodes")) // 29 blocks, 6 layers, 30 ReLUs, 3
                && !ui.driver.findElements(By.cssSelector("[data-testid='layer-node'][data-layer-id='l3']")).isEmpty());
        ui.until("laid out again", d -> "true".equals(ui.attributeOf("[data-testid='arch-canvas']", "data-graph-ready")));
        @SuppressWarnings("unchecked")
        List<List<Number>> boxes = (List<List<Number>>) ((JavascriptExecutor) ui.driver).executeScript(
                "return [...document.querySelectorAll('.react-flow__node')].map(n => { const r = n.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; });");
        for (int i = 0; i < boxes.size(); i++) {
            for (int j = i + 1; j < boxes.size(); j++) {
                double[] a = ArchitectureEditorUiTest.box(boxes.get(i));
                double[] b = ArchitectureEditorUiTest.box(boxes.get(j));
                boolean overlap = a[0] < b[0] + b[2] - 0.01 && b[0] < a[0] + a[2] - 0.01 && a[1] < b[1] + b[3] - 0.01 && b[1] < a[1] + a[3] - 0.01;
                assertThat(overlap).as("nodes %d and %d overlap: %s %s", i, j, boxes.get(i), boxes.get(j)).isFalse();
            }
        }
        double stemTop = ui.driver.findElement(By.cssSelector("[data-testid='layer-node'][data-layer-id='l2']")).getRect().getY();
        double convTop = ui.driver.findElement(By.cssSelector("[data-testid='layer-node'][data-layer-id='l3']")).getRect().getY();
        assertThat(stemTop).as("the stem above the block's first conv").isLessThan(convTop);
        ui.screenshot(SCREENSHOTS.resolve(testName + "-expanded.png"));

        // select a layer of the expanded block: it can be collapsed again
        ArchitectureEditorUiTest.select(ui, "l3");
        ui.click("arch-block-collapse");
        ui.until("30 collapsed blocks again", d -> "30".equals(ui.attributeOf("[data-testid='arch-blocks-toggle']", "data-collapsed")));
        ui.until("the block node back", d -> !ui.driver.findElements(By.cssSelector("[data-testid='block-node'][data-block-id='" + first + "']")).isEmpty());

        // expand all: every layer is a node (those in view are drawn)
        ui.click("arch-blocks-toggle");
        ui.until("no block left", d -> ui.rows("block-node").isEmpty() && "213".equals(ui.attributeOf("[data-testid='arch-canvas']", "data-shown-nodes")));
    }
}
