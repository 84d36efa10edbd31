package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.deepforge.server.ui.Browser.testId;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/**
 * The browser workbench driven like a user: real server, real headless Chromium, clicks and typing.
 * Every test leaves a screenshot in target/screenshots/&lt;test&gt;.png (taken at the end, pass or fail).
 */
class WorkbenchUiTest extends UiTestBase {

    // ---------------------------------------------------------------- a. project list

    @Test
    void projectListCreateRenameOpenDelete() throws Exception {
        Browser ui = browser().open("/");
        ui.waitFor("new-project-name");

        ui.type("new-project-name", "Lifecycle project");
        ui.click("new-project-create");
        // a new project opens at once
        ui.waitFor("place-pipelines");
        ui.until("the new project's name in the top bar",
                d -> d.findElement(testId("project-name")).getText().equals("Lifecycle project"));
        ui.click("home-link");
        WebElement row = ui.waitForRow("project-row", "Lifecycle project");
        String id = row.getDomAttribute("data-project-id");
        assertThat(id).isNotBlank();
        assertThat(server.get("/api/v1/projects/" + id).json().get("name").asText()).isEqualTo("Lifecycle project");
        By thisRow = By.cssSelector("[data-testid='project-row'][data-project-id='" + id + "']");

        // rename in place
        ui.clickIn(thisRow, "project-rename");
        ui.type("rename-input", "Renamed lifecycle");
        ui.clickIn(thisRow, "rename-save");
        ui.until("the row to show the new name", d -> d.findElement(thisRow).getText().contains("Renamed lifecycle"));
        ui.waitNoRow("project-row", "Lifecycle project");
        assertThat(server.get("/api/v1/projects/" + id).json().get("name").asText()).isEqualTo("Renamed lifecycle");

        // open: the workbench of the default branch, titled with the project's name
        ui.clickIn(thisRow, "project-open");
        ui.waitFor("place-pipelines");
        ui.until("the project name in the top bar",
                d -> d.findElement(testId("project-name")).getText().equals("Renamed lifecycle"));
        assertThat(ui.path()).isEqualTo("/p/" + id + "/main/pipelines");

        // back home, then delete with the in-page confirm
        ui.click("home-link");
        ui.until("the project list", d -> !d.findElements(thisRow).isEmpty());
        assertThat(ui.path()).isEqualTo("/");
        ui.clickIn(thisRow, "project-delete");
        WebElement dialog = ui.waitFor("confirm-dialog");
        assertThat(dialog.getText()).contains("Renamed lifecycle");
        ui.screenshot(SCREENSHOTS.resolve(testName + "-confirm.png"));
        ui.click("confirm-ok");
        ui.waitGone("confirm-dialog");
        ui.until("the row to disappear", d -> d.findElements(thisRow).isEmpty());
        assertThat(server.get("/api/v1/projects/" + id).status()).isEqualTo(404);
        assertThat(ui.errorToasts()).isEmpty();
    }

    // ---------------------------------------------------------------- b. live collaboration

    @Test
    void liveCollaborationBetweenTwoWindows() throws Exception {
        String project = server.createProject("Collab");
        String place = "/p/" + project + "/main/pipelines";
        Browser a = browser().open(place);
        Browser b = browser().open(place);
        a.waitFor("entries-empty");
        b.waitFor("entries-empty");
        // a marker that a page reload would wipe
        ((JavascriptExecutor) b.driver).executeScript("window.__sameDocument = true;");

        a.click("new-entry");
        a.type("new-entry-name", "Train and score");
        a.click("new-entry-create");
        a.waitForRow("entry-row", "Train and score");
        String id = a.until("the new pipeline to be selected",
                d -> d.findElement(By.cssSelector("[data-testid='entry-row'][aria-selected='true']")).getDomAttribute("data-entry-id"));
        assertThat(a.path()).isEqualTo(place + "/" + id);

        WebElement seen = b.waitForRow("entry-row", "Train and score");
        assertThat(seen.getDomAttribute("data-entry-id")).isEqualTo(id);

        // A renames; B follows
        a.clickIn("entry-row", "Train and score", "entry-rename");
        a.type("rename-input", "Fit, tune and score");
        a.click("rename-save");
        a.waitForRow("entry-row", "Fit, tune and score");
        b.waitForRow("entry-row", "Fit, tune and score");
        b.waitNoRow("entry-row", "Train and score");
        assertThat(server.get("/api/v1/projects/" + project + "/model?ref=main").json()
                .at("/model/pipelines/" + id + "/name").asText()).isEqualTo("Fit, tune and score");

        // presence: both windows are the same (local) person, so one avatar, showing where the window used last is
        b.until("B to see the avatar on the pipeline", d -> d.findElements(
                By.cssSelector("[data-testid='presence-avatar'][data-node='/pipelines/" + id + "']")).size() == 1);
        assertThat(b.rows("presence-avatar")).hasSize(1);

        assertThat(((JavascriptExecutor) b.driver).executeScript("return window.__sameDocument === true;"))
                .as("window B was never reloaded").isEqualTo(true);
        assertThat(a.errorToasts()).isEmpty();
        assertThat(b.errorToasts()).isEmpty();
        browsers.add(0, browsers.remove(1)); // screenshot window B
    }

