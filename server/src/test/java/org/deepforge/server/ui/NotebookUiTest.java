package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deepforge.server.ui.Browser.testId;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * Reading history and running again, in Chromium against a real server: a merge conflict named in users'
 * words and resolved in the dialog; after a fix, "Run again with the current code" versus "Rerun exactly",
 * each saying which commit it runs. Screenshots land in target/screenshots/&lt;test&gt;.png.
 */
class NotebookUiTest extends UiTestBase {
    static final String PIPELINE = "F8kVFcUH";

    /** An empty project with operation {@code op} (code {@code code}) used by node n1 of the pipeline "Train and score". */
    static String project(String name, String op, String code, Integer epochs) throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":" + Json.MAPPER.writeValueAsString(name) + ",\"empty\":true}").json().get("id").asText();
        ObjectNode body = Json.MAPPER.createObjectNode().put("message", "Set up Train and score");
        ArrayNode patch = body.putArray("patch");
        patch.addObject().put("op", "add").put("path", "/operations/" + op).putObject("value").put("code", code);
        ObjectNode pl = patch.addObject().put("op", "add").put("path", "/pipelines/" + PIPELINE).putObject("value");
        pl.put("name", "Train and score");
        ObjectNode n1 = pl.putObject("nodes").putObject("n1");
        n1.put("operation", op).putObject("position").put("x", 0).put("y", 0);
        if (epochs != null) {
            n1.putObject("attributes").put("epochs", epochs);
        }
        pl.putObject("connections");
        var r = server.post("/api/v1/projects/" + p + "/branches/main/changes", Json.compact(body));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return p;
    }

    static void change(String p, String branch, String path, Object value) throws Exception {
        ObjectNode body = Json.MAPPER.createObjectNode().put("message", "Edit");
        ObjectNode op = body.putArray("patch").addObject().put("op", "replace").put("path", path);
        op.set("value", Json.MAPPER.valueToTree(value));
        var r = server.post("/api/v1/projects/" + p + "/branches/" + branch + "/changes", Json.compact(body));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    static final String TRAIN = "class Train:\n    def __init__(self, epochs=10):\n        self.epochs = epochs\n\n"
            + "    def execute(self):\n        model = self.epochs\n        return model\n";

    @Test
    void aMergeConflictIsNamedShowsBothValuesAndIsResolvedInTheDialog() throws Exception {
        String p = project("Merge in the browser", "Train", TRAIN, 10);
        String api = "/api/v1/projects/" + p;
        assertThat(server.post(api + "/branches", "{\"name\":\"tuning\",\"from\":\"main\"}").status()).isEqualTo(201);
        String epochs = "/pipelines/" + PIPELINE + "/nodes/n1/attributes/epochs";
        change(p, "tuning", epochs, 12);
        change(p, "tuning", "/project/description", "tuned");
        change(p, "main", epochs, 30);
        String mainBefore = server.head(p, "main");
        String tuningHead = server.head(p, "tuning");

        Browser ui = browser().open("/p/" + p + "/main/history");
        ui.waitFor("place-history");
        ui.click("merge-open");
        new Select(ui.waitFor("merge-source")).selectByValue("tuning");
        ui.click("merge-submit");
        WebElement dialog = ui.waitFor("merge-conflicts");
        assertThat(dialog.getDomAttribute("role")).isEqualTo("dialog");
        ui.until("one conflict", d -> ui.rows("conflict-row").size() == 1);
        // named as the user named things, not as /pipelines/F8kVFcUH/nodes/n1/attributes/epochs
        assertThat(ui.texts("conflict-label")).containsExactly("Train and score ▸ Train ▸ epochs");
        assertThat(ui.texts("conflict-what")).containsExactly("operation Train, attribute epochs");
        assertThat(dialog.getText()).doesNotContain(PIPELINE).doesNotContain("n1");
        // both values, each with its branch
        assertThat(ui.texts("conflict-ours-value")).containsExactly("30");
        assertThat(ui.texts("conflict-theirs-value")).containsExactly("12");
        assertThat(dialog.getText()).contains("Keep main's").contains("Take tuning's");
        assertThat(server.head(p, "main")).isEqualTo(mainBefore); // nothing applied yet
        ui.screenshot(SCREENSHOTS.resolve(testName + "-dialog.png"));

        ui.click("conflict-take-theirs");
        ui.click("merge-resolve");
        ui.waitForToast("Merged tuning into main");
        ui.waitGone("merge-panel");

        // via REST: the choice landed, the clean change came along, and nothing else changed
        JsonNode model = server.get(api + "/model?ref=main").json().get("model");
        assertThat(model.at(epochs).asInt()).isEqualTo(12);
        assertThat(model.at("/project/description").asText()).isEqualTo("tuned");
        JsonNode diff = server.get(api + "/diff?from=" + mainBefore + "&to=main").json();
        List<String> paths = new ArrayList<>();
        diff.get("changes").forEach(c -> paths.add(c.get("path").asText()));
        assertThat(paths).containsExactlyInAnyOrder(epochs, "/project/description");
        JsonNode merge = server.get(api + "/commits?ref=main&limit=1").json().at("/commits/0");
        assertThat(merge.get("parents")).hasSize(2);
        assertThat(merge.get("parents").get(0).asText()).isEqualTo(mainBefore);
        assertThat(merge.get("parents").get(1).asText()).isEqualTo(tuningHead);
        assertThat(merge.get("message").asText()).contains("Train and score ▸ Train ▸ epochs: took tuning's 12");

        // the notebook shows the merge as an entry of its own
        ui.until("the merge entry", d -> d.findElements(By.cssSelector("[data-testid='history-entry'][data-kind='merge']")).size() == 1);
        assertThat(ui.errorToasts()).isEmpty();
    }

    @Test
    void runAgainWithTheCurrentCodeRunsTheFixAndRerunExactlyStillFailsSayingWhichCommit() throws Exception {
        String broken = "class Train:\n    def __init__(self, epochs=2):\n        self.epochs = epochs\n\n"
                + "    def execute(self):\n        raise ValueError('the learning rate is not set')\n"
                + "        model = self.epochs\n        return model\n";
        String p = project("Run again", "Train", broken, null);
        String api = "/api/v1/projects/" + p;
        var run = server.post(api + "/pipelines/" + PIPELINE + "/executions", "{\"name\":\"First try\"}");
        assertThat(run.status()).as(run.body()).isEqualTo(201);
        String failed = run.json().get("id").asText();
        String recorded = run.json().get("commit").asText();

        Browser ui = browser().open("/p/" + p + "/main/executions/" + failed);
        ui.waitFor("execution-view");
        ui.until("the first run to fail", ExecutionsUiTest.JOB, d -> "failed".equals(ExecutionsUiTest.executionStatus(ui)));

        // the fix (made elsewhere, e.g. by a colleague): the line that raises goes; the open view says so without a reload
        change(p, "main", "/operations/Train/code", broken.replace("        raise ValueError('the learning rate is not set')\n", ""));
        String fixed = server.head(p, "main");
        WebElement notice = ui.waitFor("execution-changed-since");
        assertThat(notice.getText()).contains("Train changed since this run");
        ui.until("both buttons name their commits", d -> ui.texts("rerun-current-commit").size() == 1);
        assertThat(ui.texts("rerun-current-commit").get(0)).startsWith(fixed.substring(0, 7)).contains("Edit Train code (+0 −1 line)");
        assertThat(ui.texts("rerun-exact-commit").get(0)).startsWith(recorded.substring(0, 7)).contains("Set up Train and score");
        ui.screenshot(SCREENSHOTS.resolve(testName + "-failed.png"));

        // with the current code it succeeds
        ui.click("rerun-current");
        ui.until("the new run's view", d -> ui.path().contains("/executions/") && !ui.path().endsWith(failed));
        String again = ui.path().substring(ui.path().lastIndexOf('/') + 1);
        ui.until("the run with the fix to succeed", ExecutionsUiTest.JOB, d -> "success".equals(ExecutionsUiTest.executionStatus(ui)));
        assertThat(server.get("/api/v1/executions/" + again).json().get("commit").asText()).isEqualTo(fixed);
        ui.until("the commit it ran", d -> ui.texts("execution-commit").get(0).contains(fixed.substring(0, 7)));

        // exactly the recorded commit fails the same way, and says which commit it used
        ui.open("/p/" + p + "/main/executions/" + failed);
        ui.waitFor("execution-view");
        ui.until("the rerun buttons", d -> ui.texts("rerun-exact-commit").size() == 1 && !ui.texts("rerun-current-commit").isEmpty());
        ui.click("rerun-execution");
        ui.until("the exact rerun's view", d -> ui.path().contains("/executions/") && !ui.path().endsWith(failed) && !ui.path().endsWith(again));
        String exact = ui.path().substring(ui.path().lastIndexOf('/') + 1);
        ui.until("the exact rerun to fail again", ExecutionsUiTest.JOB, d -> "failed".equals(ExecutionsUiTest.executionStatus(ui)));
        assertThat(server.get("/api/v1/executions/" + exact).json().get("commit").asText()).isEqualTo(recorded);
        ui.until("which commit it used", d -> ui.texts("execution-commit").get(0).contains(recorded.substring(0, 7))
                && ui.texts("execution-commit").get(0).contains("Set up Train and score"));
        ui.until("what changed since", d -> !ui.rows("execution-changed-since").isEmpty()
                && ui.texts("execution-changed-since").get(0).contains("Train changed since this run"));
        screenshotTaken = true;
        ui.screenshot(SCREENSHOTS.resolve(testName + ".png"));
        assertThat(ui.errorToasts()).isEmpty();
    }
}
