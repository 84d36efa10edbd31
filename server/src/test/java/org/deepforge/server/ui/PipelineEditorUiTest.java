package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.deepforge.server.ui.Browser.testId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.core.ConditionTimeoutException;
import org.deepforge.model.Json;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operation editor (CodeMirror + live interface diagram) and the pipeline editor (xyflow canvas)
 * driven like a user in headless Chromium against a real server with the Python analysis process.
 * Screenshots land in target/screenshots/&lt;test&gt;.png.
 */
class PipelineEditorUiTest extends UiTestBase {

    JsonNode model(String project) throws Exception {
        return server.get("/api/v1/projects/" + project + "/model?ref=main").json().path("model");
    }

    /** Applies one change set built with Jackson (code contains quotes, which TestServer.change would mangle). */
    void change(String project, ArrayNode patch) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("base", server.head(project, "main"));
        body.put("message", "test setup");
        body.set("patch", patch);
        var r = server.post("/api/v1/projects/" + project + "/branches/main/changes", Json.MAPPER.writeValueAsString(body));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static ObjectNode add(ArrayNode patch, String path) {
        ObjectNode op = patch.addObject().put("op", "add").put("path", path);
        return op.putObject("value");
    }

    static String codeText(Browser ui) {
        return ui.driver.findElement(By.cssSelector("[data-testid='op-editor'] .cm-content")).getText();
    }

    // ---------------------------------------------------------------- operation editor

    @Test
    void operationEditorKeepsCodeAndInterfaceInStep() throws Exception {
        String project = server.createProject("Operation editor");
        Browser ui = browser().open("/p/" + project + "/main/operations");
        ui.waitFor("place-operations");

        // create: the server writes the template
        ui.click("new-entry");
        ui.type("new-entry-name", "Scale");
        ui.click("new-entry-create");
        ui.until("the editor of Scale", d -> ui.path().equals("/p/" + project + "/main/operations/Scale"));
        ui.waitFor("op-editor");
        ui.until("the template in the editor", d -> codeText(ui).contains("def execute(self)"));
        assertThat(model(project).at("/operations/Scale/code").asText()).contains("class Scale");
        ui.waitFor("op-interface");
        assertThat(ui.rows("iface-input")).isEmpty();

        // type a new input parameter into execute(...): the diagram follows while typing
        WebElement line = ui.until("the execute line", d -> d.findElements(By.cssSelector("[data-testid='op-editor'] .cm-line")).stream()
                .filter(l -> l.getText().contains("def execute(self")).findFirst().orElse(null));
        line.click();
        new Actions(ui.driver).sendKeys(Keys.END).sendKeys(Keys.ARROW_LEFT, Keys.ARROW_LEFT).sendKeys(", factor").perform();
        ui.until("the typed input in the editor", d -> codeText(ui).contains("def execute(self, factor):"));
        ui.until("the input port in the interface diagram",
                d -> !d.findElements(By.cssSelector("[data-testid='iface-input'][data-name='factor']")).isEmpty());
        // saved after a pause, with the interface derived by the server
        ui.until("Saved", d -> d.findElement(testId("op-save-state")).getText().equals("Saved")
                && codePersisted(project, "def execute(self, factor):"));
        assertThat(model(project).at("/operations/Scale/interface/inputs/0/name").asText()).isEqualTo("factor");

        // add an output in the diagram: the code in the editor changes
        ui.click("iface-add-output");
        ui.type("iface-add-output-name", "scaled");
        ui.click("iface-add-output-submit");
        ui.until("the return statement in the editor", d -> codeText(ui).contains("return scaled"));
        ui.until("the output in the diagram",
                d -> !d.findElements(By.cssSelector("[data-testid='iface-output'][data-name='scaled']")).isEmpty());
        assertThat(model(project).at("/operations/Scale/code").asText()).contains("return scaled");
        assertThat(ui.findRow("op-save-state", "Saved")).isNotNull();

        // a syntax error shows inline and does not block typing
        ui.driver.findElement(By.cssSelector("[data-testid='op-editor'] .cm-content")).click();
        new Actions(ui.driver).keyDown(Keys.CONTROL).sendKeys(Keys.END).keyUp(Keys.CONTROL).sendKeys(Keys.ENTER, "x = = 1").perform();
        String error = ui.waitFor("op-syntax-error").getText();
        assertThat(error).contains("line");
        assertThat(ui.errorToasts()).isEmpty();
    }

