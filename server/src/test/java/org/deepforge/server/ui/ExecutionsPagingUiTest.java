package org.deepforge.server.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

/** The Executions page with more executions than one page: newest first, more on scroll, only rows in view drawn, filters. */
class ExecutionsPagingUiTest extends UiTestBase {
    /** More than the page the list reads first (50). */
    static final int OK_RUNS = 60;

    static String start(String p, String pipeline) throws Exception {
        var r = server.post("/api/v1/projects/" + p + "/pipelines/" + pipeline + "/executions", "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static void awaitFinished(List<String> ids) {
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(300)).until(() -> {
            for (String id : ids) {
                if (!server.get("/api/v1/executions/" + id).json().path("finished").isTextual()) {
                    return false;
                }
            }
            return true;
        });
    }

    static List<WebElement> rows(Browser ui) {
        return ui.driver.findElements(By.cssSelector("[data-testid='execution-row']"));
    }

    static int loaded(Browser ui) {
        return Integer.parseInt(ui.attributeOf("[data-testid='executions-table']", "data-rows"));
    }

    static void scrollToEnd(Browser ui) {
        ui.driver.executeScript("const s = document.querySelector(\"[data-testid='executions-scroll']\"); s.scrollTop = s.scrollHeight;");
    }

    @Test
    void aLongListShowsTheNewestFirstLoadsMoreOnScrollAndAStatusFilterNarrowsIt() throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"Many runs\",\"empty\":true}").json().get("id").asText();
        String ops = "{\"Emit\":{\"code\":" + Json.MAPPER.writeValueAsString("class Emit:\n    def execute(self):\n        return 1\n") + "},"
                + "\"Boom\":{\"code\":" + Json.MAPPER.writeValueAsString("class Boom:\n    def execute(self):\n        raise ValueError('boom')\n") + "}}";
        var changed = server.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"replace\",\"path\":\"/operations\",\"value\":" + ops
                + "},{\"op\":\"add\",\"path\":\"/pipelines/ok\",\"value\":{\"name\":\"OK\",\"nodes\":{\"e\":{\"operation\":\"Emit\"}},\"connections\":{}}}"
                + ",{\"op\":\"add\",\"path\":\"/pipelines/boom\",\"value\":{\"name\":\"Boom\",\"nodes\":{\"b\":{\"operation\":\"Boom\"}},\"connections\":{}}}]}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        List<String> failed = List.of(start(p, "boom"), start(p, "boom"));
        awaitFinished(failed);
        String firstOk = start(p, "ok");
        awaitFinished(List.of(firstOk));
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < OK_RUNS; i++) { // the cache answers these: no job runs again
            rest.add(start(p, "ok"));
        }
        awaitFinished(rest);
        JsonNode all = server.get("/api/v1/projects/" + p + "/executions?limit=500").json().get("items");
        assertThat(all.size()).isEqualTo(OK_RUNS + failed.size());
        String newest = all.get(0).get("id").asText();
        String oldest = all.get(all.size() - 1).get("id").asText();

        Browser ui = browser().open("/p/" + p + "/main/executions");
        ui.until("the newest execution on top", d -> !rows(ui).isEmpty() && newest.equals(rows(ui).get(0).getAttribute("data-execution-id")));
        assertThat(loaded(ui)).as("one page is read first").isEqualTo(50);
        assertThat(rows(ui).size()).as("only the rows in view (and a margin) are drawn").isLessThan(50);

        ui.until("the next page, read on scrolling down", d -> {
            scrollToEnd(ui);
            return loaded(ui) == all.size();
        });
        ui.until("the oldest execution at the end", d -> {
            scrollToEnd(ui);
            List<WebElement> shown = rows(ui);
            return !shown.isEmpty() && oldest.equals(shown.get(shown.size() - 1).getAttribute("data-execution-id"));
        });
        assertThat(rows(ui).size()).isLessThan(all.size());

        new Select(ui.waitFor("executions-filter-status")).selectByValue("failed");
        ui.until("only the failed executions", d -> {
            List<String> ids = rows(ui).stream().map(r -> r.getAttribute("data-execution-id")).toList();
            return ids.size() == failed.size() && ids.containsAll(failed);
        });
        assertThat(rows(ui)).allMatch(r -> "failed".equals(r.getAttribute("data-status")));
        assertThat(loaded(ui)).isEqualTo(failed.size());
    }
}
