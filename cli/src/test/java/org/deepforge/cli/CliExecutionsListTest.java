package org.deepforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.deepforge.server.App;
import org.deepforge.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deepforge executions list} over the paged API: a limit, every page with --all, filters, a bad status. */
class CliExecutionsListTest {
    static App server;
    static CliTestRest rest;
    @TempDir
    static Path home;
    static InProcessCli cli;
    static String p;
    /** Newest first. */
    static final List<String> started = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = App.start(ServerConfig.builder(Files.createTempDirectory("deepforge-cli-list-test")).build());
        rest = new CliTestRest(server.url(), Optional.empty());
        cli = new InProcessCli(home).env("DEEPFORGE_SERVER", server.url());
        p = rest.post("/projects", "{\"name\":\"Listing\",\"empty\":true}").get("id").asText();
        ObjectMapper json = new ObjectMapper();
        String ops = "{\"Emit\":{\"code\":" + json.writeValueAsString("class Emit:\n    def execute(self):\n        return 1\n") + "},"
                + "\"Boom\":{\"code\":" + json.writeValueAsString("class Boom:\n    def execute(self):\n        raise ValueError('boom')\n") + "}}";
        rest.post("/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"replace\",\"path\":\"/operations\",\"value\":" + ops
                + "},{\"op\":\"add\",\"path\":\"/pipelines/ok\",\"value\":{\"name\":\"OK\",\"nodes\":{\"e\":{\"operation\":\"Emit\"}},\"connections\":{}}}"
                + ",{\"op\":\"add\",\"path\":\"/pipelines/boom\",\"value\":{\"name\":\"Boom\",\"nodes\":{\"b\":{\"operation\":\"Boom\"}},\"connections\":{}}}]}");
        for (String pipeline : List.of("OK", "Boom", "OK")) {
            cli.run("run", p, pipeline, "--follow"); // waits for the end (a failed run exits non-zero)
        }
        rest.get("/projects/" + p + "/executions").get("items").forEach(e -> started.add(e.get("id").asText()));
        assertThat(started).hasSize(3);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<String> ids(InProcessCli.Result r) throws Exception {
        assertThat(r.code()).as(r.err()).isZero();
        List<String> out = new ArrayList<>();
        for (JsonNode e : r.json()) {
            out.add(e.get("id").asText());
        }
        return out;
    }

    @Test
    void aLimitShowsTheNewestAndSaysMoreMatchWhileAllShowsEveryOne() throws Exception {
        InProcessCli.Result two = cli.run("executions", "list", p, "--limit", "2", "--json");
        assertThat(ids(two)).containsExactlyElementsOf(started.subList(0, 2));
        assertThat(two.err()).contains("more match");
        InProcessCli.Result all = cli.run("executions", "list", p, "--all", "--json");
        assertThat(ids(all)).containsExactlyElementsOf(started);
        assertThat(all.err()).doesNotContain("more match");
    }

    @Test
    void filtersNarrowTheList() throws Exception {
        assertThat(ids(cli.run("executions", "list", p, "--status", "failed", "--json"))).containsExactly(started.get(1));
        assertThat(ids(cli.run("executions", "list", p, "--pipeline", "ok", "--status", "success,failed", "--json")))
                .containsExactly(started.get(0), started.get(2));
        assertThat(ids(cli.run("executions", "list", p, "--until", "2000-01-01", "--json"))).isEmpty();
        assertThat(cli.run("executions", "list", p, "--status", "failed").out()).contains(started.get(1)).doesNotContain(started.get(0));
    }

    @Test
    void aStatusThatDoesNotExistIsRefusedNamingIt() {
        InProcessCli.Result r = cli.run("executions", "list", p, "--status", "broken");
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("status").contains("broken");
        assertThat(cli.run("executions", "list", p, "--limit", "0").err()).contains("--limit");
    }
}