    boolean codePersisted(String project, String fragment) {
        try {
            return model(project).at("/operations/Scale/code").asText().contains(fragment);
        } catch (Exception e) {
            return false;
        }
    }

    // ---------------------------------------------------------------- pipeline editor

    static final String SOURCE = "class Source:\n"
            + "    def __init__(self, count: int = 3):\n"
            + "        self.count = count\n\n"
            + "    def execute(self):\n"
            + "        data = list(range(self.count))\n"
            + "        return data\n";
    static final String COMBINE = "class Combine:\n"
            + "    def __init__(self, factor: float = 2.0):\n"
            + "        self.factor = factor\n\n"
            + "    def execute(self, data, extra):\n"
            + "        result = [x * self.factor for x in data]\n"
            + "        return result\n";

    @Test
    void buildConnectRefuseCycleAndSetAttribute() throws Exception {
        String project = server.createProject("Pipeline editor");
        ArrayNode setup = Json.MAPPER.createArrayNode();
        add(setup, "/operations/Source").put("code", SOURCE).putArray("requirements");
        add(setup, "/operations/Combine").put("code", COMBINE).putArray("requirements");
        ObjectNode pipeline = add(setup, "/pipelines/chain");
        pipeline.put("name", "Chain");
        pipeline.putObject("nodes");
        pipeline.putObject("connections");
        change(project, setup);
        assertThat(model(project).at("/operations/Combine/interface/inputs").size()).as("interface derived").isEqualTo(2);

        Browser ui = browser().open("/p/" + project + "/main/pipelines/chain");
        WebElement canvas = ui.waitFor("pipeline-canvas");
        ui.waitFor("palette");

        // the palette searches with '/'
        new Actions(ui.driver).sendKeys("/").perform();
        ui.until("the search field focused", d -> "palette-search".equals(d.switchTo().activeElement().getDomAttribute("data-testid")));
        new Actions(ui.driver).sendKeys("Comb").perform();
        ui.until("only Combine left among operations", d -> d.findElements(By.cssSelector("[data-testid='palette-item'][data-name='Source']")).isEmpty());
        ui.type("palette-search", "");

        // three nodes dragged from the palette onto the canvas
        String n1 = dropFromPalette(ui, canvas, "Source", -40, -160);
        String n2 = dropFromPalette(ui, canvas, "Combine", 0, -10);
        String n3 = dropFromPalette(ui, canvas, "Combine", 40, 140);
        JsonNode nodes = model(project).at("/pipelines/chain/nodes");
        assertThat(nodes.size()).isEqualTo(3);
        assertThat(nodes.at("/" + n1 + "/operation").asText()).isEqualTo("Source");
        assertThat(nodes.at("/" + n2 + "/operation").asText()).isEqualTo("Combine");
        assertThat(nodes.at("/" + n3 + "/operation").asText()).isEqualTo("Combine");

        // connect ports by dragging handles
        connect(ui, n1, "data", n2, "data");
        ui.until("one edge", d -> d.findElements(testId("edge")).size() == 1);
        connect(ui, n2, "result", n3, "data");
        ui.until("two edges", d -> d.findElements(testId("edge")).size() == 2);
        ui.until("two connections on the server", d -> connections(project) == 2);
        JsonNode conns = model(project).at("/pipelines/chain/connections");
        List<String> links = new ArrayList<>();
        conns.forEach(c -> links.add(c.at("/from/node").asText() + "." + c.at("/from/port").asText() + "->"
                + c.at("/to/node").asText() + "." + c.at("/to/port").asText()));
        assertThat(links).containsExactlyInAnyOrder(n1 + ".data->" + n2 + ".data", n2 + ".result->" + n3 + ".data");

        // a connection that closes a cycle is refused, and the message names the cycle
        ui.dismissToasts();
        drag(ui, n3, "result", n2, "extra");
        String refusal = ui.waitForToast("cycle");
        assertThat(refusal).contains(n2 + " → " + n3);
        assertThat(connections(project)).isEqualTo(2);
        // the server refuses it as well (it is the authority), naming the cycle
        ArrayNode cyc = Json.MAPPER.createArrayNode();
        ObjectNode bad = add(cyc, "/pipelines/chain/connections/cx");
        bad.putObject("from").put("node", n3).put("port", "result");
        bad.putObject("to").put("node", n2).put("port", "extra");
        ObjectNode body = Json.MAPPER.createObjectNode().put("base", server.head(project, "main")).put("message", "cycle");
        body.set("patch", cyc);
        var r = server.post("/api/v1/projects/" + project + "/branches/main/changes", Json.MAPPER.writeValueAsString(body));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().path("error").asText()).contains("cycle").contains(n2).contains(n3);

