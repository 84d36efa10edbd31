package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.flipkart.zjsonpatch.JsonPatch;
import java.net.URI;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Live collaboration: commits in order with patches, replay after reconnect, presence. */
class WebSocketTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A WebSocket client that queues every message it receives. */
    static final class Client implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
        final StringBuilder partial = new StringBuilder();
        final WebSocket ws;

        Client() throws Exception {
            this(server);
        }

        Client(TestServer target) throws Exception {
            ws = target.http.newWebSocketBuilder().buildAsync(URI.create(target.wsUrl()), this).get(10, TimeUnit.SECONDS);
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

        void send(String json) throws Exception {
            ws.sendText(json.replace('\'', '"'), true).get(10, TimeUnit.SECONDS);
        }

        JsonNode next(String type) throws Exception {
            while (true) {
                JsonNode m = inbox.poll(10, TimeUnit.SECONDS);
                assertThat(m).as("waiting for a " + type + " message").isNotNull();
                if (m.get("type").asText().equals(type)) {
                    return m;
                }
            }
        }

        /** The next job event of {@code kind}, unwrapped from its envelope, with the envelope's execution and job. */
        JsonNode nextEvent(String kind) throws Exception {
            while (true) {
                JsonNode m = next("job-event");
                if (m.path("event").path("type").asText().equals(kind)) {
                    return ((ObjectNode) m.get("event").deepCopy())
                            .put("execution", m.get("execution").asText()).put("job", m.get("job").asText());
                }
            }
        }

        /** Every message received so far and within {@code millis} more, without waiting for any one kind. */
        List<JsonNode> drain(long millis) throws Exception {
            List<JsonNode> all = new ArrayList<>();
            long end = System.nanoTime() + millis * 1_000_000;
            for (JsonNode m; (m = inbox.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS)) != null; ) {
                all.add(m);
            }
            return all;
        }

        @Override
        public void close() {
            ws.abort();
        }
    }

    @Test
    void subscriberReceivesEachCommitInOrderWithAPatchThatRebuildsTheModel() throws Exception {
        String p = server.createProject("Live");
        try (Client c = new Client()) {
            c.send("{'type':'subscribe','project':'" + p + "','branch':'main'}");
            JsonNode subscribed = c.next("subscribed");
            String head = subscribed.get("head").asText();
            JsonNode model = server.get("/api/v1/projects/" + p + "/model").json().get("model");
            List<String> commits = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                commits.add(server.change(p, "main", head, "[{'op':'add','path':'/pipelines/p" + i + "','value':{'name':'P" + i + "'}}]")
                        .json().get("commit").asText());
            }
            String parent = head;
            for (String expected : commits) {
                JsonNode m = c.next("commit");
                assertThat(m.get("commit").asText()).isEqualTo(expected);
                assertThat(m.get("parent").asText()).isEqualTo(parent);
                assertThat(m.get("author").asText()).isEqualTo("local");
                model = JsonPatch.apply(m.get("patch"), model);
                parent = expected;
            }
            assertThat(model).isEqualTo(server.get("/api/v1/projects/" + p + "/model").json().get("model"));
        }
    }

    @Test
    void resubscribingWithSinceReplaysWhatWasMissed() throws Exception {
        String p = server.createProject("Replay");
        String seen = server.change(p, "main", null, "[{'op':'add','path':'/pipelines/a','value':{'name':'A'}}]").json().get("commit").asText();
        String b = server.change(p, "main", null, "[{'op':'add','path':'/pipelines/b','value':{'name':'B'}}]").json().get("commit").asText();
        String c2 = server.change(p, "main", null, "[{'op':'add','path':'/pipelines/c','value':{'name':'C'}}]").json().get("commit").asText();
        try (Client c = new Client()) {
            c.send("{'type':'subscribe','project':'" + p + "','branch':'main','since':'" + seen + "'}");
            assertThat(c.next("commit").get("commit").asText()).isEqualTo(b);
            assertThat(c.next("commit").get("commit").asText()).isEqualTo(c2);
            assertThat(c.next("subscribed").get("head").asText()).isEqualTo(c2);
        }
        try (Client c = new Client()) {
            c.send("{'type':'subscribe','project':'" + p + "','branch':'main','since':'ffffffffffffffffffffffffffffffffffffffff'}");
            assertThat(c.next("resync").get("head").asText()).isEqualTo(c2);
        }
    }

    @Test
    void presenceReachesOtherSubscribersAndLeavesWithThem() throws Exception {
        String p = server.createProject("Presence");
        try (Client a = new Client(); Client b = new Client()) {
            a.send("{'type':'subscribe','project':'" + p + "','branch':'main'}");
            a.next("subscribed");
            b.send("{'type':'subscribe','project':'" + p + "','branch':'main'}");
            b.next("subscribed");
            a.send("{'type':'presence','project':'" + p + "','branch':'main','node':'p1'}");
            JsonNode seen;
            do {
                seen = b.next("presence");
            } while (seen.get("users").size() == 0);
            assertThat(seen.get("users").get(0).get("node").asText()).isEqualTo("p1");
            assertThat(seen.get("users").get(0).get("name").asText()).isEqualTo("Local user");
            a.close();
            do {
                seen = b.next("presence");
            } while (seen.get("users").size() != 0);
        }
    }

    @Test
    void badMessagesAndUnknownProjectsGetErrors() throws Exception {
        try (Client c = new Client()) {
            c.send("not json");
            assertThat(c.next("error").get("error").asText()).contains("JSON");
            c.send("{'type':'dance'}");
            assertThat(c.next("error").get("error").asText()).contains("unknown message type");
            c.send("{'type':'subscribe','project':'nope','branch':'main'}");
            assertThat(c.next("error").get("error").asText()).contains("no project");
        }
    }

    @Test
    void branchCreationIsAnnouncedToProjectSubscribers() throws Exception {
        String p = server.createProject("Branch events");
        try (Client c = new Client()) {
            c.send("{'type':'subscribe','project':'" + p + "','branch':'main'}");
            c.next("subscribed");
            server.post("/api/v1/projects/" + p + "/branches", "{\"name\":\"exp\",\"from\":\"main\"}");
            JsonNode m = c.next("branch");
            assertThat(m.get("branch").asText()).isEqualTo("exp");
        }
    }
}
