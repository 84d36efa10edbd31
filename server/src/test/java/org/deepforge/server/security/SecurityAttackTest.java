package org.deepforge.server.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deepforge.model.Json;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.LoggerFactory;

/** What an attacker would try against accounts mode, over real HTTP: each attempt must fail, and say little. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SecurityAttackTest {
    static final String ADMIN_PW = "Admin-Secret-pw-4711";
    static final String OLIVIA_PW = "Olivia-Secret-pw-0815";
    static final String NORA_PW = "Nora-Secret-pw-2718";
    static final String WRONG_PW = "Wrong-Guess-pw-31415";
    static final String NEW_PW = "Olivia-Changed-pw-1618";
    /** Every secret the tests learn; none may appear in a log line, a database file or a response body. */
    static final List<String> SECRETS = new ArrayList<>(List.of(ADMIN_PW, OLIVIA_PW, NORA_PW, WRONG_PW, NEW_PW));

    static TestServer server;
    static ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void start() throws Exception {
        logs = new ListAppender<>();
        logs.start();
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);
        server = Agent.accountsServer(true, "root", ADMIN_PW);
        Agent.session(server, "olivia", OLIVIA_PW, true);
        Agent.session(server, "nora", NORA_PW, true);
    }

    @AfterAll
    static void stop() {
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
        server.close();
    }

    static Agent olivia() throws Exception {
        Agent a = Agent.session(server, "olivia", OLIVIA_PW, false);
        SECRETS.add(a.sessionCookie());
        return a;
    }

    static Agent nora() throws Exception {
        Agent a = Agent.session(server, "nora", NORA_PW, false);
        SECRETS.add(a.sessionCookie());
        return a;
    }

    @Test
    @Order(1)
    void aSessionIdSetBeforeLoginIsNotTheOneAfterIt() throws Exception {
        Agent victim = Agent.anonymous(server);
        victim.setCookie("attacker-chosen-session-id");
        Agent.Reply login = victim.post("/api/v1/auth/login", "{\"name\":\"olivia\",\"password\":\"" + OLIVIA_PW + "\"}");
        assertThat(login.status()).isEqualTo(200);
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").doesNotContain("attacker-chosen");
        assertThat(victim.sessionCookie()).isNotEqualTo("attacker-chosen-session-id");
        SECRETS.add(victim.sessionCookie());
        Agent attacker = Agent.anonymous(server);
        attacker.setCookie("attacker-chosen-session-id");
        assertThat(attacker.get("/api/v1/me").status()).isEqualTo(401);

        // a real session presented at login is replaced too, and stops working
        String before = victim.sessionCookie();
        Agent stale = Agent.anonymous(server);
        stale.setCookie(before);
        assertThat(stale.get("/api/v1/me").status()).isEqualTo(200);
        victim.post("/api/v1/auth/login", "{\"name\":\"olivia\",\"password\":\"" + OLIVIA_PW + "\"}");
        assertThat(victim.sessionCookie()).isNotEqualTo(before);
        SECRETS.add(victim.sessionCookie());
        assertThat(stale.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(victim.get("/api/v1/me").status()).isEqualTo(200);
    }

    @Test
    @Order(2)
    void stateChangingRequestsWithACookieNeedTheSessionsCsrfToken() throws Exception {
        Agent olivia = olivia();
        String csrf = olivia.csrf();
        olivia.setCsrf(null);
        Agent.Reply none = olivia.post("/api/v1/projects", "{\"name\":\"Forged\"}");
        assertThat(none.status()).isEqualTo(403);
        assertThat(none.error()).contains("X-CSRF-Token");
        olivia.setCsrf("0".repeat(64));
        assertThat(olivia.post("/api/v1/projects", "{\"name\":\"Forged\"}").status()).isEqualTo(403);
        // another user's token does not fit this session either
        olivia.setCsrf(nora().csrf());
        assertThat(olivia.post("/api/v1/projects", "{\"name\":\"Forged\"}").status()).isEqualTo(403);
        assertThat(olivia.get("/api/v1/projects").json().findValuesAsText("name")).doesNotContain("Forged");
        olivia.setCsrf(csrf);
        assertThat(olivia.post("/api/v1/projects", "{\"name\":\"Genuine\"}").status()).isEqualTo(201);
        // reads need no token
        olivia.setCsrf(null);
        assertThat(olivia.get("/api/v1/projects").status()).isEqualTo(200);
    }

    @Test
    @Order(3)
    void guessingPasswordsIsRateLimitedWithRetryAfter() throws Exception {
        String body = Json.compact(Json.MAPPER.createObjectNode().put("name", "nora").put("password", WRONG_PW));
        Agent guesser = Agent.anonymous(server);
        for (int i = 0; i < 5; i++) {
            assertThat(guesser.post("/api/v1/auth/login", body).status()).isEqualTo(401);
        }
        Agent.Reply limited = guesser.post("/api/v1/auth/login", body);
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).isPresent();
        assertThat(Long.parseLong(limited.headers().firstValue("Retry-After").orElseThrow())).isBetween(1L, 900L);
        // even the right password waits now: the lock is on the account, not on wrong answers
        Agent.Reply right = guesser.post("/api/v1/auth/login", "{\"name\":\"nora\",\"password\":\"" + NORA_PW + "\"}");
        assertThat(right.status()).isEqualTo(429);
        // after the wait, the right password works again
        long wait = Long.parseLong(right.headers().firstValue("Retry-After").orElseThrow());
        await().atMost(Duration.ofSeconds(wait + 5)).pollInterval(Duration.ofMillis(500))
                .until(() -> guesser.post("/api/v1/auth/login", "{\"name\":\"nora\",\"password\":\"" + NORA_PW + "\"}").status() == 200);
        SECRETS.add(guesser.sessionCookie());
        assertThat(server.get("/api/v1/health").status()).isEqualTo(200);
    }

    @Test
    @Order(4)
    void tokensInTheQueryStringAreRefused() throws Exception {
        Agent olivia = olivia();
        String token = olivia.post("/api/v1/me/tokens", "{\"name\":\"script\",\"scope\":\"read\"}").json().get("token").asText();
        SECRETS.add(token);
        for (String q : List.of("token", "access_token")) {
            Agent.Reply r = Agent.anonymous(server).get("/api/v1/projects?" + q + "=" + token);
            assertThat(r.status()).isEqualTo(400);
            assertThat(r.error()).contains("do not put credentials in the URL");
        }
        HttpResponse<String> ws = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/ws?access_token=" + token)))
                .header("Upgrade-Insecure-Requests", "1").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ws.statusCode()).isEqualTo(400);
        assertThat(Agent.bearer(server, "script", token).get("/api/v1/projects").status()).isEqualTo(200);
    }

    @Test
    @Order(5)
    void pathTraversalThroughProjectAndArtifactNamesIsRefused() throws Exception {
        Agent olivia = olivia();
        String p = olivia.post("/api/v1/projects", "{\"name\":\"Traversal\",\"empty\":true}").json().get("id").asText();
        List<String> paths = List.of(
                "/api/v1/projects/..%2F..%2Fdeepforge.db/model",
                "/api/v1/projects/%2e%2e%2f%2e%2e%2fdeepforge.db/export",
                "/api/v1/projects/..%252F..%252Fetc%252Fpasswd/model",
                "/api/v1/projects/" + p + "/artifacts/..%2F..%2F..%2Fdeepforge.db/data",
                "/api/v1/projects/" + p + "/artifacts/%2e%2e%2f%2e%2e%2f%2e%2e%2fdeepforge.db/data",
                "/api/v1/projects/" + p + "/artifacts/..%5C..%5Cdeepforge.db/lineage",
                "/api/v1/executions/..%2F..%2Fruns.db/jobs/x/log");
        for (String path : paths) {
            Agent.Reply r = olivia.get(path);
            assertThat(r.status()).as(path + " → " + r.body()).isBetween(400, 404);
            assertThat(r.body()).as(path).doesNotContain("SQLite format").doesNotContain("root:");
        }
        Agent.Reply upload = olivia.send("POST", "/api/v1/projects/" + p + "/branches/main/artifacts?name=..%2F..%2Fevil",
                "bytes", "application/octet-stream");
        assertThat(upload.status()).isEqualTo(400);
        assertThat(Files.exists(server.dataDir.resolve("evil"))).isFalse();
    }

    @Test
    @Order(6)
    void oversizedBodiesGet413() throws Exception {
        String big = "{\"name\":\"" + "x".repeat(17 * 1024 * 1024) + "\"}";
        assertRefusedAsTooLarge(olivia(), "/api/v1/projects", big);
        assertRefusedAsTooLarge(Agent.anonymous(server), "/api/v1/auth/login", big);
    }

    /** 413, or the connection closed while the client was still writing (the server stopped reading): both a refusal. */
    static void assertRefusedAsTooLarge(Agent who, String path, String body) throws Exception {
        Agent.Reply r;
        try {
            r = who.post(path, body);
        } catch (IOException e) {
            return;
        }
        assertThat(r.status()).as(path).isEqualTo(413);
    }

    @Test
    @Order(7)
    void anotherUsersExecutionLogAndArtifactStayHiddenWithoutRevealingThatTheyExist() throws Exception {
        Agent olivia = olivia();
        String p = olivia.post("/api/v1/projects", "{\"name\":\"Private\",\"empty\":true}").json().get("id").asText();
        String code = Json.MAPPER.writeValueAsString("class Leak:\n    def execute(self):\n        print('the secret result is 42')\n        return 1\n");
        assertThat(olivia.post("/api/v1/projects/" + p + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":\"/operations/Leak\","
                + "\"value\":{\"code\":" + code + "}},{\"op\":\"add\",\"path\":\"/pipelines/pl\",\"value\":{\"name\":\"One\","
                + "\"nodes\":{\"leak\":{\"operation\":\"Leak\"}},\"connections\":{}}}]}").status()).isEqualTo(200);
        String e = olivia.post("/api/v1/projects/" + p + "/pipelines/pl/executions", "{}").json().get("id").asText();
        await().atMost(Duration.ofSeconds(90)).until(() -> olivia.get("/api/v1/executions/" + e).json().path("finished").isTextual());
        assertThat(olivia.get("/api/v1/executions/" + e + "/jobs/leak/log").body()).contains("the secret result is 42");
        String artifact = olivia.send("POST", "/api/v1/projects/" + p + "/branches/main/artifacts?name=secret.txt",
                "top secret artifact bytes", "application/octet-stream").json().get("id").asText();

        Agent nora = nora();
        for (String suffix : List.of("", "/jobs/leak/log", "/jobs/leak/metrics", "/jobs/leak/metrics.csv", "/jobs/leak/plots")) {
            Agent.Reply theirs = nora.get("/api/v1/executions/" + e + suffix);
            Agent.Reply missing = nora.get("/api/v1/executions/e0000000000" + suffix);
            assertThat(theirs.status()).isEqualTo(404).isEqualTo(missing.status());
            assertThat(theirs.error().replace(e, "ID")).isEqualTo(missing.error().replace("e0000000000", "ID"));
            assertThat(theirs.body()).doesNotContain("secret result").doesNotContain(p).doesNotContain("olivia");
        }
        for (String path : List.of("/data", "/lineage")) {
            Agent.Reply theirs = nora.get("/api/v1/projects/" + p + "/artifacts/" + artifact + path);
            Agent.Reply missing = nora.get("/api/v1/projects/pnosuchproj/artifacts/" + artifact + path);
            assertThat(theirs.status()).isEqualTo(404).isEqualTo(missing.status());
            assertThat(theirs.error().replace(p, "ID")).isEqualTo(missing.error().replace("pnosuchproj", "ID"));
            assertThat(theirs.body()).doesNotContain("top secret").doesNotContain("secret.txt");
        }
        Agent.Reply cancel = nora.post("/api/v1/executions/" + e + "/rerun", "{}");
        assertThat(cancel.status()).isEqualTo(404);
        // nor over the WebSocket
        try (Agent.WsClient ws = nora.websocket().orElseThrow()) {
            ws.send("{'type':'watch','execution':'" + e + "'}");
            var m = ws.next("watching", "error");
            assertThat(m.path("type").asText()).isEqualTo("error");
            assertThat(m.toString()).doesNotContain(p);
        }
    }

    @Test
    @Order(8)
    void passwordChangeNeedsTheOldOneAndEndsOtherSessions() throws Exception {
        Agent first = olivia();
        Agent second = olivia();
        Agent.Reply wrong = first.send("PUT", "/api/v1/me/password", "{\"old\":\"" + WRONG_PW + "\",\"password\":\"" + NEW_PW + "\"}");
        assertThat(wrong.status()).isEqualTo(403);
        String before = first.sessionCookie();
        Agent.Reply changed = first.send("PUT", "/api/v1/me/password", "{\"old\":\"" + OLIVIA_PW + "\",\"password\":\"" + NEW_PW + "\"}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(first.sessionCookie()).isNotEqualTo(before);
        SECRETS.add(first.sessionCookie());
        assertThat(first.get("/api/v1/me").status()).isEqualTo(200);
        assertThat(second.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(Agent.anonymous(server).post("/api/v1/auth/login", "{\"name\":\"olivia\",\"password\":\"" + OLIVIA_PW + "\"}").status()).isEqualTo(401);
        Agent again = Agent.session(server, "olivia", NEW_PW, false);
        SECRETS.add(again.sessionCookie());
        // and back, so the other tests' password still works
        assertThat(again.send("PUT", "/api/v1/me/password", "{\"old\":\"" + NEW_PW + "\",\"password\":\"" + OLIVIA_PW + "\"}").status()).isEqualTo(200);
    }

    @Test
    @Order(9)
    void disablingAUserEndsTheirSessionsAndTokensAndTheAuditLogRecordsIt() throws Exception {
        Agent admin = Agent.session(server, "root", ADMIN_PW, false);
        SECRETS.add(admin.sessionCookie());
        Agent.Reply created = admin.post("/api/v1/admin/users", "{\"name\":\"tmp\",\"password\":\"Tmp-Secret-pw-9999\"}");
        SECRETS.add("Tmp-Secret-pw-9999");
        assertThat(created.status()).isEqualTo(201);
        Agent tmp = Agent.session(server, "tmp", "Tmp-Secret-pw-9999", false);
        SECRETS.add(tmp.sessionCookie());
        String token = tmp.post("/api/v1/me/tokens", "{\"name\":\"t\",\"scope\":\"write\"}").json().get("token").asText();
        SECRETS.add(token);
        assertThat(Agent.bearer(server, "tmp", token).get("/api/v1/me").status()).isEqualTo(200);
        assertThat(admin.post("/api/v1/admin/users/tmp/disable", null).status()).isEqualTo(200);
        assertThat(tmp.get("/api/v1/me").status()).isEqualTo(401);
        assertThat(Agent.bearer(server, "tmp", token).get("/api/v1/me").status()).isEqualTo(401);
        assertThat(Agent.anonymous(server).post("/api/v1/auth/login", "{\"name\":\"tmp\",\"password\":\"Tmp-Secret-pw-9999\"}").status()).isEqualTo(401);
        assertThat(admin.post("/api/v1/admin/users/tmp/enable", null).status()).isEqualTo(200);
        assertThat(Agent.bearer(server, "tmp", token).get("/api/v1/me").status()).isEqualTo(200);
        assertThat(admin.send("DELETE", "/api/v1/admin/users/tmp", null).status()).isEqualTo(204);
        assertThat(Agent.bearer(server, "tmp", token).get("/api/v1/me").status()).isEqualTo(401);

        var actions = admin.get("/api/v1/admin/audit?limit=1000").json().findValuesAsText("action");
        assertThat(actions).contains("login", "login.failed", "login.blocked", "signup", "token.created", "token.used",
                "user.created", "user.disabled", "user.enabled", "user.deleted", "password.changed", "password.failed");
        Agent nora = nora();
        assertThat(nora.get("/api/v1/admin/audit").status()).isEqualTo(403);
    }

    @Test
    @Order(10)
    void securityHeadersAreOnEveryResponse() throws Exception {
        for (String path : List.of("/", "/api/v1/health", "/api/v1/me")) {
            var r = Agent.anonymous(server).get(path);
            assertThat(r.headers().firstValue("X-Content-Type-Options")).as(path).hasValue("nosniff");
            assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow()).as(path)
                    .contains("default-src 'self'").contains("script-src 'self'").contains("frame-ancestors 'none'")
                    .doesNotContain("unsafe-eval");
            assertThat(r.headers().firstValue("Content-Security-Policy").orElseThrow().replaceAll("style-src[^;]*;", ""))
                    .doesNotContain("unsafe-inline");
        }
        var r = Agent.anonymous(server).get("/api/v1/no-such-route");
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    @Test
    @Order(99)
    void noPasswordTokenOrSessionIdAppearsInLogsDatabasesOrResponses() throws Exception {
        assertThat(SECRETS).hasSizeGreaterThan(10);
        List<String> lines = logs.list.stream().map(e -> e.getFormattedMessage()
                + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())).toList();
        assertThat(lines).isNotEmpty();
        List<Path> dbFiles;
        try (Stream<Path> files = Files.list(server.dataDir)) {
            dbFiles = files.filter(f -> f.getFileName().toString().contains(".db")).toList();
        }
        assertThat(dbFiles).isNotEmpty();
        StringBuilder databases = new StringBuilder();
        for (Path f : dbFiles) {
            databases.append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
        List<String> bodies = Agent.BODIES.stream().filter(b -> !b.startsWith("TOKEN-CREATION ")).toList();
        assertThat(bodies).hasSizeGreaterThan(50);
        for (String secret : SECRETS) {
            assertThat(secret).isNotBlank();
            assertThat(lines).as("log lines").noneMatch(l -> l.contains(secret));
            assertThat(databases.indexOf(secret)).as("the databases contain a secret").isEqualTo(-1);
            assertThat(bodies).as("response bodies").noneMatch(b -> b.contains(secret));
        }
        // the token was in exactly one reply: its creation
        assertThat(Agent.BODIES.stream().filter(b -> b.startsWith("TOKEN-CREATION ")).count()).isGreaterThanOrEqualTo(2);
    }
}