        // an unconnected input is a problem, shown on the node
        ui.until("a problem badge on the node with the open input",
                d -> !d.findElements(By.cssSelector("[data-node-id='" + n2 + "'] [data-testid='node-problem']")).isEmpty());

        // set an attribute in the inspector: persisted
        ui.driver.findElement(By.cssSelector("[data-testid='pipeline-node'][data-node-id='" + n2 + "'] .df-node-title")).click();
        ui.waitFor("node-inspector");
        WebElement factor = ui.waitFor("attr-field");
        assertThat(factor.getDomAttribute("data-attr")).isEqualTo("factor");
        assertThat(factor.getDomAttribute("placeholder")).isEqualTo("2");
        factor.sendKeys("0.5");
        ui.until("factor saved", d -> attribute(project, n2).isNumber() && attribute(project, n2).asDouble() == 0.5);
        ui.until("the summary on the node", d -> d.findElement(By.cssSelector("[data-node-id='" + n2 + "']")).getText().contains("factor=0.5"));

        // undo and redo are inverse change sets of this user's edits
        ui.click("undo");
        ui.until("factor unset again", d -> attribute(project, n2).isMissingNode());
        ui.click("redo");
        ui.until("factor back", d -> attribute(project, n2).asDouble() == 0.5);

        // auto layout writes every position in one commit, top to bottom along the connections
        String heads = server.head(project, "main");
        ui.click("auto-layout");
        ui.until("laid out top to bottom", d -> {
            JsonNode ns = safeModel(project).at("/pipelines/chain/nodes");
            return !heads.equals(headOf(project))
                    && ns.at("/" + n1 + "/position/y").asDouble() < ns.at("/" + n2 + "/position/y").asDouble()
                    && ns.at("/" + n2 + "/position/y").asDouble() < ns.at("/" + n3 + "/position/y").asDouble();
        });
        ui.click("zoom-fit");
        ui.screenshot(SCREENSHOTS.resolve(testName + "-laid-out.png"));

        // Delete removes the selected node and its connections
        ui.driver.findElement(By.cssSelector("[data-testid='pipeline-node'][data-node-id='" + n3 + "'] .df-node-title")).click();
        new Actions(ui.driver).sendKeys(Keys.DELETE).perform();
        ui.until("the node gone on the server", d -> !safeModel(project).at("/pipelines/chain/nodes").has(n3));
        assertThat(connections(project)).isEqualTo(1);
        ui.until("the node gone from the canvas", d -> d.findElements(By.cssSelector("[data-node-id='" + n3 + "']")).isEmpty());
        // ... and Ctrl-Z brings it back with its connection
        new Actions(ui.driver).keyDown(Keys.CONTROL).sendKeys("z").keyUp(Keys.CONTROL).perform();
        ui.until("the node back", d -> safeModel(project).at("/pipelines/chain/nodes").has(n3) && connections(project) == 2);

