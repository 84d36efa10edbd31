package org.deepforge.server.collab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;
import org.deepforge.server.TestServer;
import org.deepforge.server.security.Agent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The co-editing authority over the WebSocket (docs/collaboration.md): version checks, refusal of malformed and
 * oversized updates and of writers without write rights, the merged text in git, catch-up, outside commits
 * folded in, a deleted operation as a conflict, and presence as one entry per person.
 */
class CoEditingTest {
    static final String PW = "correct horse battery";
    static final String CODE = "class Scale:\n    def execute(self, x):\n        y = x\n        return y\n";
    static TestServer server;
    static Agent olivia;
    static Agent walt;
    static Agent rita;

    @BeforeAll
    static void start() throws Exception {
        server = Agent.accountsServer(true, "root", PW);
        olivia = Agent.session(server, "olivia", PW, true);
        walt = Agent.session(server, "walt", PW, true);
        rita = Agent.session(server, "rita", PW, true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A project owned by olivia with walt as writer and rita as reader, holding the operation Scale. */
    static String project(String name) throws Exception {
        Agent.Reply r = olivia.post("/api/v1/projects", "{\"name\":\"" + name + "\",\"empty\":true}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String p = r.json().get("id").asText();
        assertThat(olivia.send("PUT", "/api/v1/projects/" + p + "/members/walt", "{\"role\":\"writer\"}").status()).isLessThan(300);
        assertThat(olivia.send("PUT", "/api/v1/projects/" + p + "/members/rita", "{\"role\":\"reader\"}").status()).isLessThan(300);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.putArray("patch").addObject().put("op", "add").put("path", "/operations/Scale").putObject("value").put("code", CODE);
        assertThat(olivia.post("/api/v1/projects/" + p + "/branches/main/changes", Json.compact(body)).status()).isEqualTo(200);
        return p;
    }

    static String gitCode(String p) throws Exception {
        return olivia.get("/api/v1/projects/" + p + "/model?ref=main").json().at("/model/operations/Scale/code").asText();
    }

    /** A socket with an agent's credentials (and optionally an Origin), queuing what it receives. */
    static final class Socket implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
        final StringBuilder partial = new StringBuilder();
        final WebSocket ws;
        final String project;

        Socket(Agent agent, String project) throws Exception {
            this(agent, project, null);
        }

        Socket(Agent agent, String project, String origin) throws Exception {
            this(agent, project, origin, null);
        }

        Socket(Agent agent, String project, String origin, String bearer) throws Exception {
            this.project = project;
            WebSocket.Builder b = server.http.newWebSocketBuilder();
            if (bearer != null) {
                b.header("Authorization", "Bearer " + bearer);
            } else {
                b.header("Cookie", "deepforge_session=" + agent.sessionCookie());
            }
            if (origin != null) {
                b.header("Origin", origin);
            }
            ws = b.buildAsync(URI.create(server.wsUrl()), this).get(10, TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    inbox.add(Json.MAPPER.readTree(partial.toString()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        /** One send at a time: the JDK's WebSocket refuses a send while another is pending. */
        synchronized void send(ObjectNode msg) throws Exception {
            ws.sendText(Json.compact(msg), true).get(10, TimeUnit.SECONDS);
        }

        ObjectNode doc(String type) {
            return Json.MAPPER.createObjectNode().put("type", type).put("project", project).put("branch", "main").put("operation", "Scale");
        }

        JsonNode join() throws Exception {
            send(doc("doc-join"));
            return next("doc");
        }

        void push(int version, String clientId, ArrayNode changes) throws Exception {
            ObjectNode m = doc("doc-push").put("version", version);
            m.putArray("updates").addObject().put("clientID", clientId).set("changes", changes);
            send(m);
        }

        JsonNode next(String type) throws Exception {
            while (true) {
                JsonNode m = inbox.poll(15, TimeUnit.SECONDS);
                assertThat(m).as("waiting for a " + type + " message").isNotNull();
                if (m.get("type").asText().equals(type)) {
                    return m;
                }
                assertThat(m.get("type").asText()).as("unexpected " + m).isNotIn("doc-error", "error");
            }
        }

        /** The next error about the document, skipping other traffic. */
        String nextError() throws Exception {
            while (true) {
                JsonNode m = inbox.poll(15, TimeUnit.SECONDS);
                assertThat(m).as("waiting for an error").isNotNull();
                if (m.get("type").asText().equals("doc-error") || m.get("type").asText().equals("error")) {
                    return m.get("error").asText();
                }
            }
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    /** Changes inserting {@code text} at {@code at} into a document of {@code length} characters. */
    static ArrayNode insert(int at, String text, int length) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        if (at > 0) {
            a.add(at);
        }
        ArrayNode part = a.addArray().add(0);
        for (String line : text.split("\n", -1)) {
            part.add(line);
        }
        if (length - at > 0) {
            a.add(length - at);
        }
        return a;
    }

    @Test
    void anUpdateNotBasedOnTheLatestVersionIsRejectedAndItsRebaseLandsInGitWithBothAuthors() throws Exception {
        String p = project("Both");
        try (Socket a = new Socket(olivia, p); Socket b = new Socket(walt, p)) {
            JsonNode da = a.join();
            JsonNode db = b.join();
            assertThat(da.get("text").asText()).isEqualTo(CODE);
            assertThat(da.get("version").asInt()).isZero();
            assertThat(da.get("writable").asBoolean()).isTrue();
            assertThat(db.get("epoch").asText()).isEqualTo(da.get("epoch").asText());

            int line3 = CODE.indexOf("        y = x") + "        y = x".length();
            int line2 = CODE.indexOf("(self, x)") + "(self, x".length();
            a.push(0, "a", insert(line3, " * 2", CODE.length()));
            JsonNode accepted = b.next("doc-updates");
            assertThat(accepted.get("version").asInt()).isZero();
            assertThat(accepted.at("/updates/0/clientID").asText()).isEqualTo("a");
            assertThat(accepted.at("/updates/0/user").asText()).isEqualTo(olivia.get("/api/v1/me").json().path("id").asText());
            a.next("doc-updates"); // the sender's own confirmation

            // walt typed on another line against version 0: refused, he rebases (line 2 is before line 3) and retries
            b.push(0, "b", insert(line2, ", k=1", CODE.length()));
            assertThat(b.next("doc-rejected").get("version").asInt()).isEqualTo(1);
            b.push(1, "b", insert(line2, ", k=1", CODE.length() + 4));
            assertThat(a.next("doc-updates").get("version").asInt()).isEqualTo(1);

            String merged = CODE.replace("(self, x)", "(self, x, k=1)").replace("y = x", "y = x * 2");
            await().atMost(Duration.ofSeconds(20)).until(() -> gitCode(p).equals(merged));
            JsonNode saved = a.next("doc-saved");
            assertThat(saved.get("version").asInt()).isEqualTo(2);
            JsonNode log = olivia.get("/api/v1/projects/" + p + "/commits?ref=main").json();
            assertThat(log.toString()).contains("Edit operation Scale").contains("Co-authored-by: olivia");
        }
    }

    @Test
    void aLateJoinerGetsTheCurrentTextAndAReconnectingOneGetsWhatItMissed() throws Exception {
        String p = project("Late");
        try (Socket a = new Socket(olivia, p)) {
            JsonNode first = a.join();
            a.push(0, "a", insert(0, "# one\n", CODE.length()));
            a.next("doc-updates");
            try (Socket c = new Socket(walt, p)) {
                JsonNode late = c.join();
                assertThat(late.get("text").asText()).isEqualTo("# one\n" + CODE);
                assertThat(late.get("version").asInt()).isEqualTo(1);
            }
            a.push(1, "a", insert(0, "# two\n", CODE.length() + 6));
            a.next("doc-updates");
            try (Socket again = new Socket(olivia, p)) {
                ObjectNode resume = again.doc("doc-join").put("epoch", first.get("epoch").asText()).put("version", 1);
                again.send(resume);
                JsonNode caughtUp = again.next("doc");
                assertThat(caughtUp.get("since").asInt()).isEqualTo(1);
                assertThat(caughtUp.get("updates")).hasSize(1);
                assertThat(caughtUp.get("text").asText()).isEqualTo("# two\n# one\n" + CODE);
            }
        }
    }

    @Test
    void malformedFutureAndHugeUpdatesAreRefusedWithAMessageAndChangeNothing() throws Exception {
        String p = project("Bad");
        try (Socket a = new Socket(olivia, p)) {
            a.join();
            int n = CODE.length();
            a.send(a.doc("doc-push").put("version", 0).put("updates", "nope"));
            assertThat(a.nextError()).contains("\"updates\" must be a non-empty array");
            a.push(0, "a", (ArrayNode) Json.MAPPER.readTree("[\"x\"]"));
            assertThat(a.nextError()).contains("must be a number or an array");
            a.push(0, "a", (ArrayNode) Json.MAPPER.readTree("[3]"));
            assertThat(a.nextError()).contains("covers 3 characters but the document has " + n);
            a.push(0, "a", (ArrayNode) Json.MAPPER.readTree("[[0, \"a\\nb\"], " + n + "]"));
            assertThat(a.nextError()).contains("may not contain a line break");
            a.push(0, "a", (ArrayNode) Json.MAPPER.readTree("[[-1], " + n + "]"));
            assertThat(a.nextError()).contains("non-negative");
            a.push(7, "a", insert(0, "x", n));
            assertThat(a.nextError()).contains("version 7 does not exist");
            ObjectNode noId = a.doc("doc-push").put("version", 0);
            noId.putArray("updates").addObject().set("changes", insert(0, "x", n));
            a.send(noId);
            assertThat(a.nextError()).contains("\"clientID\"");
            // a huge insertion, in pieces small enough for one WebSocket frame
            String line = "#".repeat(60_000);
            for (int i = 0; ; i++) {
                ObjectNode big = a.doc("doc-push").put("version", i);
                big.putArray("updates").addObject().put("clientID", "a").set("changes", insert(0, line + "\n", n + i * 60_001));
                a.send(big);
                JsonNode m = a.inbox.poll(15, TimeUnit.SECONDS);
                assertThat(m).isNotNull();
                if (m.get("type").asText().equals("doc-error")) {
                    assertThat(m.get("error").asText()).contains("longer than " + CodeDoc.MAX_LENGTH);
                    assertThat(i * 60_001 + n).isLessThanOrEqualTo(CodeDoc.MAX_LENGTH);
                    break;
                }
                assertThat(m.get("type").asText()).isEqualTo("doc-updates");
            }
            // the document is still usable and at the version of the accepted pieces
            try (Socket c = new Socket(walt, p)) {
                JsonNode d = c.join();
                assertThat(d.get("text").asText()).endsWith(CODE);
                assertThat(d.get("text").asText().length()).isLessThanOrEqualTo(CodeDoc.MAX_LENGTH);
            }
        }
    }

    @Test
    void readersReadOnlyTokensAndOtherSitesCannotWriteButMayFollow() throws Exception {
        String p = project("Guarded");
        try (Socket reader = new Socket(rita, p)) {
            JsonNode d = reader.join();
            assertThat(d.get("writable").asBoolean()).isFalse();
            reader.push(0, "r", insert(0, "x", CODE.length()));
            assertThat(reader.nextError()).contains("reader").contains("writer rights");
        }
        String readToken = olivia.post("/api/v1/me/tokens", "{\"name\":\"read\",\"scope\":\"read\"}").json().get("token").asText();
        try (Socket token = new Socket(olivia, p, null, readToken)) {
            assertThat(token.join().get("writable").asBoolean()).isFalse();
            token.push(0, "t", insert(0, "x", CODE.length()));
            assertThat(token.nextError()).contains("may only read");
        }
        // a page of another site riding on olivia's cookie does not even get a socket
        assertThatThrownBy(() -> new Socket(olivia, p, "http://evil.example")).hasCauseInstanceOf(WebSocketHandshakeException.class);
        try (Socket same = new Socket(olivia, p, server.url("").replaceAll("/$", ""))) {
            assertThat(same.join().get("writable").asBoolean()).isTrue();
        }
        Agent stranger = Agent.session(server, "nora", PW, true);
        try (Socket s = new Socket(stranger, p)) {
            s.send(s.doc("doc-join"));
            assertThat(s.nextError()).contains("no project");
        }
        assertThat(gitCode(p)).isEqualTo(CODE);
    }

    @Test
    void aCommitMadeElsewhereIsFoldedInAndADeletionIsAConflictThatKeepsTheText() throws Exception {
        String p = project("Fold");
        try (Socket a = new Socket(olivia, p)) {
            a.join();
            a.push(0, "a", insert(0, "# typed live\n", CODE.length()));
            a.next("doc-updates");
            // someone edits another line through REST while the live text is not yet committed (or just was)
            String theirs = await().atMost(Duration.ofSeconds(20)).until(() -> gitCode(p), c -> c.startsWith("# typed live\n"));
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.putArray("patch").addObject().put("op", "replace").put("path", "/operations/Scale/code")
                    .put("value", theirs.replace("return y", "return y + 1"));
            assertThat(walt.post("/api/v1/projects/" + p + "/branches/main/changes", Json.compact(body)).status()).isEqualTo(200);
            JsonNode folded = a.next("doc-updates");
            assertThat(folded.at("/updates/0/clientID").asText()).isEqualTo("server");
            a.push(2, "a", insert(0, "# more\n", theirs.length() + 4));
            a.next("doc-updates");
            await().atMost(Duration.ofSeconds(20)).until(() -> gitCode(p).equals("# more\n" + theirs.replace("return y", "return y + 1")));

            ObjectNode delete = Json.MAPPER.createObjectNode();
            delete.putArray("patch").addObject().put("op", "remove").put("path", "/operations/Scale");
            assertThat(walt.post("/api/v1/projects/" + p + "/branches/main/changes", Json.compact(delete)).status()).isEqualTo(200);
            JsonNode conflict = a.next("doc-conflict");
            assertThat(conflict.get("theirs").isNull()).isTrue();
            assertThat(conflict.get("ours").asText()).startsWith("# more\n");
            assertThat(conflict.get("reason").asText()).contains("deleted by walt");
            a.push(3, "a", insert(0, "x", conflict.get("ours").asText().length()));
            assertThat(a.nextError()).contains("was deleted");
        }
    }

    @Test
    void presenceIsOnePerPersonAndGoesWhenTheirLastWindowCloses() throws Exception {
        String p = project("Presence");
        Socket one = new Socket(olivia, p);
        Socket two = new Socket(olivia, p);
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor();
        try (Socket watcher = new Socket(walt, p)) {
            // like a browser, every open socket says every few seconds that it is still there
            heartbeat.scheduleWithFixedDelay(() -> {
                for (Socket s : List.of(one, two, watcher)) {
                    try {
                        if (!s.ws.isOutputClosed()) {
                            s.send(Json.MAPPER.createObjectNode().put("type", "ping"));
                        }
                    } catch (Exception e) {
                        // closed meanwhile
                    }
                }
            }, 0, 2, TimeUnit.SECONDS);
            for (Socket s : List.of(one, two, watcher)) {
                s.send(Json.MAPPER.createObjectNode().put("type", "subscribe").put("project", p).put("branch", "main"));
                s.next("subscribed");
                s.send(Json.MAPPER.createObjectNode().put("type", "presence").put("project", p).put("branch", "main"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> lastPresence(watcher), u -> u != null && u.size() == 2);
            JsonNode users = lastPresence(watcher);
            assertThat(users.findValuesAsText("name")).containsExactlyInAnyOrder("olivia", "walt");
            assertThat(users.findValuesAsText("windows")).containsExactlyInAnyOrder("2", "1");
            synchronized (one) {
                one.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> lastPresence(watcher), u -> u != null && u.size() == 2
                    && u.findValues("windows").stream().allMatch(w -> w.asInt() == 1));
            synchronized (two) {
                two.ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(10, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> lastPresence(watcher), u -> u != null && u.size() == 1);
            assertThat(lastPresence(watcher).get(0).get("name").asText()).isEqualTo("walt");
        } finally {
            heartbeat.shutdownNow();
            one.close();
            two.close();
        }
    }

    @Test
    void aWindowThatGoesSilentLosesItsAvatarWithinTheExpiry() throws Exception {
        String p = project("Silent");
        try (Socket silent = new Socket(rita, p); Socket watcher = new Socket(walt, p)) {
            for (Socket s : List.of(silent, watcher)) {
                s.send(Json.MAPPER.createObjectNode().put("type", "subscribe").put("project", p).put("branch", "main"));
                s.next("subscribed");
                s.send(Json.MAPPER.createObjectNode().put("type", "presence").put("project", p).put("branch", "main"));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> lastPresence(watcher), u -> u != null && u.size() == 2);
            // rita's socket stays open but sends nothing (a frozen browser); walt keeps sending his heartbeat
            await().atMost(Duration.ofMillis(CollabHub.PRESENCE_TTL_MS + 10_000))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> {
                        watcher.send(Json.MAPPER.createObjectNode().put("type", "ping"));
                        JsonNode u = lastPresence(watcher);
                        return u != null && u.size() == 1 && u.get(0).get("name").asText().equals("walt");
                    });
        }
    }

    private JsonNode latest;

    /** The users of the newest presence message received so far. */
    private JsonNode lastPresence(Socket s) {
        for (JsonNode m; (m = s.inbox.poll()) != null; ) {
            if (m.get("type").asText().equals("presence")) {
                latest = m.get("users");
            }
        }
        return latest;
    }
}
