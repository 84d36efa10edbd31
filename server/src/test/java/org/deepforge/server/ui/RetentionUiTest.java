package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/** Deleting executions from the browser (with a confirmation saying what it frees) and editing the retention policy. */
class RetentionUiTest extends UiTestBase {
    static String run(String project) throws Exception {
        String id = server.post("/api/v1/projects/" + project + "/pipelines/pl/executions", "{}").json().get("id").asText();
        await().atMost(ExecutionsUiTest.JOB).pollInterval(Duration.ofMillis(200))
                .until(() -> server.get("/api/v1/executions/" + id).json().path("finished").isTextual());
        return id;
    }

    static By row(String id) {
        return By.cssSelector("[data-testid='execution-row'][data-execution-id='" + id + "']");
    }

    @Test
    void anExecutionIsDeletedAfterAConfirmationThatSaysWhatItFreesAndSeveralFromTheList() throws Exception {
        String p = ExecutionsUiTest.project("Retention UI", "Make", "class Make:\n    def execute(self):\n        values = [1, 2, 3]\n"
                + "        print('made', values)\n        return values\n", "values", "made");
        String first = run(p);
        String second = run(p);
        String third = run(p);

        Browser ui = browser().open("/p/" + p + "/main/executions/" + first);
        ui.until("the delete button enabled", d -> d.findElement(Browser.testId("delete-executions")).isEnabled());
        ui.click("delete-executions");
        WebElement frees = ui.waitFor("delete-frees");
        assertThat(frees.getText()).contains("Frees").contains("of disk").contains("files");
        assertThat(ui.waitFor("delete-keeps").getText()).contains("made");
        assertThat(server.get("/api/v1/executions/" + first).status()).isEqualTo(200); // nothing deleted before the confirmation
        ui.click("delete-executions-confirm");
        ui.until("the executions list", d -> !d.findElements(row(second)).isEmpty());
        assertThat(ui.driver.findElements(row(first))).isEmpty();
        assertThat(server.get("/api/v1/executions/" + first).status()).isEqualTo(404);

        for (String id : new String[] {second, third}) {
            ui.driver.findElement(row(id)).findElement(Browser.testId("execution-select")).click();
        }
        ui.click("delete-executions");
        assertThat(ui.waitFor("delete-executions-dialog").getText()).contains("Delete 2 executions?");
        ui.click("delete-executions-confirm");
        ui.until("the rows gone", d -> d.findElements(row(second)).isEmpty() && d.findElements(row(third)).isEmpty());
        assertThat(server.get("/api/v1/executions/" + third).status()).isEqualTo(404);

        ui.click("retention-button");
        ui.type("retention-keep-last", "5");
        ui.click("retention-save");
        ui.waitFor("retention-preview");
        assertThat(server.get("/api/v1/projects/" + p + "/retention").json().get("keepLast").asInt()).isEqualTo(5);
    }
}
