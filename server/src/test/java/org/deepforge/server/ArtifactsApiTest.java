package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Artifacts in and out of pipelines, with provenance, over real HTTP and real Python jobs. */
class ArtifactsApiTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** Adds pipeline "pl" to {@code project}: Input (artifact {@code input}) → Scale (×3, numpy) → Output "scaled". */
    static void addScalePipeline(TestServer server, String project, String input) throws Exception {
        String scale = Json.MAPPER.writeValueAsString("import numpy as np\n\nclass Scale:\n    def __init__(self, factor=2.0):\n"
                + "        self.factor = factor\n\n    def execute(self, values):\n        print('scaling', len(values), 'values', flush=True)\n"
                + "        scaled = np.asarray(values) * self.factor\n        return scaled\n");
        String pipeline = "{\"name\":\"Scale readings\",\"nodes\":{\"in\":{\"input\":{\"artifact\":\"" + input + "\"}},"
                + "\"s\":{\"operation\":\"Scale\",\"attributes\":{\"factor\":3}},\"out\":{\"output\":{\"saveName\":\"scaled\"}}},"
                + "\"connections\":{\"a\":{\"from\":{\"node\":\"in\",\"port\":\"data\"},\"to\":{\"node\":\"s\",\"port\":\"values\"}},"
                + "\"b\":{\"from\":{\"node\":\"s\",\"port\":\"scaled\"},\"to\":{\"node\":\"out\",\"port\":\"data\"}}}}";
        var r = server.post("/api/v1/projects/" + project + "/branches/main/changes", "{\"patch\":[{\"op\":\"add\",\"path\":\"/operations/Scale\",\"value\":{\"code\":"
                + scale + "}},{\"op\":\"add\",\"path\":\"/pipelines/pl\",\"value\":" + pipeline + "}]}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** The id of the artifact called {@code name} in a model's artifacts (fails if there is none). */
    static String named(JsonNode artifacts, String name) {
        for (var it = artifacts.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (artifacts.get(k).get("name").asText().equals(name)) {
                return k;
            }
        }
        throw new AssertionError("no artifact named " + name + " in " + artifacts);
    }

    public static byte[] npy() throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import numpy as np, sys; np.save(sys.stdout.buffer, np.arange(5.0))").start();
        byte[] bytes = p.getInputStream().readAllBytes();
        p.waitFor();
        return bytes;
    }

    static TestServer.Reply upload(String project, String query, byte[] body) throws Exception {
        return uploadTo(server, project, query, body);
    }

    static TestServer.Reply uploadTo(TestServer server, String project, String query, byte[] body) throws Exception {
        HttpResponse<String> r = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + project + "/branches/main/artifacts?" + query)))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new TestServer.Reply(r.statusCode(), r.body().isEmpty() ? null : Json.MAPPER.readTree(r.body()), r.body());
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void anUploadedArtifactFlowsThroughAPipelineIntoANewArtifactWithProvenance() throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"Artifacts\",\"empty\":true}").json().get("id").asText();
        byte[] data = npy();
        var up = upload(p, "name=readings.npy&type=numpy.ndarray", data);
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        String input = up.json().get("id").asText();
        assertThat(up.json().get("sha256").asText()).isEqualTo(sha256(data));

        addScalePipeline(server, p, input);

        String id = server.post("/api/v1/projects/" + p + "/pipelines/pl/executions", "{}").json().get("id").asText();
        JsonNode done = ExecutionsApiTest.waitFor(server, id);
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");

        JsonNode artifacts = server.get("/api/v1/projects/" + p + "/model").json().at("/model/artifacts");
        String made = named(artifacts, "scaled");
        JsonNode prov = artifacts.get(made).get("provenance");
        assertThat(prov.get("execution").asText()).isEqualTo(id);
        assertThat(prov.get("operation").asText()).isEqualTo("Scale");
        assertThat(prov.get("attributes").get("factor").asInt()).isEqualTo(3);
        assertThat(prov.get("codeSha256").asText()).hasSize(64);
        assertThat(prov.get("environment").get("numpy").asText()).isNotEmpty();
        assertThat(prov.get("commit").asText()).isEqualTo(done.get("commit").asText());
        assertThat(prov.at("/inputs/0/from/artifact").asText()).isEqualTo(input);
        assertThat(prov.at("/inputs/0/sha256").asText()).isEqualTo(sha256(data));

        HttpResponse<byte[]> download = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + p + "/artifacts/" + made + "/data"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(sha256(download.body())).isEqualTo(artifacts.get(made).at("/storage/sha256").asText());

        JsonNode lineage = server.get("/api/v1/projects/" + p + "/artifacts/" + made + "/lineage").json();
        assertThat(lineage.get("nodes").findValuesAsText("kind")).contains("artifact", "job");
        assertThat(lineage.get("edges")).hasSize(2);
        assertThat(server.get("/api/v1/projects/" + p + "/artifacts").json().get("items").findValuesAsText("name")).contains("readings.npy", "scaled");
    }

    @Test
    void badUploadsAreRefusedAndLeaveNothingBehind() throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"Bad uploads\",\"empty\":true}").json().get("id").asText();
        String head = server.head(p, "main");
        for (String name : new String[] {"../../etc/passwd", "a/b", "..", "", "x%0Ay"}) {
            var r = upload(p, "name=" + name, new byte[] {1, 2, 3});
            assertThat(r.status()).as(name).isEqualTo(400);
            assertThat(r.json().get("error").asText()).isNotBlank();
        }
        assertThat(upload(p, "name=ok&type=bad%20type", new byte[] {1}).status()).isEqualTo(400);
        assertThat(server.head(p, "main")).isEqualTo(head);
        assertThat(server.get("/api/v1/projects/" + p + "/artifacts/nope/data").status()).isEqualTo(404);
        var ok = upload(p, "name=blob.bin", new byte[] {9, 9, 9});
        String id = ok.json().get("id").asText();
        var deleted = server.send("DELETE", "/api/v1/projects/" + p + "/branches/main/artifacts/" + id + "?data=true", null);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().get("dataDeleted").asBoolean()).isTrue();
        assertThat(server.get("/api/v1/projects/" + p + "/artifacts").json().get("items")).isEmpty();
    }
}
