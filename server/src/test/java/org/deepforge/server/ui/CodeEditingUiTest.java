package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * The Python editor as a user types in it (docs/operations.md, "The code editor"): indentation from the
 * file, dedent after return, Tab/Shift-Tab on a selection, Escape-then-Tab leaving the editor, lint
 * markers from the analysis, go-to-line; and the pipeline's Problems naming undefined names by node and line.
 */
class CodeEditingUiTest extends UiTestBase {
    static final String HEADER = "class Scale:\n"
            + "    def __init__(self, factor: float = 2.0):\n"
            + "        self.factor = factor\n\n"
            + "    def execute(self, x):\n";

    String project(String name, String code, boolean withPipeline) throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"" + name + "\",\"empty\":true}").json().get("id").asText();
        ArrayNode patch = Json.MAPPER.createArrayNode();
        ObjectNode op = patch.addObject().put("op", "add").put("path", "/operations/Scale").putObject("value").put("code", code);
        op.putArray("requirements");
        if (withPipeline) {
            patch.addObject().put("op", "add").put("path", "/pipelines/pl")
                    .set("value", Json.MAPPER.readTree("{\"name\":\"Uses scale\",\"nodes\":{\"n1\":{\"operation\":\"Scale\",\"position\":{\"x\":0,\"y\":0}}},\"connections\":{}}"));
        }
        ObjectNode body = Json.MAPPER.createObjectNode().put("message", "setup");
        body.set("patch", patch);
        var r = server.post("/api/v1/projects/" + p + "/branches/main/changes", Json.compact(body));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return p;
    }

    String savedCode(String project) {
        try {
            return server.get("/api/v1/projects/" + project + "/model?ref=main").json().at("/model/operations/Scale/code").asText();
        } catch (Exception e) {
            return "";
        }
    }

    WebElement line(Browser ui, String text) {
        return ui.until("the line " + text, d -> d.findElements(By.cssSelector("[data-testid='op-editor'] .cm-line")).stream()
                .filter(l -> l.getText().contains(text)).findFirst().orElse(null));
    }

    @Test
    void typingAMethodLineByLineGivesFourSpaceIndentedPython() throws Exception {
        String p = project("Typing", HEADER, false);
        Browser ui = browser().open("/p/" + p + "/main/operations/Scale");
        ui.waitFor("op-editor");
        line(ui, "def execute(self, x):").click();
        new Actions(ui.driver).sendKeys(Keys.END).perform();
        for (String keys : new String[] {"y = x * self.factor", "return y", "def describe(self):", "return \"scaled\""}) {
            new Actions(ui.driver).sendKeys(Keys.ENTER).perform();
            new Actions(ui.driver).sendKeys(keys).perform();
        }
        String expected = HEADER
                + "        y = x * self.factor\n"
                + "        return y\n"
                + "    def describe(self):\n"
                + "        return \"scaled\"\n";
        ui.until("the typed code saved", d -> savedCode(p).equals(expected));
        // the saved code parses: the analysis finds no syntax error and the output of execute
        JsonNode parsed = server.post("/api/v1/projects/" + p + "/analysis/parse",
                Json.compact(Json.MAPPER.createObjectNode().put("code", savedCode(p)))).json();
        assertThat(parsed.get("syntaxError").isNull()).as(parsed.toString()).isTrue();
        assertThat(parsed.get("outputs").findValuesAsText("name")).containsExactly("y");

        // Tab and Shift-Tab indent and dedent a selection of two lines
        line(ui, "y = x * self.factor").click();
        new Actions(ui.driver).sendKeys(Keys.HOME).keyDown(Keys.SHIFT).sendKeys(Keys.DOWN, Keys.END).keyUp(Keys.SHIFT).sendKeys(Keys.TAB).perform();
        String indented = expected.replace("        y = x", "            y = x").replace("        return y", "            return y");
        ui.until("both lines indented", d -> savedCode(p).equals(indented));
        new Actions(ui.driver).keyDown(Keys.SHIFT).sendKeys(Keys.TAB).keyUp(Keys.SHIFT).perform();
        ui.until("both lines back", d -> savedCode(p).equals(expected));

        // Escape then Tab leaves the editor (keyboard users are not trapped)
        new Actions(ui.driver).sendKeys(Keys.ESCAPE).sendKeys(Keys.TAB).perform();
        ui.until("the focus out of the editor", d -> !"true".equals(d.switchTo().activeElement().getDomAttribute("contenteditable")));
        assertThat(savedCode(p)).isEqualTo(expected);

        // Ctrl-G goes to a line
        line(ui, "def describe").click();
        new Actions(ui.driver).keyDown(Keys.CONTROL).sendKeys("g").keyUp(Keys.CONTROL).perform();
        WebElement go = ui.until("the go-to-line field", d -> d.findElements(By.cssSelector("[data-testid='op-editor'] .cm-panel input")).stream()
                .findFirst().orElse(null));
        go.sendKeys("2", Keys.ENTER);
        ui.until("the cursor on line 2", d -> d.findElements(By.cssSelector("[data-testid='op-editor'] .cm-activeLine")).stream()
                .anyMatch(l -> l.getText().contains("def __init__")));
    }

    @Test
    void anUndefinedNameIsMarkedAsYouTypeAndListedInProblems() throws Exception {
        String p = project("Lint", HEADER + "        return x\n", true);
        Browser ui = browser().open("/p/" + p + "/main/operations/Scale");
        ui.waitFor("op-editor");
        line(ui, "return x").click();
        new Actions(ui.driver).sendKeys(Keys.END).sendKeys(" * factr").perform();
        WebElement marker = ui.until("a lint marker on factr", d -> d.findElements(By.cssSelector("[data-testid='op-editor'] .cm-lintRange-error")).stream()
                .filter(m -> m.getText().equals("factr")).findFirst().orElse(null));
        assertThat(marker).isNotNull();
        ui.until("the gutter marker", d -> !d.findElements(By.cssSelector("[data-testid='op-editor'] .cm-lint-marker-error")).isEmpty());
        ui.until("saved", d -> savedCode(p).contains("return x * factr"));

        // fixing the name removes the marker
        new Actions(ui.driver).sendKeys(Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE, Keys.BACK_SPACE)
                .sendKeys("self.factor").perform();
        ui.until("no lint marker", d -> d.findElements(By.cssSelector("[data-testid='op-editor'] .cm-lintRange-error")).isEmpty());
        ui.until("saved", d -> savedCode(p).contains("return x * self.factor"));

        // ... and with the undefined name back, the pipeline's Problems point at the node and line
        new Actions(ui.driver).sendKeys(Keys.ENTER, "print(factr)").perform();
        ui.until("saved", d -> savedCode(p).contains("print(factr)"));
        ui.open("/p/" + p + "/main/pipelines/pl");
        WebElement row = ui.waitForRow("problem-row", "undefined name 'factr'");
        assertThat(row.getDomAttribute("data-node-id")).isEqualTo("n1");
        assertThat(row.getDomAttribute("data-line")).isEqualTo("7");
        assertThat(row.getDomAttribute("data-severity")).isEqualTo("warning");
        assertThat(row.getText()).contains("Scale (n1): line 7");
    }
}
