package org.deepforge.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.deepforge.server.ServerConfig;
import org.deepforge.server.TestServer;
import org.deepforge.server.auth.Accounts;
import org.deepforge.server.db.Database;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Accounts mode over real HTTP: sharing, public projects, token scopes, sign-up switch, modes. */
class AccountsApiTest {
    static final String PW = "correct horse battery";
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = Agent.accountsServer(true, "root", PW);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theCreatorOwnsAProjectAndSharesItWithRoles() throws Exception {
        Agent ann = Agent.session(server, "ann", PW, true);
        Agent ben = Agent.session(server, "ben", PW, true);
        var created = ann.post("/api/v1/projects", "{\"name\":\"Ann's\",\"empty\":true}");
        assertThat(created.json().get("role").asText()).isEqualTo("owner");
        String p = created.json().get("id").asText();
        assertThat(ben.get("/api/v1/projects").json().findValuesAsText("id")).doesNotContain(p);
        assertThat(ben.get("/api/v1/projects/" + p).status()).isEqualTo(404);

        var shared = ann.send("PUT", "/api/v1/projects/" + p + "/members/ben", "{\"role\":\"reader\"}");
        assertThat(shared.status()).isEqualTo(200);
        assertThat(shared.json().get("members").findValuesAsText("user")).containsExactly("ann", "ben");
        assertThat(ben.get("/api/v1/projects/" + p).json().get("role").asText()).isEqualTo("reader");
        assertThat(ben.send("PATCH", "/api/v1/projects/" + p, "{\"name\":\"Ben's now\"}").status()).isEqualTo(403);
        assertThat(ben.send("PUT", "/api/v1/projects/" + p + "/members/ben", "{\"role\":\"owner\"}").status()).isEqualTo(403);

        assertThat(ann.send("PUT", "/api/v1/projects/" + p + "/members/ben", "{\"role\":\"writer\"}").status()).isEqualTo(200);
        assertThat(ben.send("PATCH", "/api/v1/projects/" + p, "{\"description\":\"edited by ben\"}").status()).isEqualTo(200);
        assertThat(ben.send("DELETE", "/api/v1/projects/" + p, null).status()).isEqualTo(403);

        // the only owner cannot leave or be removed; unknown users and roles say what is wrong
        assertThat(ann.send("DELETE", "/api/v1/projects/" + p + "/members/ann", null).status()).isEqualTo(409);
        assertThat(ann.send("PUT", "/api/v1/projects/" + p + "/members/nobody", "{\"role\":\"reader\"}").status()).isEqualTo(404);
        assertThat(ann.send("PUT", "/api/v1/projects/" + p + "/members/ben", "{\"role\":\"boss\"}").error()).contains("reader");

        assertThat(ann.send("DELETE", "/api/v1/projects/" + p + "/members/ben", null).status()).isEqualTo(204);
        assertThat(ben.get("/api/v1/projects/" + p).status()).isEqualTo(404);
        // an administrator cannot delete a project's only owner: the project would be left without one
        Agent root = Agent.session(server, "root", PW, false);
        var refused = root.send("DELETE", "/api/v1/admin/users/ann", null);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.error()).contains(p);
        var audit = Agent.session(server, "root", PW, false).get("/api/v1/admin/audit?limit=1000").json().findValuesAsText("action");
        assertThat(audit).contains("role.granted", "role.revoked");
    }

    @Test
    void unsharingAndSigningOutReachOpenWebSockets() throws Exception {
        Agent fay = Agent.session(server, "fay", PW, true);
        Agent gus = Agent.session(server, "gus", PW, true);
        String p = fay.post("/api/v1/projects", "{\"name\":\"Live\",\"empty\":true}").json().get("id").asText();
        fay.send("PUT", "/api/v1/projects/" + p + "/members/gus", "{\"role\":\"reader\"}");
        try (Agent.WsClient ws = gus.websocket().orElseThrow()) {
            ws.send("{'type':'subscribe','project':'" + p + "','branch':'main'}");
            assertThat(ws.next("subscribed")).isNotNull();
            fay.send("PATCH", "/api/v1/projects/" + p, "{\"description\":\"one\"}");
            assertThat(ws.next("commit")).isNotNull();
            assertThat(fay.send("DELETE", "/api/v1/projects/" + p + "/members/gus", null).status()).isEqualTo(204);
            assertThat(ws.next("error").path("error").asText()).contains("no longer subscribed");
            try (Agent.WsClient watcher = fay.websocket().orElseThrow()) {
                watcher.send("{'type':'subscribe','project':'" + p + "','branch':'main'}");
                assertThat(watcher.next("subscribed")).isNotNull();
                fay.send("PATCH", "/api/v1/projects/" + p, "{\"description\":\"two: not for gus\"}");
                assertThat(watcher.next("commit")).as("the commit went out to the subscribers").isNotNull();
                await("gus's socket to stay without the commit").during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(10))
                        .until(() -> ws.inbox.stream().noneMatch(m -> m.toString().contains("not for gus")));
            }
        }
        try (Agent.WsClient ws = gus.websocket().orElseThrow()) {
            assertThat(gus.post("/api/v1/auth/logout", null).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(10)).until(() -> ws.closed());
        }
    }

    @Test
    void aPublicProjectIsReadableByEverySignedInUserButNotWritable() throws Exception {
        Agent cat = Agent.session(server, "cat", PW, true);
        Agent dan = Agent.session(server, "dan", PW, true);
        String p = cat.post("/api/v1/projects", "{\"name\":\"Open data\",\"empty\":true}").json().get("id").asText();
        assertThat(dan.get("/api/v1/projects/" + p + "/model").status()).isEqualTo(404);
        assertThat(cat.send("PUT", "/api/v1/projects/" + p + "/visibility", "{\"public\":true}").json().get("public").asBoolean()).isTrue();
        assertThat(dan.get("/api/v1/projects/" + p + "/model").status()).isEqualTo(200);
        assertThat(dan.get("/api/v1/projects").json().findValuesAsText("id")).contains(p);
        assertThat(dan.send("PATCH", "/api/v1/projects/" + p, "{\"name\":\"mine\"}").status()).isEqualTo(403);
        assertThat(Agent.anonymous(server).get("/api/v1/projects/" + p + "/model").status()).isEqualTo(401);
        cat.send("PUT", "/api/v1/projects/" + p + "/visibility", "{\"public\":false}");
        assertThat(dan.get("/api/v1/projects/" + p + "/model").status()).isEqualTo(404);
    }

    @Test
    void aReadTokenReadsButCannotWriteNorMintAWriteToken() throws Exception {
        Agent eve = Agent.session(server, "eve", PW, true);
        String p = eve.post("/api/v1/projects", "{\"name\":\"Eve's\",\"empty\":true}").json().get("id").asText();
        var made = eve.post("/api/v1/me/tokens", "{\"name\":\"ci\",\"scope\":\"read\",\"expiresInDays\":30}");
        assertThat(made.status()).isEqualTo(201);
        assertThat(made.json().get("expires").asText()).isNotEmpty();
        Agent ci = Agent.bearer(server, "ci", made.json().get("token").asText());
        assertThat(ci.get("/api/v1/projects/" + p + "/model").status()).isEqualTo(200);
        assertThat(ci.get("/api/v1/me").json().get("scope").asText()).isEqualTo("read");
        var write = ci.send("PATCH", "/api/v1/projects/" + p, "{\"name\":\"x\"}");
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.error()).contains("read-only");
        assertThat(ci.post("/api/v1/me/tokens", "{\"name\":\"escalate\",\"scope\":\"write\"}").status()).isEqualTo(403);
        // listed without the secret, with its last use
        var listed = eve.get("/api/v1/me/tokens").json().get(0);
        assertThat(listed.has("token")).isFalse();
        assertThat(listed.get("lastUsed").isTextual()).isTrue();
        assertThat(eve.post("/api/v1/me/tokens", "{\"name\":\"old\",\"expires\":\"2001-01-01T00:00:00Z\"}").status()).isEqualTo(400);
        assertThat(eve.post("/api/v1/me/tokens", "{\"name\":\"bad\",\"scope\":\"admin\"}").status()).isEqualTo(400);
    }

    @Test
    void signUpCanBeSwitchedOffAndLocalModeHasNoLogin() throws Exception {
        Path dir = Files.createTempDirectory("closed");
        new Accounts(new Database(dir.resolve("deepforge.db"))).create("boss", "", PW, true);
        try (TestServer closed = new TestServer(ServerConfig.builder(dir).accounts(true, false).build())) {
            var r = Agent.anonymous(closed).post("/api/v1/auth/signup", "{\"name\":\"x\",\"password\":\"" + PW + "\"}");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.error()).contains("sign-up is disabled");
            assertThat(Agent.anonymous(closed).get("/api/v1/auth/options").json().get("signup").asBoolean()).isFalse();
            Agent boss = Agent.session(closed, "boss", PW, false);
            assertThat(boss.post("/api/v1/admin/users", "{\"name\":\"x\",\"password\":\"" + PW + "\"}").status()).isEqualTo(201);
            assertThat(boss.post("/api/v1/admin/users", "{\"name\":\"X\",\"password\":\"" + PW + "\"}").error()).contains("taken");
            assertThat(boss.post("/api/v1/admin/users", "{\"name\":\"../x\",\"password\":\"" + PW + "\"}").status()).isEqualTo(400);
            assertThat(boss.post("/api/v1/admin/users", "{\"name\":\"y\",\"password\":\"short\"}").error()).contains("10 characters");
            assertThat(boss.send("DELETE", "/api/v1/admin/users/boss", null).status()).isEqualTo(409);
        }
        try (TestServer local = new TestServer()) {
            assertThat(local.get("/api/v1/me").json().get("mode").asText()).isEqualTo("local");
            assertThat(local.get("/api/v1/auth/options").json().get("mode").asText()).isEqualTo("local");
            assertThat(local.post("/api/v1/auth/login", "{\"name\":\"a\",\"password\":\"b\"}").status()).isEqualTo(400);
        }
    }

    @Test
    void beyondLoopbackTheServerStartsInAccountsModeOnceAnAdministratorExists() throws Exception {
        Path dir = Files.createTempDirectory("wide");
        new Accounts(new Database(dir.resolve("deepforge.db"))).create("admin", "", PW, true);
        try (TestServer wide = new TestServer(ServerConfig.builder(dir).host("0.0.0.0").build())) {
            assertThat(wide.get("/api/v1/me").status()).isEqualTo(401);
            assertThat(wide.get("/api/v1/auth/options").json().get("mode").asText()).isEqualTo("accounts");
            assertThat(wide.get("/api/v1/health").status()).isEqualTo(200);
        }
    }
}
