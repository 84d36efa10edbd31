package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.deepforge.model.Json;
import org.deepforge.server.security.Agent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interactive sessions over real HTTP and the WebSocket, with the real agent and kernel in the real sandbox
 * (docs/sessions.md): cells, the explorer, loading, the trainer and saving with provenance, and what a hostile user
 * or session may try.
 */
class SessionsApiTest {
    static TestServer server;
    static String project;
    static String artifact;
    static String artifactSha;
    static String session;

    static final String TINY = """
        {"name": "tiny", "layers": {
          "in": {"type": "Input", "arguments": {"shape": [4]}},
          "fc": {"type": "Linear", "arguments": {"out_features": 2}},
          "out": {"type": "Output", "arguments": {}}},
         "connections": {
          "k1": {"from": {"layer": "in"}, "to": {"layer": "fc"}},
          "k2": {"from": {"layer": "fc"}, "to": {"layer": "out"}}}}
        """;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
        project = server.post("/api/v1/projects", "{\"name\":\"Workspace\",\"empty\":true}").json().get("id").asText();
        TestServer.Reply arch = server.post("/api/v1/projects/" + project + "/branches/main/changes",
                "{\"patch\":[{\"op\":\"add\",\"path\":\"/architectures/tiny\",\"value\":" + TINY + "}]}");
        assertThat(arch.status()).as(arch.body()).isEqualTo(200);
        Process make = new ProcessBuilder("/usr/bin/python3", "-c",
                "import numpy as np, sys; np.save(sys.stdout.buffer, np.arange(2 * 4 * 4 * 3, dtype=np.float64).reshape(2, 4, 4, 3))").start();
        byte[] npy = make.getInputStream().readAllBytes();
        assertThat(make.waitFor()).isZero();
        HttpResponse<String> up = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + project
                        + "/branches/main/artifacts?name=cube&type=numpy.ndarray"))).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(npy)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        artifact = Json.MAPPER.readTree(up.body()).get("id").asText();
        artifactSha = Json.MAPPER.readTree(up.body()).get("sha256").asText();
        TestServer.Reply started = server.post("/api/v1/projects/" + project + "/sessions", "{}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        session = started.json().get("id").asText();
        assertThat(started.json().get("owner").asText()).isEqualTo("local");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String s(String path) {
        return "/api/v1/sessions/" + session + path;
    }

    /** Posts a cell (or another queuing request) and waits until it is done. */
    static JsonNode run(String path, String body) throws Exception {
        TestServer.Reply r = server.post(s(path), body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode cell = r.json().has("cell") ? r.json().get("cell") : r.json();
        return done(cell.get("id").asText());
    }

    static JsonNode done(String cell) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode c = server.get(s("/cells/" + cell)).json();
            last.set(c);
            return !List.of("queued", "running").contains(c.path("state").asText());
        });
        return last.get();
    }

    static String cell(String code) throws Exception {
        return Json.compact(Json.MAPPER.createObjectNode().put("code", code));
    }

    /** The values of {@code mimetype} that a cell displayed. */
    static List<JsonNode> shown(JsonNode cell, String mimetype) {
        List<JsonNode> out = new ArrayList<>();
        cell.path("outputs").forEach(o -> {
            if (o.path("data").has(mimetype)) {
                out.add(o.path("data").get(mimetype));
            }
        });
        return out;
    }

    @Test
    void consoleCellsGiveResultsTracebacksAndFiguresAndAWatcherHearsThem() throws Exception {
        try (WebSocketTest.Client ws = new WebSocketTest.Client(server)) {
            ws.send("{'type':'watchSession','session':'" + session + "'}");
            ws.next("watchingSession");
            assertThat(ws.next("session").path("status").path("id").asText()).isEqualTo(session);

            JsonNode two = run("/cells", cell("1+1"));
            assertThat(two.get("state").asText()).as(two.toString()).isEqualTo("ok");
            assertThat(two.get("origin").asText()).isEqualTo("console");
            assertThat(shown(two, "text/plain")).extracting(JsonNode::asText).contains("2");
            JsonNode output = ws.next("sessionOutput");
            assertThat(output.get("session").asText()).isEqualTo(session);
            assertThat(output.get("cell").asText()).isEqualTo(two.get("id").asText());
            assertThat(ws.next("sessionCell").path("cell").path("id").asText()).isNotEmpty();
        }

        JsonNode error = run("/cells", cell("def f():\n    return 1 / 0\nf()"));
        assertThat(error.get("state").asText()).isEqualTo("error");
        JsonNode e = error.get("outputs").get(error.get("outputs").size() - 1);
        assertThat(e.get("kind").asText()).isEqualTo("error");
        assertThat(e.get("ename").asText()).isEqualTo("ZeroDivisionError");
        assertThat(e.get("traceback").toString()).contains("1 / 0").doesNotContain("\\u001b[");

        JsonNode figure = run("/cells", cell("import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])\nplt.show()"));
        assertThat(figure.get("state").asText()).as(figure.toString()).isEqualTo("ok");
        assertThat(shown(figure, "image/png")).hasSize(1);
        assertThat(shown(figure, "image/png").get(0).asText()).startsWith("iVBOR");

        JsonNode page = server.get(s("/cells?after=0&limit=2")).json();
        assertThat(page.get("items")).hasSize(2);
        assertThat(page.get("next").asLong()).isEqualTo(page.get("items").get(1).get("index").asLong());
    }

    @Test
    void anArtifactLoadsIntoAVariableTheExplorerPlotsASliceAndASaveRecordsHowItWasMade() throws Exception {
        JsonNode load = run("/artifacts", "{\"artifact\":\"" + artifact + "\",\"variable\":\"x\"}");
        assertThat(load.get("state").asText()).as(load.toString()).isEqualTo("ok");
        assertThat(load.get("origin").asText()).isEqualTo("load");
        assertThat(shown(load, "application/vnd.deepforge.describe+json").get(0).get("shape").toString()).isEqualTo("[2,4,4,3]");

        JsonNode explore = run("/explore", "{\"expression\":\"x[0, :, :, 2]\",\"plot\":\"image\"}");
        assertThat(explore.get("state").asText()).as(explore.toString()).isEqualTo("ok");
        JsonNode describe = shown(explore, "application/vnd.deepforge.describe+json").get(0);
        assertThat(describe.get("expression").asText()).isEqualTo("x[0, :, :, 2]");
        assertThat(describe.get("shape").toString()).isEqualTo("[4,4]");
        assertThat(describe.get("plot").get("kind").asText()).isEqualTo("image");

        assertThat(run("/cells", cell("y = x[0, :, :, 2] * 2")).get("state").asText()).isEqualTo("ok");
        TestServer.Reply saved = server.post(s("/saves"), "{\"name\":\"doubled slice\",\"variable\":\"y\"}");
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        String id = saved.json().get("artifact").get("id").asText();
        assertThat(saved.json().get("artifact").get("type").asText()).isEqualTo("numpy.ndarray");

        JsonNode record = server.get("/api/v1/projects/" + project + "/model").json().get("model").get("artifacts").get(id);
        assertThat(record.get("name").asText()).isEqualTo("doubled slice");
        assertThat(record.get("storage").get("sha256").asText()).isEqualTo(saved.json().get("artifact").get("sha256").asText());
        JsonNode provenance = record.get("provenance");
        assertThat(provenance.get("kind").asText()).isEqualTo("console");
        assertThat(provenance.get("session").get("id").asText()).isEqualTo(session);
        assertThat(provenance.get("cells").toString()).contains("y = x[0, :, :, 2] * 2").contains("df.load(").doesNotContain("1 / 0");
        assertThat(provenance.get("inputs").get(0).get("artifact").asText()).isEqualTo(artifact);
        assertThat(provenance.get("inputs").get(0).get("sha256").asText()).isEqualTo(artifactSha);
        assertThat(provenance.get("inputs").get(0).get("variable").asText()).isEqualTo("x");
        assertThat(provenance.get("architectures").get(0).get("id").asText()).isEqualTo("tiny");
        assertThat(provenance.get("environment").get("python").asText()).isNotEmpty();

        assertThat(provenance.get("variable").asText()).isEqualTo("y");
        assertThat(provenance.get("seed").asLong()).as("the session's seed").isEqualTo(server.app.sessions().get(session).orElseThrow().seed());
        // the record turns back into a pipeline: the cells as one operation fed by the loaded artifact
        TestServer.Reply opened = server.post("/api/v1/projects/" + project + "/artifacts/" + id + "/pipeline", "{\"branch\":\"from-console\"}");
        assertThat(opened.status()).as(opened.body()).isEqualTo(201);

        HttpResponse<byte[]> data = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + project
                + "/artifacts/" + id + "/data"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(data.statusCode()).isEqualTo(200);
        assertThat(data.body().length).isEqualTo(saved.json().get("artifact").get("size").asInt());
    }

    @Test
    void theExplorerScattersTheColumnsPickedOfATableAndRefusesBadColumns() throws Exception {
        JsonNode table = run("/cells", cell("t = {\"a\": [1.0, 2.0, 3.0], \"b\": [4.0, 5.0, 6.0], \"c\": [7.0, 8.0, 9.0]}"));
        assertThat(table.get("state").asText()).as(table.toString()).isEqualTo("ok");

        JsonNode explore = run("/explore", "{\"expression\":\"t\",\"columns\":[\"a\",\"c\"]}");
        assertThat(explore.get("state").asText()).as(explore.toString()).isEqualTo("ok");
        JsonNode describe = shown(explore, "application/vnd.deepforge.describe+json").get(0);
        assertThat(describe.get("columns").toString()).isEqualTo("[\"a\",\"b\",\"c\"]");
        JsonNode plot = describe.get("plot");
        assertThat(plot.get("kind").asText()).isEqualTo("scatter");
        assertThat(plot.get("dims").asInt()).isEqualTo(2);
        List<List<Double>> points = new ArrayList<>();
        plot.get("points").forEach(p -> points.add(List.of(p.get(0).asDouble(), p.get(1).asDouble())));
        assertThat(points).containsExactly(List.of(1.0, 7.0), List.of(2.0, 8.0), List.of(3.0, 9.0));

        for (String bad : List.of("\"a\"", "[\"a\"]", "[\"a\",\"b\",\"c\",\"a2\"]", "[\"a\",\"a\"]", "[\"a\",\"\"]", "[\"a\",1]",
                "[\"a\",\"" + "b".repeat(201) + "\"]", "{\"x\":\"a\"}")) {
            TestServer.Reply r = server.post(s("/explore"), "{\"expression\":\"t\",\"plot\":\"scatter\",\"columns\":" + bad + "}");
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("error").asText()).as(bad).contains("\"columns\"");
        }
        TestServer.Reply line = server.post(s("/explore"), "{\"expression\":\"t\",\"plot\":\"line\",\"columns\":[\"a\",\"b\"]}");
        assertThat(line.status()).isEqualTo(400);
        assertThat(line.json().get("error").asText()).contains("\"columns\"").contains("\"plot\"");
    }

    @Test
    void aTinyArchitectureTrainsForAnEpochAndItsModelSavesWithTheTrainingsConfiguration() throws Exception {
        assertThat(run("/cells", cell("import torch\ntorch.manual_seed(0)\nxy = (torch.randn(32, 4), torch.randint(0, 2, (32,)))"))
                .get("state").asText()).isEqualTo("ok");
        TestServer.Reply started = server.post(s("/trainings"), "{\"data\":\"xy\",\"architecture\":\"tiny\",\"loss\":{\"name\":\"CrossEntropyLoss\"},"
                + "\"optimizer\":{\"name\":\"Adam\",\"arguments\":{\"lr\":0.01}},\"batchSize\":8,\"epochs\":1,\"seed\":3}");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String training = started.json().get("training").asText();
        assertThat(started.json().get("cell").get("origin").asText()).isEqualTo("train");
        JsonNode cell = done(started.json().get("cell").get("id").asText());
        assertThat(cell.get("state").asText()).as(cell.toString()).isEqualTo("ok");

        JsonNode item = server.get(s("/trainings")).json().get("items").get(0);
        assertThat(item.get("id").asText()).isEqualTo(training);
        assertThat(item.get("state").asText()).isEqualTo("finished");
        assertThat(item.get("config").get("architecture").asText()).isEqualTo("tiny");
        assertThat(item.get("metrics").get("loss")).isNotEmpty();

        TestServer.Reply saved = server.post(s("/saves"), "{\"name\":\"tiny model\",\"training\":\"" + training + "\"}");
        assertThat(saved.status()).as(saved.body()).isEqualTo(201);
        JsonNode provenance = server.get("/api/v1/projects/" + project + "/model").json().get("model").get("artifacts")
                .get(saved.json().get("artifact").get("id").asText()).get("provenance");
        assertThat(provenance.get("kind").asText()).isEqualTo("training");
        assertThat(provenance.get("training").get("training").asText()).isEqualTo(training);
        assertThat(provenance.get("seed").asLong()).isEqualTo(3);
        TestServer.Reply opened = server.post("/api/v1/projects/" + project + "/artifacts/" + saved.json().get("artifact").get("id").asText()
                + "/pipeline", "{\"branch\":\"from-training\"}");
        assertThat(opened.status()).as(opened.body()).isEqualTo(201);
    }

    @Test
    void deletingAProjectStopsItsSessionsAndDeletesTheirDirectories() throws Exception {
        String doomed = server.post("/api/v1/projects", "{\"name\":\"Doomed\",\"empty\":true}").json().get("id").asText();
        TestServer.Reply started = server.post("/api/v1/projects/" + doomed + "/sessions", "{}");
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = started.json().get("id").asText();
        Path dir = server.dataDir.resolve("sessions").resolve(id);
        await().atMost(Duration.ofMinutes(3)).until(() -> server.get("/api/v1/sessions/" + id).json().path("state").asText(),
                state -> state.equals("idle"));
        assertThat(dir).isDirectory();

        TestServer.Reply deleted = server.send("DELETE", "/api/v1/projects/" + doomed, null);
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        JsonNode after = server.get("/api/v1/sessions/" + id).json();
        assertThat(after.get("state").asText()).isEqualTo("stopped");
        assertThat(after.get("reason").asText()).isEqualTo("its project was deleted");
        assertThat(dir).as("the session's directory").doesNotExist();
        assertThat(server.get("/api/v1/projects/" + project + "/sessions").json().get("items"))
                .as("the sessions of other projects run on").extracting(s -> s.get("id").asText()).contains(session);
    }

    @Test
    void aCellCannotReadTheServersDataDirectory() throws Exception {
        String db = server.dataDir.resolve("deepforge.db").toAbsolutePath().toString();
        JsonNode probe = run("/cells", cell("open(" + Json.compact(Json.MAPPER.getNodeFactory().textNode(db)) + ", 'rb').read(16)"));
        assertThat(probe.get("state").asText()).as(probe.toString()).isEqualTo("error");
    }

    @Test
    void badRequestsAreRefusedWithAMessageNamingTheField() throws Exception {
        TestServer.Reply malformed = server.post(s("/cells"), "{\"code\": ");
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().get("error").asText()).contains("not valid JSON");

        TestServer.Reply huge = server.post(s("/cells"), cell("#".repeat((1 << 20) + 1)));
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().get("error").asText()).contains("\"code\"");

        for (String bad : List.of("1x", "import", "a-b", "x y", "")) {
            TestServer.Reply r = server.post(s("/artifacts"), Json.compact(Json.MAPPER.createObjectNode().put("artifact", artifact).put("variable", bad)));
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("error").asText()).contains("\"variable\"");
        }
        TestServer.Reply missing = server.post(s("/artifacts"), "{\"artifact\":\"nosuchartifact\",\"variable\":\"x\"}");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("error").asText()).contains("\"artifact\"");

        TestServer.Reply longExpression = server.post(s("/explore"), Json.compact(Json.MAPPER.createObjectNode().put("expression", "x" + " ".repeat(10 * 1024))));
        assertThat(longExpression.status()).isEqualTo(413);
        TestServer.Reply plot = server.post(s("/explore"), "{\"expression\":\"x\",\"plot\":\"pie\"}");
        assertThat(plot.status()).isEqualTo(400);
        assertThat(plot.json().get("error").asText()).contains("\"plot\"");

        TestServer.Reply loss = server.post(s("/trainings"), "{\"data\":\"xy\",\"architecture\":\"tiny\",\"loss\":{\"name\":\"os.system\"},"
                + "\"optimizer\":{\"name\":\"Adam\"}}");
        assertThat(loss.status()).isEqualTo(400);
        assertThat(loss.json().get("error").asText()).contains("loss");
        TestServer.Reply arch = server.post(s("/trainings"), "{\"data\":\"xy\",\"architecture\":\"nosucharch\",\"loss\":{\"name\":\"MSELoss\"},"
                + "\"optimizer\":{\"name\":\"SGD\",\"arguments\":{\"lr\":0.1}}}");
        assertThat(arch.status()).as(arch.body()).isEqualTo(400);
        assertThat(arch.json().get("error").asText()).contains("\"architecture\"");

        TestServer.Reply name = server.post(s("/saves"), "{\"name\":\"a/b\",\"variable\":\"x\"}");
        assertThat(name.status()).isEqualTo(400);
        TestServer.Reply both = server.post(s("/saves"), "{\"name\":\"ab\",\"variable\":\"x\",\"training\":\"t\"}");
        assertThat(both.status()).isEqualTo(400);
        TestServer.Reply unknown = server.post(s("/cells"), "{\"code\":\"1\",\"kernel\":\"evil\"}");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("error").asText()).contains("\"kernel\"");
        assertThat(server.get("/api/v1/sessions/nosuchsession").status()).isEqualTo(404);
    }

    @Test
    void aSaveWhoseOutputIsALinkToAServerFileIsRefusedAndStoresNothing() throws Exception {
        // the session is hostile: its df.save leaves a link to a file of the server's where the data should be
        String target = server.dataDir.resolve("deepforge.db").toAbsolutePath().toString();
        String evil = """
            import os, IPython.display
            _real_save = df.save
            def _evil_save(expression, output):
                os.makedirs(os.path.join("outputs", output), exist_ok=True)
                os.symlink(%s, os.path.join("outputs", output, "data"))
                IPython.display.display({"application/vnd.deepforge.saved+json": {"output": output, "type": "pickle",
                    "sha256": "0" * 64, "size": 1}}, raw=True)
            df.save = _evil_save
            """.formatted(Json.compact(Json.MAPPER.getNodeFactory().textNode(target)));
        assertThat(run("/cells", cell(evil)).get("state").asText()).isEqualTo("ok");
        try {
            refusesTheLinkedSave();
        } finally {
            run("/cells", cell("df.save = _real_save"));
        }
    }

    private static void refusesTheLinkedSave() throws Exception {
        int before = server.get("/api/v1/projects/" + project + "/model").json().path("model").path("artifacts").size();
        long stored;
        try (var files = Files.walk(server.dataDir.resolve("artifacts"))) {
            stored = files.count();
        }
        TestServer.Reply r = server.post(s("/saves"), "{\"name\":\"stolen\",\"variable\":\"x\"}");
        assertThat(r.status()).as(r.body()).isBetween(400, 599);
        assertThat(r.json().get("error").asText()).contains("symbolic link");
        assertThat(server.get("/api/v1/projects/" + project + "/model").json().path("model").path("artifacts").size()).isEqualTo(before);
        try (var files = Files.walk(server.dataDir.resolve("artifacts"))) {
            assertThat(files.count()).isEqualTo(stored);
        }
    }

    @Test
    void aSessionThatOutlivesAServerRestartStillKnowsWhatItLoadedAndTrained() throws Exception {
        Path dir = Files.createTempDirectory("deepforge-restart");
        TestServer first = new TestServer(dir);
        String p = first.post("/api/v1/projects", "{\"name\":\"Restart\",\"empty\":true}").json().get("id").asText();
        HttpResponse<String> up = first.http.send(HttpRequest.newBuilder(URI.create(first.url("/api/v1/projects/" + p
                        + "/branches/main/artifacts?name=numbers&type=pickle"))).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(pickled())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        String numbers = Json.MAPPER.readTree(up.body()).get("id").asText();
        String id = first.post("/api/v1/projects/" + p + "/sessions", "{}").json().get("id").asText();
        String load;
        try {
            TestServer.Reply loaded = first.post("/api/v1/sessions/" + id + "/artifacts", "{\"artifact\":\"" + numbers + "\",\"variable\":\"n\"}");
            assertThat(loaded.status()).as(loaded.body()).isEqualTo(202);
            load = loaded.json().get("id").asText();
        } finally {
            first.app.close(); // the session keeps running
        }
        try (TestServer second = new TestServer(dir)) {
            await().atMost(Duration.ofMinutes(3)).until(() -> second.get("/api/v1/sessions/" + id + "/cells/" + load).json().path("state").asText(),
                    state -> state.equals("ok"));
            TestServer.Reply saved = second.post("/api/v1/sessions/" + id + "/saves", "{\"name\":\"again\",\"variable\":\"n\"}");
            assertThat(saved.status()).as(saved.body()).isEqualTo(201);
            JsonNode provenance = second.get("/api/v1/projects/" + p + "/model").json().get("model").get("artifacts")
                    .get(saved.json().get("artifact").get("id").asText()).get("provenance");
            assertThat(provenance.get("inputs").get(0).get("artifact").asText()).isEqualTo(numbers);
        }
    }

    /** A pickled list, as an artifact of type pickle. */
    static byte[] pickled() throws Exception {
        Process make = new ProcessBuilder("/usr/bin/python3", "-c", "import pickle, sys; sys.stdout.buffer.write(pickle.dumps([1, 2, 3]))").start();
        byte[] bytes = make.getInputStream().readAllBytes();
        assertThat(make.waitFor()).isZero();
        return bytes;
    }

    @Test
    void othersSeeNoSessionOfTheirsUntilItIsSharedAndAStoppedSessionRunsNothing() throws Exception {
        Path dir = Files.createTempDirectory("deepforge-sessions");
        new org.deepforge.server.auth.Accounts(new org.deepforge.server.db.Database(dir.resolve("deepforge.db")))
                .create("root", "", "correct horse battery", true);
        try (TestServer accounts = new TestServer(ServerConfig.builder(dir).accounts(true, true)
                .sessions(new ServerConfig.SessionLimits(1, Duration.ofMinutes(30), null)).build())) {
            Agent ann = Agent.session(accounts, "ann", "correct horse battery", true);
            Agent bob = Agent.session(accounts, "bob", "correct horse battery", true);
            String p = ann.post("/api/v1/projects", "{\"name\":\"Private\",\"empty\":true}").json().get("id").asText();
            assertThat(ann.send("PUT", "/api/v1/projects/" + p + "/members/bob", "{\"role\":\"writer\"}").status()).isEqualTo(200);
            Agent.Reply started = ann.post("/api/v1/projects/" + p + "/sessions", "{}");
            assertThat(started.status()).as(started.body()).isEqualTo(201);
            String id = started.json().get("id").asText();
            String path = "/api/v1/sessions/" + id;

            Agent.Reply second = ann.post("/api/v1/projects/" + p + "/sessions", "{}");
            assertThat(second.status()).isEqualTo(429);
            assertThat(second.error()).contains("1 session");

            assertThat(bob.get(path).status()).isEqualTo(404);
            assertThat(bob.post(path + "/cells", "{\"code\":\"1\"}").status()).isEqualTo(404);
            assertThat(bob.get("/api/v1/projects/" + p + "/sessions").json().get("items")).isEmpty();
            try (Agent.WsClient ws = bob.websocket().orElseThrow()) {
                ws.send("{'type':'watchSession','session':'" + id + "'}");
                JsonNode refused = ws.next("error", "watchingSession", "session");
                assertThat(refused.path("type").asText()).isEqualTo("error");
                assertThat(refused.path("session").asText()).isEqualTo(id);
                // a cell of ann's is pushed to her session's watchers before her request is answered; bob hears none of it
                assertThat(ann.post(path + "/cells", "{\"code\":\"1\"}").status()).isEqualTo(202);
                ws.send("{'type':'ping'}");
                List<String> heard = new ArrayList<>();
                for (JsonNode m = ws.inbox.poll(30, java.util.concurrent.TimeUnit.SECONDS); m != null && !m.path("type").asText().equals("pong");
                     m = ws.inbox.poll(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    heard.add(m.path("type").asText());
                }
                assertThat(heard).noneMatch(t -> t.startsWith("session") || t.startsWith("watching"));
            }
            assertThat(bob.send("PUT", path + "/sharing", "{\"shared\":true}").status()).isEqualTo(404);

            assertThat(ann.send("PUT", path + "/sharing", "{\"shared\":true}").json().get("shared").asBoolean()).isTrue();
            assertThat(bob.get(path).status()).isEqualTo(200);
            assertThat(bob.get("/api/v1/projects/" + p + "/sessions").json().get("items")).hasSize(1);
            assertThat(bob.send("PUT", path + "/sharing", "{\"shared\":false}").status()).isEqualTo(403);

            assertThat(ann.send("DELETE", path, null).status()).isEqualTo(204);
            Agent.Reply after = ann.post(path + "/cells", "{\"code\":\"1\"}");
            assertThat(after.status()).isEqualTo(409);
            assertThat(after.error()).contains("stopped");
        }
    }
}
