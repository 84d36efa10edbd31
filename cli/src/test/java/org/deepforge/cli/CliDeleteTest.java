package org.deepforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.deepforge.server.App;
import org.deepforge.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deepforge executions delete} against a real server running a real Python job. */
class CliDeleteTest {
    static App server;
    static Path dataDir;
    static CliTestRest rest;
    @TempDir
    static Path home;
    static InProcessCli cli;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("deepforge-cli-delete");
        server = App.start(ServerConfig.builder(dataDir).build());
        rest = new CliTestRest(server.url(), Optional.empty());
        cli = new InProcessCli(home).env("DEEPFORGE_SERVER", server.url());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void anExecutionIsPreviewedThenDeletedAndAFilterThatPicksNothingDeletesNothing() throws Exception {
        String p = rest.post("/projects", "{\"name\":\"Delete from the CLI\",\"empty\":true}").get("id").asText();
        String code = new ObjectMapper().writeValueAsString("class Make:\n    def execute(self):\n        values = [1, 2]\n        return values\n");
        rest.post("/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":\"/operations/Make\",\"value\":{\"code\":" + code
                + "}},{\"op\":\"add\",\"path\":\"/pipelines/pl\",\"value\":{\"name\":\"Make\",\"nodes\":{\"m\":{\"operation\":\"Make\"}},\"connections\":{}}}]}");
        String id = rest.post("/projects/" + p + "/pipelines/pl/executions", "{}").get("id").asText();
        await().atMost(Duration.ofSeconds(90)).until(() -> rest.get("/executions/" + id).path("finished").isTextual());

        InProcessCli.Result dry = cli.run("executions", "delete", id, "--dry-run");
        assertThat(dry.code()).as(dry.err()).isZero();
        assertThat(dry.out()).startsWith("would delete 1 execution(s), freeing ");
        assertThat(dataDir.resolve("runs").resolve(id)).isDirectory();

        InProcessCli.Result none = cli.run("executions", "delete", "--project", p, "--status", "failed,cancelled", "--json");
        assertThat(none.code()).as(none.err()).isZero();
        assertThat(none.json().get("deleted")).isEmpty();

        InProcessCli.Result done = cli.run("executions", "delete", id);
        assertThat(done.code()).as(done.err()).isZero();
        assertThat(done.out()).startsWith("deleted 1 execution(s), freed ");
        assertThat(dataDir.resolve("runs").resolve(id)).doesNotExist();
        assertThat(cli.run("executions", "delete", id).code()).isNotZero();
        assertThat(cli.run("executions", "delete").code()).isEqualTo(ExitCodes.USAGE);
    }
}
