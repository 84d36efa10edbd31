package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/** The API reference page: reached from the project list, loaded only then, listing the routes of this server's table. */
class ApiReferenceUiTest extends UiTestBase {
    static final String RUN = "/api/v1/projects/{project}/pipelines/{pipeline}/executions";

    @Test
    void theApiReferenceListsTheServersRoutesAndIsLoadedOnlyWhenOpened() throws Exception {
        Browser ui = browser().open("/");
        ui.waitFor("api-reference-link");
        assertThat(scripts(ui)).as("Swagger UI is not part of the main bundle").noneMatch(s -> s.contains("ApiReference"));

        ui.click("api-reference-link");
        ui.until("the reference page", d -> ui.path().equals("/api-reference"));
        ui.waitFor("api-reference");
        By run = By.cssSelector(".opblock-post .opblock-summary-path[data-path='" + RUN + "']");
        ui.until("the run route listed", d -> !d.findElements(run).isEmpty());
        assertThat(scripts(ui)).anyMatch(s -> s.contains("ApiReference"));
        assertThat(ui.driver.findElements(By.cssSelector(".opblock-get .opblock-summary-path[data-path='/api/v1/health']"))).hasSize(1);

        ui.driver.findElement(run).click();
        ui.until("the run route's summary and its answer", d -> {
            String text = d.findElement(By.cssSelector(".opblock-post.is-open")).getText();
            return text.contains("Run a pipeline") && text.contains("201");
        });
    }

    @SuppressWarnings("unchecked")
    private static List<String> scripts(Browser ui) {
        return (List<String>) ui.driver.executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name).filter(n => n.endsWith('.js'))");
    }
}
