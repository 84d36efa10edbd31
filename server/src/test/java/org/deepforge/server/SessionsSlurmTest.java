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
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.deepforge.model.Json;
import org.junit.jupiter.api.Test;

/**
 * The Workspace's flow through the REST API with the session as a batch job on the single-node Slurm
 * (scripts/slurm-local, see SlurmCluster; run in CI like the other Slurm tests): a numpy artifact loaded (a copy of its
 * data, never a link to the server's storage), a slice explored, a tiny architecture trained for an epoch and its model
 * saved as an artifact whose provenance names the Slurm session.
 */
class SessionsSlurmTest {
    static final Duration WAIT = Duration.ofMinutes(4);

    @Test
    void aSlurmSessionLoadsExploresTrainsAndSavesAModelWithItsProvenance() throws Exception {
        try (TestServer server = SlurmExecutionsTest.slurmServer(Files.createTempDirectory("deepforge-test"))) {
            String project = server.post("/api/v1/projects", "{\"name\":\"Slurm workspace\",\"empty\":true}").json().get("id").asText();
            TestServer.Reply arch = server.post("/api/v1/projects/" + project + "/branches/main/changes",
                    "{\"patch\":[{\"op\":\"add\",\"path\":\"/architectures/tiny\",\"value\":" + SessionsApiTest.TINY + "}]}");
            assertThat(arch.status()).as(arch.body()).isEqualTo(200);
            String artifact = upload(server, project);

            TestServer.Reply started = server.post("/api/v1/projects/" + project + "/sessions",
                    "{\"compute\":{\"adapter\":\"slurm\",\"config\":{\"cpus\":1}}}");
            assertThat(started.status()).as(started.body()).isEqualTo(201);
            String session = started.json().get("id").asText();
            assertThat(started.json().get("adapter").asText()).isEqualTo("slurm");
            Path dir = server.dataDir.resolve("sessions").resolve(session);
            try {
                JsonNode load = run(server, session, "/artifacts", "{\"artifact\":\"" + artifact + "\",\"variable\":\"x\"}");
                assertThat(load.get("state").asText()).as(load.toString()).isEqualTo("ok");
                assertThat(SessionsApiTest.shown(load, "application/vnd.deepforge.describe+json").get(0).get("shape").toString())
                        .isEqualTo("[16,4]");
                assertThat(inputData(dir)).as("the loaded data").singleElement().satisfies(data -> {
                    assertThat(Files.isSymbolicLink(data)).isFalse();
                    assertThat(Files.getAttribute(data, "unix:nlink")).as("a copy, not a link to the stored artifact").isEqualTo(1);
                });

                JsonNode explore = run(server, session, "/explore", "{\"expression\":\"x[:, 1]\",\"plot\":\"line\"}");
                assertThat(explore.get("state").asText()).as(explore.toString()).isEqualTo("ok");
                JsonNode describe = SessionsApiTest.shown(explore, "application/vnd.deepforge.describe+json").get(0);
                assertThat(describe.get("shape").toString()).isEqualTo("[16]");
                assertThat(describe.get("plot").get("kind").asText()).isEqualTo("line");

                JsonNode labels = run(server, session, "/cells", SessionsApiTest.cell("xy = (x, (x[:, 0] > 30).astype('int64'))"));
                assertThat(labels.get("state").asText()).as(labels.toString()).isEqualTo("ok");
                TestServer.Reply training = server.post("/api/v1/sessions/" + session + "/trainings", "{\"data\":\"xy\",\"architecture\":\"tiny\","
                        + "\"loss\":{\"name\":\"CrossEntropyLoss\"},\"optimizer\":{\"name\":\"Adam\",\"arguments\":{\"lr\":0.01}},"
                        + "\"batchSize\":4,\"epochs\":1,\"seed\":5}");
                assertThat(training.status()).as(training.body()).isEqualTo(202);
                JsonNode trained = done(server, session, training.json().get("cell").get("id").asText());
                assertThat(trained.get("state").asText()).as(trained.toString()).isEqualTo("ok");

                String id = training.json().get("training").asText();
                TestServer.Reply saved = server.post("/api/v1/sessions/" + session + "/saves", "{\"name\":\"slurm model\",\"training\":\"" + id + "\"}");
                assertThat(saved.status()).as(saved.body()).isEqualTo(201);
                String model = saved.json().get("artifact").get("id").asText();
                JsonNode provenance = server.get("/api/v1/projects/" + project + "/model").json().get("model").get("artifacts").get(model)
                        .get("provenance");
                assertThat(provenance.get("kind").asText()).isEqualTo("training");
                assertThat(provenance.get("session").get("id").asText()).isEqualTo(session);
                assertThat(provenance.get("session").get("adapter").asText()).isEqualTo("slurm");
                assertThat(provenance.get("training").get("architecture").asText()).isEqualTo("tiny");
                assertThat(provenance.get("inputs").get(0).get("artifact").asText()).isEqualTo(artifact);
                assertThat(provenance.get("seed").asLong()).isEqualTo(5);
            } finally {
                assertThat(server.send("DELETE", "/api/v1/sessions/" + session, null).status()).isEqualTo(204);
            }
            assertThat(dir).as("the stopped session's directory").doesNotExist();
            HttpResponse<byte[]> data = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + project
                    + "/artifacts/" + artifact + "/data"))).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(data.statusCode()).as("the loaded artifact's data outlives the session").isEqualTo(200);
        }
    }

    /** Uploads a 16×4 float32 numpy array as the artifact "features"; returns its id. */
    static String upload(TestServer server, String project) throws Exception {
        Process make = new ProcessBuilder("/usr/bin/python3", "-c",
                "import numpy as np, sys; np.save(sys.stdout.buffer, np.arange(64, dtype=np.float32).reshape(16, 4))").start();
        byte[] npy = make.getInputStream().readAllBytes();
        assertThat(make.waitFor()).isZero();
        HttpResponse<String> up = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + project
                        + "/branches/main/artifacts?name=features&type=numpy.ndarray"))).header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(npy)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(up.statusCode()).as(up.body()).isEqualTo(201);
        return Json.MAPPER.readTree(up.body()).get("id").asText();
    }

    static List<Path> inputData(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir.resolve("inputs"))) {
            return files.filter(p -> p.getFileName().toString().equals("data")).toList();
        }
    }

    /** Posts a queuing request and waits until its cell is done. */
    static JsonNode run(TestServer server, String session, String path, String body) throws Exception {
        TestServer.Reply r = server.post("/api/v1/sessions/" + session + path, body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return done(server, session, r.json().get("id").asText());
    }

    static JsonNode done(TestServer server, String session, String cell) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(250)).until(() -> {
            JsonNode c = server.get("/api/v1/sessions/" + session + "/cells/" + cell).json();
            last.set(c);
            return !List.of("queued", "running").contains(c.path("state").asText());
        });
        return last.get();
    }
}
