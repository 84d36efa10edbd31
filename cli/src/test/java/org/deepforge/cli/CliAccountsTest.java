package org.deepforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.deepforge.cli.client.DeepForgeClient;
import org.deepforge.cli.client.ExecutionWatch;
import org.deepforge.server.App;
import org.deepforge.server.ServerConfig;
import org.deepforge.server.auth.Accounts;
import org.deepforge.server.db.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deepforge} against a server in accounts mode: nothing without a token, everything after {@code login}. */
class CliAccountsTest {
    static final String PASSWORD = "a long password 1";
    static App server;

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("deepforge-cli-accounts");
        new Accounts(new Database(dir.resolve("deepforge.db"))).create("ada", "", PASSWORD, false);
        server = App.start(ServerConfig.builder(dir).accounts(true, false).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void withoutATokenTheCliSaysToLogInAndAfterLoginWithATokenFromStdinItWorks(@TempDir Path home) throws Exception {
        InProcessCli cli = new InProcessCli(home).env("DEEPFORGE_SERVER", server.url());
        InProcessCli.Result anonymous = cli.run("projects", "list");
        assertThat(anonymous.code()).isEqualTo(1);
        assertThat(anonymous.err()).contains("needs you to sign in: run `deepforge login`");

        InProcessCli.Result noTerminal = cli.run("login");
        assertThat(noTerminal.code()).isEqualTo(2);
        assertThat(noTerminal.err()).contains("--token-stdin");
        InProcessCli.Result wrong = cli.run("dft_not-a-token\n", line -> {}, "login", "--token-stdin");
        assertThat(wrong.code()).isEqualTo(1);
        assertThat(wrong.err()).contains("deepforge login");

        // the client's password path makes the token (the CLI asks for the password on the terminal)
        DeepForgeClient client = new DeepForgeClient(URI.create(server.url()), Optional.empty());
        String token = client.createToken("ada", PASSWORD, "test").get("token").asText();
        assertThat(token).startsWith("dft_");
        InProcessCli.Result login = cli.run(token + "\n", line -> {}, "login", "--token-stdin");
        assertThat(login.code()).as(login.err()).isZero();
        assertThat(login.out()).contains("Signed in to " + server.url() + " as ada");
        Path config = home.resolve("deepforge/config.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(config.getParent()))).isEqualTo("rwx------");
        assertThat(Files.readString(config)).contains(token);

        // the stored server and token serve every later command, with no environment at all
        InProcessCli plain = new InProcessCli(home);
        String p = plain.run("projects", "create", "Mine", "--json").json().get("id").asText();
        JsonNode listed = plain.run("projects", "list", "--json").json();
        assertThat(listed.findValuesAsText("id")).contains(p);
        assertThat(listed.findValuesAsText("role")).contains("owner");

        // a followed run in accounts mode watches over the WebSocket with the token (no silent fall-back to polling)
        CliTestRest rest = new CliTestRest(server.url(), Optional.of(token));
        rest.onePipeline(p, "Hello", "class Hello:\n    def execute(self):\n        print('hello from ada', flush=True)\n", "hello");
        InProcessCli.Result run = plain.run("run", "Mine", "hello", "--follow");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("[Hello] hello from ada\n");
        String execution = rest.get("/projects/" + p + "/executions").get("items").get(0).get("id").asText();
        Optional<ExecutionWatch> watch = new DeepForgeClient(URI.create(server.url()), Optional.of(token)).watch(execution, () -> {});
        assertThat(watch).isPresent();
        watch.get().close();
        assertThat(client.watch(execution, () -> {})).as("no token, no socket").isEmpty();

        // the stored token goes only to the server it was stored for (here the same one under another name)
        assertThat(plain.run("projects", "list", "--server", server.url().replace("localhost", "127.0.0.1")).err())
                .contains("needs you to sign in");
        assertThat(plain.run("projects", "list", "--server", server.url() + "/").code()).as("a trailing slash is the same server").isZero();

        assertThat(plain.run("logout").code()).isZero();
        assertThat(Files.readString(config)).doesNotContain(token).contains(server.url());
        assertThat(plain.run("projects", "list").err()).contains("run `deepforge login`");
    }
}
