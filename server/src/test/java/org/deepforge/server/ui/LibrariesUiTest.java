package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.deepforge.server.ServerConfig;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The Libraries place driven like a user in headless Chromium: scikit-learn added to a project, its removal refused
 * with the server's message while an estimator pipeline exists and done once it is gone, and a project made with
 * libraries chosen on the start page.
 */
class LibrariesUiTest extends UiTestBase {

    static JsonNode libraries(String project) {
        try {
            return server.get("/api/v1/projects/" + project + "/model?ref=main").json().at("/model/project/libraries");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> projectLibraries(Browser ui) {
        return ui.rows("project-library").stream().map(e -> e.getDomAttribute("data-library-id")).toList();
    }

    @Test
    void addScikitLearnThenRemoveItOnlyOnceNothingUsesIt() throws Exception {
        // without built-in operations: PyTorch's ReduceDimensions imports sklearn, and would keep it in use
        TestServer.Reply made = server.post("/api/v1/projects", "{\"name\":\"Library shelf\",\"empty\":true}");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        String project = made.json().get("id").asText();
        Browser ui = browser().open("/p/" + project + "/main/pipelines");
        ui.click("rail-libraries");
        ui.waitFor("place-libraries");
        assertThat(ui.path()).isEqualTo("/p/" + project + "/main/libraries");
        ui.until("PyTorch listed", d -> projectLibraries(ui).equals(List.of("pytorch")));
        assertThat(ui.waitFor("library-kind").getText()).isEqualTo("Neural network (PyTorch)");

        // add: one click, one commit; scikit-learn moves from the server's list to the project's
        ui.clickSelector("[data-testid='server-library'][data-library-id='sklearn'] [data-testid='library-add']");
        ui.until("scikit-learn in the project", d -> projectLibraries(ui).contains("sklearn"));
        ui.until("scikit-learn no longer offered", d -> d.findElements(By.cssSelector("[data-testid='server-library'][data-library-id='sklearn']")).isEmpty());
        assertThat(libraries(project).has("sklearn")).isTrue();

        // an estimator pipeline uses it: the removal is refused, naming it
        String head = server.head(project, "main");
        assertThat(server.change(project, "main", head, "[{'op':'add','path':'/architectures/a1','value':{'name':'forest',"
                + "'kind':'sklearn-pipeline','layers':{'input':{'type':'Input','arguments':{}}},'connections':{}}}]").status()).isEqualTo(200);
        ui.until("the use listed", d -> textOf(ui, "sklearn").contains("architecture \"forest\""));
        removeSklearn(ui);
        WebElement refusal = ui.waitFor("library-remove-error");
        assertThat(refusal.getText()).contains("still used").contains("forest");
        ui.screenshot(SCREENSHOTS.resolve(testName + "-refused.png"));
        assertThat(libraries(project).has("sklearn")).isTrue();

        // once the architecture is gone, the removal is one commit
        head = server.head(project, "main");
        assertThat(server.change(project, "main", head, "[{'op':'remove','path':'/architectures/a1'}]").status()).isEqualTo(200);
        ui.until("the use gone", d -> !textOf(ui, "sklearn").contains("forest"));
        removeSklearn(ui);
        ui.until("scikit-learn removed", d -> projectLibraries(ui).equals(List.of("pytorch")));
        ui.waitFor("server-library");
        assertThat(libraries(project).has("sklearn")).isFalse();
        assertThat(ui.rows("library-remove-error")).isEmpty();
    }

    @Test
    void aNewProjectGetsTheLibrariesChosenOnTheStartPage() throws Exception {
        Browser ui = browser().open("/");
        ui.type("new-project-name", "Both worlds");
        ui.clickSelector("[data-testid='new-project-library'][data-library-id='sklearn']");
        ui.until("PyTorch still chosen", d -> d.findElement(By.cssSelector("[data-testid='new-project-library'][data-library-id='pytorch']")).isSelected());
        ui.screenshot(SCREENSHOTS.resolve(testName + "-form.png"));
        ui.click("new-project-create");
        String project = ui.until("the new project open", d -> {
            String p = ui.path();
            return p.startsWith("/p/") && p.endsWith("/main/pipelines") ? p.substring(3, p.length() - "/main/pipelines".length()) : null;
        });
        assertThat(libraries(project).has("pytorch")).isTrue();
        assertThat(libraries(project).has("sklearn")).isTrue();
        ui.click("rail-libraries");
        ui.until("both listed", d -> projectLibraries(ui).containsAll(List.of("pytorch", "sklearn")));
        ui.waitFor("library-add-none");
    }

    @Test
    void upgradeALibraryWithOneClick() throws Exception {
        try (TestServer two = new TestServer(ServerConfig.builder(Files.createTempDirectory("deepforge-libraries-ui"))
                .library(testLibrary("testlib-1")).library(testLibrary("testlib-2")).build())) {
            String project = two.createProject("Old library");
            assertThat(two.post("/api/v1/projects/" + project + "/libraries", "{\"id\":\"testlib\",\"version\":\"1\"}").status()).isEqualTo(201);
            Browser ui = new Browser(two.url("/"));
            browsers.add(ui);
            ui.open("/p/" + project + "/main/libraries");
            By version = By.cssSelector("[data-testid='project-library'][data-library-id='testlib'] [data-testid='library-version']");
            ui.until("testlib 1 listed", d -> d.findElements(version).stream().anyMatch(e -> e.getText().equals("1")));
            ui.clickSelector("[data-testid='project-library'][data-library-id='testlib'] [data-testid='library-upgrade']");
            ui.until("testlib 2 listed", d -> d.findElements(version).stream().anyMatch(e -> e.getText().equals("2")));
            assertThat(ui.driver.findElements(By.cssSelector("[data-testid='project-library'][data-library-id='testlib'] [data-testid='library-upgrade']")))
                    .as("nothing newer to upgrade to").isEmpty();
            assertThat(two.get("/api/v1/projects/" + project + "/model?ref=main").json().at("/model/project/libraries/testlib").asText()).isEqualTo("2");
            ui.waitForToast("upgraded to 2");
        }
    }

    /** A library directory of the server's test resources (one with a migration, in testlib-2). */
    static Path testLibrary(String name) throws Exception {
        return Path.of(LibrariesUiTest.class.getResource("/libraries/" + name).toURI());
    }

    static String textOf(Browser ui, String library) {
        List<WebElement> rows = ui.driver.findElements(By.cssSelector("[data-testid='project-library'][data-library-id='" + library + "']"));
        return rows.isEmpty() ? "" : rows.get(0).getText();
    }

    static void removeSklearn(Browser ui) {
        ui.clickSelector("[data-testid='project-library'][data-library-id='sklearn'] [data-testid='library-remove']");
        ui.waitFor("confirm-dialog");
        ui.click("confirm-ok");
        ui.waitGone("confirm-dialog");
    }
}
