package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The executions list over real HTTP: pages newest first behind a cursor, filters, and refusals that name the parameter. */
class ExecutionsPagingTest {
    static TestServer server;
    static String p;
    /** Every execution started before the tests, newest first. */
    static final List<String> started = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
        p = server.post("/api/v1/projects", "{\"name\":\"Paging\",\"empty\":true}").json().get("id").asText();
        String ops = "{\"Emit\":{\"code\":" + Json.MAPPER.writeValueAsString("class Emit:\n    def execute(self):\n        return 1\n") + "},"
                + "\"Boom\":{\"code\":" + Json.MAPPER.writeValueAsString("class Boom:\n    def execute(self):\n        raise ValueError('boom')\n") + "}}";
        var r = server.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"replace\",\"path\":\"/operations\",\"value\":" + ops
                + "},{\"op\":\"add\",\"path\":\"/pipelines/ok\",\"value\":{\"name\":\"OK\",\"nodes\":{\"e\":{\"operation\":\"Emit\"}},\"connections\":{}}}"
                + ",{\"op\":\"add\",\"path\":\"/pipelines/boom\",\"value\":{\"name\":\"Boom\",\"nodes\":{\"b\":{\"operation\":\"Boom\"}},\"connections\":{}}}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        for (String pipeline : List.of("ok", "boom", "ok", "ok", "boom", "ok", "ok", "ok", "ok")) {
            started.add(0, run(pipeline));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Runs {@code pipeline} to its end; its id. */
    static String run(String pipeline) throws Exception {
        var r = server.post("/api/v1/projects/" + p + "/pipelines/" + pipeline + "/executions", "{}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.json().get("id").asText();
        ExecutionsApiTest.waitFor(server, id);
        return id;
    }

    static JsonNode list(String query) throws Exception {
        var r = server.get("/api/v1/projects/" + p + "/executions" + query);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static List<String> ids(JsonNode page) {
        return page.get("items").findValuesAsText("id");
    }

    /** Every page of {@code query} from the first, {@code limit} at a time: the ids in order. */
    static List<String> everyPage(String query, int limit) throws Exception {
        List<String> out = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            JsonNode page = list("?limit=" + limit + query + cursor.map(c -> "&cursor=" + c).orElse(""));
            assertThat(page.get("items").size()).isLessThanOrEqualTo(limit);
            out.addAll(ids(page));
            cursor = Optional.ofNullable(page.get("next").textValue());
        } while (cursor.isPresent());
        return out;
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void theFirstPageHoldsTheNewestExecutionsAndAPageAtATimeReachesEveryOneOnce() throws Exception {
        List<String> all = everyPage("", 2);
        assertThat(all).containsSubsequence(started).doesNotHaveDuplicates();
        JsonNode first = list("?limit=4");
        assertThat(ids(first)).containsExactlyElementsOf(all.subList(0, 4));
        assertThat(first.get("next").isTextual()).isTrue();
        assertThat(list("").get("items").size()).isEqualTo(all.size()).as("the default page holds 50");
        List<String> created = list("?limit=500").get("items").findValuesAsText("created");
        assertThat(created).isSortedAccordingTo((a, b) -> b.compareTo(a));
        assertThat(list("?limit=500").get("next").isNull()).isTrue();
    }

    @Test
    void executionsStartedWhileAClientPagesNeitherRepeatNorPushOthersOut() throws Exception {
        List<String> before = everyPage("", 500);
        JsonNode page = list("?limit=3");
        List<String> seen = new ArrayList<>(ids(page));
        String newer = run("ok");
        String newest = run("boom");
        Optional<String> cursor = Optional.ofNullable(page.get("next").textValue());
        while (cursor.isPresent()) {
            page = list("?limit=3&cursor=" + cursor.get());
            seen.addAll(ids(page));
            cursor = Optional.ofNullable(page.get("next").textValue());
        }
        assertThat(seen).containsExactlyElementsOf(before);
        assertThat(ids(list("?limit=2"))).containsExactly(newest, newer);
    }

    @Test
    void filtersByStatusPipelineUserAndTimeCombine() throws Exception {
        List<String> failed = everyPage("&status=failed", 1);
        assertThat(failed).hasSizeGreaterThanOrEqualTo(2);
        for (String id : failed) {
            assertThat(server.get("/api/v1/executions/" + id).json().get("pipeline").asText()).isEqualTo("boom");
        }
        assertThat(everyPage("&pipeline=boom", 2)).containsExactlyElementsOf(failed);
        assertThat(everyPage("&pipeline=boom&status=success", 2)).isEmpty();
        List<String> finished = everyPage("&status=success,failed", 3);
        assertThat(finished).containsAll(failed).containsAll(everyPage("&status=success", 500)).doesNotHaveDuplicates();

        String user = list("?limit=1").get("items").get(0).get("user").asText();
        assertThat(everyPage("&user=" + encode(user), 500)).containsAll(started);
        assertThat(ids(list("?user=nobody-at-all"))).isEmpty();

        JsonNode all = list("?limit=500").get("items");
        String third = all.get(2).get("created").asText();
        Set<String> fromThird = new HashSet<>();
        all.forEach(e -> {
            if (e.get("created").asText().compareTo(third) >= 0) {
                fromThird.add(e.get("id").asText());
            }
        });
        assertThat(everyPage("&since=" + encode(third), 2)).containsExactlyInAnyOrderElementsOf(fromThird);
        assertThat(everyPage("&until=" + encode(third), 2)).hasSize(all.size() - fromThird.size()).doesNotContainAnyElementsOf(fromThird);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        assertThat(everyPage("&since=" + today.minusDays(1) + "&until=" + today, 500)).hasSize(all.size());
        assertThat(everyPage("&until=" + today.minusDays(1), 500)).isEmpty();
    }

    @Test
    void runTagsAreListedOnlyWhenAskedForAPageAtATime() throws Exception {
        assertThat(server.post("/api/v1/projects/" + p + "/tags", "{\"name\":\"v1\",\"ref\":\"main\"}").status()).isEqualTo(201);
        JsonNode user = server.get("/api/v1/projects/" + p + "/tags").json();
        assertThat(user.get("items").findValuesAsText("name")).containsExactly("v1");
        assertThat(user.get("next").isNull()).isTrue();
        List<String> runTags = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            JsonNode page = server.get("/api/v1/projects/" + p + "/tags?kind=run&limit=4" + cursor.map(c -> "&cursor=" + encode(c)).orElse("")).json();
            assertThat(page.get("items").size()).isLessThanOrEqualTo(4);
            runTags.addAll(page.get("items").findValuesAsText("name"));
            cursor = Optional.ofNullable(page.get("next").textValue());
        } while (cursor.isPresent());
        assertThat(runTags).doesNotHaveDuplicates().isSorted().doesNotContain("v1")
                .containsAll(started.stream().map(id -> "runs/" + id).toList());
        var bad = server.get("/api/v1/projects/" + p + "/tags?kind=mine");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("error").asText()).contains("\"kind\"");
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() throws Exception {
        String cursorOfOtherShape = java.util.Base64.getUrlEncoder().encodeToString("no newline here".getBytes(StandardCharsets.UTF_8));
        for (String[] c : new String[][] {{"limit=0", "limit"}, {"limit=501", "limit"}, {"limit=lots", "limit"},
                {"cursor=%25%25%25", "cursor"}, {"cursor=" + cursorOfOtherShape, "cursor"}, {"status=done", "status"},
                {"status=success,,failed", "status"}, {"since=2026-13-01", "since"}, {"until=yesterday", "until"},
                {"since=2026-02-01&until=2026-01-01", "since"}, {"user=" + "u".repeat(300), "user"}}) {
            var r = server.get("/api/v1/projects/" + p + "/executions?" + c[0]);
            assertThat(r.status()).as(c[0] + " → " + r.body()).isEqualTo(400);
            assertThat(r.json().get("error").asText()).as(c[0]).contains("\"" + c[1] + "\"");
        }
    }
}