        // the list shows a thumbnail of the pipeline
        WebElement thumb = ui.driver.findElement(By.cssSelector("[data-entry-id='chain'] [data-testid='pipeline-thumbnail']"));
        assertThat(thumb.getAttribute("data-nodes")).isEqualTo("3");
        String boxes = thumb.findElements(By.cssSelector("path.thumb-boxes, path.thumb-ports")).stream().map(p -> p.getAttribute("d")).reduce("", String::concat);
        assertThat(boxes.chars().filter(ch -> ch == 'M').count()).as("a box per node: " + boxes).isEqualTo(3);
        assertThat(thumb.findElement(By.cssSelector("path.thumb-lines")).getAttribute("d")).as("a line per connection").matches("(M[^M]+){2}");
        assertThat(ui.errorToasts()).allMatch(t -> t.contains("cycle"));
    }

    @Test
    void autoLayoutDrawsTheRedshiftPipelineTopDownPortByPort() throws Exception {
        var created = server.post("/api/v1/examples/redshift", "");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String project = created.json().get("id").asText();
        // every node piled on one spot
        ArrayNode pile = Json.MAPPER.createArrayNode();
        JsonNode nodes = model(project).at("/pipelines/redshift/nodes");
        nodes.fieldNames().forEachRemaining(id -> add(pile, "/pipelines/redshift/nodes/" + id + "/position").put("x", 0).put("y", 0));
        change(project, pile);

        Browser ui = browser().open("/p/" + project + "/main/pipelines/redshift");
        ui.waitFor("pipeline-canvas");
        ui.until("every node drawn", d -> d.findElements(testId("pipeline-node")).size() == nodes.size());
        ui.until("every port drawn", d -> d.findElements(By.cssSelector("[data-node-id='n3'] [data-testid='port-out']")).size() >= 3);
        ui.click("auto-layout");
        ui.until("a position for every node, none shared", d -> {
            JsonNode ns = safeModel(project).at("/pipelines/redshift/nodes");
            java.util.Set<String> at = new java.util.HashSet<>();
            ns.forEach(n -> at.add(n.at("/position/x").asInt() + "," + n.at("/position/y").asInt()));
            return at.size() == nodes.size();
        });
        List<List<String>> wires = new ArrayList<>();
        model(project).at("/pipelines/redshift/connections").forEach(c -> wires.add(List.of(
                c.at("/from/node").asText(), c.at("/from/port").asText(), c.at("/to/node").asText(), c.at("/to/port").asText())));
        try {
            ui.until("no overlapping nodes and every connection going down, on the canvas", d -> {
                // the canvas draws only what is in view: zoom out until every node is drawn
                if (d.findElements(testId("pipeline-node")).size() < nodes.size()) {
                    d.findElement(By.cssSelector(".react-flow__controls-zoomout")).click();
                    return false;
                }
                return layoutFaults(ui, wires).isEmpty();
            });
        } catch (TimeoutException e) {
            assertThat(layoutFaults(ui, wires)).as("what is wrong with the drawing").isEmpty();
            throw e;
        }
        ui.driver.findElement(By.cssSelector(".react-flow__controls-fitview")).click();
        ui.screenshot(SCREENSHOTS.resolve(testName + "-laid-out.png"));
        screenshotTaken = true;
        assertThat(ui.errorToasts()).isEmpty();
    }

    /** What is wrong with the drawing: nodes that overlap, connections whose output is not above their input. */
    @SuppressWarnings("unchecked")
    static List<String> layoutFaults(Browser ui, List<List<String>> wires) {
        return (List<String>) ((JavascriptExecutor) ui.driver).executeScript(
                "const wires = arguments[0], faults = [];"
                        + "const nodes = [...document.querySelectorAll(\"[data-testid='pipeline-node']\")];"
                        + "for (let i = 0; i < nodes.length; i++) for (let j = i + 1; j < nodes.length; j++) {"
                        + "  const a = nodes[i].getBoundingClientRect(), b = nodes[j].getBoundingClientRect();"
                        + "  if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)"
                        + "    faults.push(nodes[i].dataset.nodeId + ' overlaps ' + nodes[j].dataset.nodeId);"
                        + "}"
                        + "for (const [f, fp, t, tp] of wires) {"
                        + "  const out = document.querySelector(`[data-node-id='${f}'] [data-testid='port-out'][data-handleid='${fp}']`);"
                        + "  const inp = document.querySelector(`[data-node-id='${t}'] [data-testid='port-in'][data-handleid='${tp}']`);"
                        + "  if (!out || !inp) faults.push(`${f}.${fp} -> ${t}.${tp} not drawn`);"
                        + "  else if (out.getBoundingClientRect().top >= inp.getBoundingClientRect().top) faults.push(`${f}.${fp} -> ${t}.${tp} goes up`);"
                        + "}"
                        + "return faults;",
                wires);
    }

    String headOf(String project) {
        try {
            return server.head(project, "main");
        } catch (Exception e) {
            return "";
        }
    }

    JsonNode safeModel(String project) {
        try {
            return model(project);
        } catch (Exception e) {
            return MissingNode.getInstance();
        }
    }

    int connections(String project) {
        return safeModel(project).at("/pipelines/chain/connections").size();
    }

    JsonNode attribute(String project, String node) {
        return safeModel(project).at("/pipelines/chain/nodes/" + node + "/attributes/factor");
    }

    /**
     * Drags a palette entry onto the canvas (offsets from the canvas centre) and returns the new node's
     * id. Selenium's Actions drag is tried first, but headless Chromium cancels an HTML5 drag started
     * by WebDriver input at once (dragstart, pointercancel, dragend: no drop), so the drag events are
     * then dispatched from script, through the same React handlers a real drag reaches.
     */
    String dropFromPalette(Browser ui, WebElement canvas, String name, int dx, int dy) {
        List<String> before = nodeIds(ui);
        WebElement item = ui.driver.findElement(By.cssSelector("[data-testid='palette-item'][data-name='" + name + "']"));
        new Actions(ui.driver).clickAndHold(item).moveByOffset(10, 5).moveToElement(canvas, dx, dy).pause(Duration.ofMillis(150))
                .release().perform();
        boolean dropped;
        try {
            new WebDriverWait(ui.driver, Duration.ofSeconds(2))
                    .until(d -> nodeIds(ui).size() > before.size());
            dropped = true;
        } catch (TimeoutException e) {
            dropped = false;
        }
        if (!dropped) {
            ((JavascriptExecutor) ui.driver).executeScript(
                    "const [item, canvas, dx, dy] = arguments;"
                            + "const box = canvas.getBoundingClientRect();"
                            + "const x = box.left + box.width / 2 + dx, y = box.top + box.height / 2 + dy;"
                            + "const dt = new DataTransfer();"
                            + "item.dispatchEvent(new DragEvent('dragstart', {bubbles: true, cancelable: true, dataTransfer: dt}));"
                            + "const target = document.elementFromPoint(x, y);"
                            + "for (const type of ['dragenter', 'dragover', 'drop'])"
                            + "  target.dispatchEvent(new DragEvent(type, {bubbles: true, cancelable: true, dataTransfer: dt, clientX: x, clientY: y}));"
                            + "item.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: dt}));",
                    item, canvas, dx, dy);
            ui.until("a node from the scripted drag", d -> nodeIds(ui).size() > before.size());
        }
        List<String> after = nodeIds(ui);
        after.removeAll(before);
        assertThat(after).hasSize(1);
        String id = after.get(0);
        assertThat(ui.driver.findElement(By.cssSelector("[data-testid='pipeline-node'][data-node-id='" + id + "']"))
                .getDomAttribute("data-operation")).isEqualTo(name);
        return id;
    }

    static List<String> nodeIds(Browser ui) {
        List<String> ids = new ArrayList<>();
        for (WebElement n : ui.driver.findElements(testId("pipeline-node"))) {
            try {
                ids.add(n.getDomAttribute("data-node-id"));
            } catch (StaleElementReferenceException e) {
                // re-rendered meanwhile; the caller waits and asks again
            }
        }
        return ids;
    }

    static WebElement handle(Browser ui, String node, String kind, String port) {
        By by = By.cssSelector("[data-testid='pipeline-node'][data-node-id='" + node + "'] [data-testid='" + kind + "'][data-port='" + port + "']");
        return ui.until(kind + " " + port + " of " + node, d -> d.findElements(by).stream().findFirst().orElse(null));
    }

    /** One drag gesture from an output handle to an input handle. */
    void drag(Browser ui, String fromNode, String fromPort, String toNode, String toPort) {
        WebElement out = handle(ui, fromNode, "port-out", fromPort);
        WebElement in = handle(ui, toNode, "port-in", toPort);
        ui.untilStill(out, in);
        new Actions(ui.driver).moveToElement(out).clickAndHold().pause(Duration.ofMillis(50)).moveByOffset(0, 20)
                .pause(Duration.ofMillis(50)).moveToElement(in, 0, 2).pause(Duration.ofMillis(150)).moveToElement(in)
                .pause(Duration.ofMillis(50)).release().perform();
    }

    /**
     * Drags from an output handle to an input handle with pointer input (xyflow listens to mouse events).
     * On a loaded machine a drag's pointer events can be coalesced so that xyflow misses the drop, as a
     * hurried hand would: then the user drags again, and so does this (up to three times).
     */
    void connect(Browser ui, String fromNode, String fromPort, String toNode, String toPort) {
        int before = ui.driver.findElements(testId("edge")).size();
        for (int attempt = 0; attempt < 3; attempt++) {
            drag(ui, fromNode, fromPort, toNode, toPort);
            try {
                await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(100))
                        .until(() -> ui.driver.findElements(testId("edge")).size() > before);
                return;
            } catch (ConditionTimeoutException e) {
                // the drop was missed: drag again
            }
        }
    }
}