    // ---------------------------------------------------------------- c. REST edit shows up live

    @Test
    void restEditAppearsLive() throws Exception {
        String project = server.createProject("Live REST");
        Browser ui = browser().open("/p/" + project + "/main/pipelines");
        ui.waitFor("entries-empty");
        ((JavascriptExecutor) ui.driver).executeScript("window.__sameDocument = true;");

        String head = server.head(project, "main");
        var r = server.change(project, "main", head,
                "[{'op':'add','path':'/pipelines/fromrest','value':{'name':'Made over REST','nodes':{},'connections':{}}}]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        WebElement row = ui.waitForRow("entry-row", "Made over REST");
        assertThat(row.getDomAttribute("data-entry-id")).isEqualTo("fromrest");

        // a second edit on top of the first, and a deletion, follow as well
        r = server.change(project, "main", r.json().get("commit").asText(),
                "[{'op':'replace','path':'/pipelines/fromrest/name','value':'Renamed over REST'}]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        ui.waitForRow("entry-row", "Renamed over REST");
        ui.screenshot(SCREENSHOTS.resolve(testName + ".png"));

        r = server.change(project, "main", r.json().get("commit").asText(), "[{'op':'remove','path':'/pipelines/fromrest'}]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        ui.waitFor("entries-empty");

        assertThat(((JavascriptExecutor) ui.driver).executeScript("return window.__sameDocument === true;")).isEqualTo(true);
        assertThat(ui.errorToasts()).isEmpty();
        screenshotTaken = true; // the one with the entry, above
    }

    // ---------------------------------------------------------------- d. conflict notice

    @Test
    void concurrentRenameShowsConflict() throws Exception {
        String project = server.createProject("Conflicts");
        var r = server.change(project, "main", server.head(project, "main"),
                "[{'op':'add','path':'/pipelines/p1','value':{'name':'Original name','nodes':{},'connections':{}}}]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        Browser ui = browser().open("/p/" + project + "/main/pipelines/p1");
        ui.waitForRow("entry-row", "Original name");
        ui.until("the inspector", d -> d.findElement(testId("inspector-summary")).getText().contains("Original name"));

        // the user starts renaming ...
        ui.clickIn("entry-row", "Original name", "entry-rename");
        ui.type("rename-input", "Renamed in the UI");
        // ... someone else renames the same pipeline meanwhile, and the UI hears of it
        r = server.change(project, "main", server.head(project, "main"),
                "[{'op':'replace','path':'/pipelines/p1/name','value':'Renamed over REST'}]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        ui.until("the inspector to show the other rename",
                d -> d.findElement(testId("inspector-summary")).getText().contains("Renamed over REST"));

        // ... then the user saves: both names are shown and nothing is lost until the user chooses
        ui.click("rename-save");
        ui.waitFor("field-conflict");
        assertThat(ui.waitFor("field-conflict-label").getText()).endsWith("▸ name");
        assertThat(ui.waitFor("field-conflict-theirs").getText()).isEqualTo("Renamed over REST");
        assertThat(ui.waitFor("field-conflict-yours").getText()).isEqualTo("Renamed in the UI");
        assertThat(server.get("/api/v1/projects/" + project + "/model?ref=main").json().at("/model/pipelines/p1/name").asText())
                .isEqualTo("Renamed over REST");
        // the user keeps theirs: it is saved over the other rename, knowingly
        ui.click("field-conflict-mine");
        ui.waitGone("field-conflict");
        await().atMost(Duration.ofSeconds(15)).until(() -> server.get("/api/v1/projects/" + project + "/model?ref=main")
                .json().at("/model/pipelines/p1/name").asText(), "Renamed in the UI"::equals);
        assertThat(server.get("/api/v1/projects/" + project + "/model?ref=main").json().at("/model/pipelines").size())
                .isEqualTo(1);
        if (!ui.driver.findElements(testId("rename-cancel")).isEmpty()) {
            ui.click("rename-cancel");
        }
        ui.until("the list to show the chosen name",
                d -> d.findElement(By.cssSelector("[data-entry-id='p1'] [data-testid='entry-open']")).getText().equals("Renamed in the UI"));
    }

    // ---------------------------------------------------------------- e. history

    /** Runs the git binary hermetically (no user or system config, never prompting) and returns its output. */
    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("GIT_CONFIG_NOSYSTEM", "1");
        pb.environment().put("GIT_TERMINAL_PROMPT", "0");
        Process git = pb.start();
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(git.waitFor()).as("git %s: %s", String.join(" ", args), out).isZero();
        return out;
    }

    @Test
    void historyDiffOpenBranchRevertMerge() throws Exception {
        String project = server.createProject("History");
        String initial = server.head(project, "main");
        // a branch with its own pipeline, to merge later
        assertThat(server.post("/api/v1/projects/" + project + "/branches",
                "{\"name\":\"side\",\"from\":\"main\"}").status()).isEqualTo(201);
        var r = server.change(project, "side", initial,
                "[{'op':'add','path':'/pipelines/sidepipe','value':{'name':'Side pipeline','nodes':{},'connections':{}}}]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        Browser ui = browser().open("/p/" + project + "/main/pipelines");
        ui.waitFor("entries-empty");
        for (String name : List.of("Alpha pipeline", "Beta pipeline")) {
            ui.click("new-entry");
            ui.type("new-entry-name", name);
            ui.click("new-entry-create");
            ui.waitForRow("entry-row", name);
        }
        String betaId = ui.findRow("entry-row", "Beta pipeline").getDomAttribute("data-entry-id");

        ui.click("rail-history");
        ui.waitFor("place-history");
        // the notebook groups the two quick edits into one entry; every commit is one click away
        ui.until("two notebook entries", d -> d.findElements(testId("history-entry")).size() == 2);
        ui.click("history-mode-commits");
        ui.until("three commits", d -> d.findElements(testId("commit-row")).size() == 3);
        assertThat(ui.texts("commit-row").get(0)).contains("Add pipeline Beta pipeline");
        assertThat(ui.texts("commit-row").get(1)).contains("Add pipeline Alpha pipeline");

        // the history clones with plain git, by the command the page shows
        ui.waitFor("clone-hint").findElement(By.tagName("summary")).click();
        String clone = ui.until("the clone command", d -> {
            String text = ui.waitFor("clone-command").getText().strip();
            return text.isEmpty() ? null : text;
        });
        assertThat(clone).isEqualTo("git clone " + server.url("/git/" + project));
        Path into = Files.createTempDirectory("ui-clone").resolve("history");
        assertThat(git(into.getParent(), "clone", "-q", clone.substring("git clone ".length()), into.toString())).isEqualTo("");
        assertThat(git(into, "log", "--format=%s")).contains("Add pipeline Beta pipeline", "Add pipeline Alpha pipeline");

        // Diff with parent: Beta added
        ui.clickIn("commit-row", "Add pipeline Beta", "commit-diff");
        WebElement entity = ui.until("the diff", d -> ui.findRow("commit-row", "Add pipeline Beta")
                .findElements(testId("diff-entity")).stream().findFirst().orElse(null));
        assertThat(entity.getDomAttribute("data-status")).isEqualTo("added");
        assertThat(entity.getDomAttribute("data-id")).isEqualTo(betaId);
        assertThat(entity.getText()).contains("pipeline Beta pipeline");

        // Branch from here: the switcher lists the new branch
        ui.clickIn("commit-row", "Add pipeline Beta", "commit-branch");
        ui.type("commit-branch-name", "from-beta");
        ui.click("commit-branch-create");
        ui.waitForToast("Created branch from-beta");
        ui.until("the branch switcher to list from-beta", d -> branchOptions(ui).contains("from-beta"));
        assertThat(branchOptions(ui)).contains("main", "side", "from-beta");
        assertThat(server.get("/api/v1/projects/" + project + "/branches").body()).contains("from-beta");

        // Open: read-only at the commit that added Alpha
        ui.clickIn("commit-row", "Add pipeline Alpha", "commit-open");
        ui.waitFor("readonly-banner");
        ui.waitForRow("entry-row", "Alpha pipeline");
        assertThat(ui.findRow("entry-row", "Beta pipeline")).isNull();
        assertThat(ui.waitFor("new-entry").isEnabled()).isFalse();
        assertThat(ui.rows("entry-rename")).allMatch(e -> !e.isEnabled());
        assertThat(ui.rows("entry-delete")).allMatch(e -> !e.isEnabled());
        ui.screenshot(SCREENSHOTS.resolve(testName + "-readonly.png"));
        ui.click("rail-history");
        ui.waitFor("place-history");
        ui.waitFor("readonly-banner");
        assertThat(ui.rows("merge-open")).isEmpty();
        ui.until("revert disabled in the read-only view",
                d -> !d.findElements(testId("commit-revert")).isEmpty()
                        && d.findElements(testId("commit-revert")).stream().noneMatch(WebElement::isEnabled));
        ui.click("readonly-back");
        ui.waitGone("readonly-banner");
        ui.until("back on main", d -> ui.path().equals("/p/" + project + "/main/history"));

        // Revert the commit that added Beta
        ui.until("three commits on main", d -> d.findElements(testId("commit-row")).size() == 3);
        ui.clickIn("commit-row", "Add pipeline Beta", "commit-revert");
        ui.waitFor("confirm-dialog");
        ui.click("confirm-ok");
        ui.waitForToast("Reverted");
        ui.until("the revert commit in the history", d -> d.findElements(testId("commit-row")).size() == 4);
        ui.click("rail-pipelines");
        ui.waitForRow("entry-row", "Alpha pipeline");
        ui.waitNoRow("entry-row", "Beta pipeline");
        JsonNode pipelines = server.get("/api/v1/projects/" + project + "/model?ref=main").json().at("/model/pipelines");
        assertThat(pipelines.has(betaId)).isFalse();
        assertThat(pipelines.size()).isEqualTo(1);

        // Merge side into main from the Merge panel
        ui.click("rail-history");
        ui.waitFor("place-history");
        ui.click("merge-open");
        ui.waitFor("merge-panel");
        new Select(ui.waitFor("merge-source")).selectByValue("side");
        ui.click("merge-submit");
        ui.waitForToast("side into main");
        ui.waitGone("merge-panel");
        ui.click("rail-pipelines");
        ui.waitForRow("entry-row", "Side pipeline");
        ui.waitForRow("entry-row", "Alpha pipeline");
        pipelines = server.get("/api/v1/projects/" + project + "/model?ref=main").json().at("/model/pipelines");
        assertThat(pipelines.has("sidepipe")).isTrue();
        assertThat(pipelines.size()).isEqualTo(2);
        assertThat(ui.errorToasts()).isEmpty();
    }

    private static List<String> branchOptions(Browser ui) {
        return ui.rows("branch-option").stream().map(o -> o.getDomAttribute("value")).toList();
    }

    // ---------------------------------------------------------------- f. deep links and the back button

    @Test
    void deepLinksAndBackButton() throws Exception {
        String project = server.createProject("Deep links");
        var r = server.change(project, "main", server.head(project, "main"),
                "[{'op':'add','path':'/pipelines/deep','value':{'name':'Deep pipeline','nodes':{},'connections':{}}}]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        By thisRow = By.cssSelector("[data-testid='project-row'][data-project-id='" + project + "']");
        String pipelines = "/p/" + project + "/main/pipelines";

        Browser ui = browser().open("/");
        ui.until("the project row", d -> !d.findElements(thisRow).isEmpty());
        ui.clickIn(thisRow, "project-open");
        ui.waitFor("place-pipelines");
        ui.until("the pipelines URL", d -> ui.path().equals(pipelines));
        ui.waitForRow("entry-row", "Deep pipeline");

        ui.click("rail-history");
        ui.waitFor("place-history");
        assertThat(ui.path()).isEqualTo("/p/" + project + "/main/history");
        assertThat(ui.waitFor("rail-history").getDomAttribute("aria-current")).isEqualTo("page");

        ui.back();
        ui.waitFor("place-pipelines");
        ui.waitForRow("entry-row", "Deep pipeline");
        assertThat(ui.path()).isEqualTo(pipelines);
        assertThat(ui.waitFor("rail-pipelines").getDomAttribute("aria-current")).isEqualTo("page");

        ui.back();
        ui.until("the project list again", d -> !d.findElements(thisRow).isEmpty());
        assertThat(ui.path()).isEqualTo("/");

        // a deep link loaded from scratch, and reloaded
        ui.open(pipelines + "/deep");
        ui.waitFor("place-pipelines");
        ui.until("the inspector on the linked pipeline",
                d -> d.findElement(testId("inspector-summary")).getText().contains("Deep pipeline"));
        ui.open(pipelines);
        ui.reload();
        ui.waitFor("place-pipelines");
        ui.waitForRow("entry-row", "Deep pipeline");
        assertThat(ui.path()).isEqualTo(pipelines);
        assertThat(ui.waitFor("rail-pipelines").getDomAttribute("aria-current")).isEqualTo("page");
        assertThat(ui.waitFor("project-name").getText()).isEqualTo("Deep links");
        assertThat(ui.errorToasts()).isEmpty();
    }
}
