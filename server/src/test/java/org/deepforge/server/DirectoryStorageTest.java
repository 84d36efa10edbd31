package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The storage adapter for a directory on a shared file system, added as one declaration and one registration
 * line: it is listed for the run dialog, uploads and a pipeline's outputs are stored into it by content, and a
 * bad choice is refused before anything runs, naming the option to fix.
 */
class DirectoryStorageTest {
    @TempDir
    static Path dir;
    static Path shared;
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        shared = Files.createDirectories(dir.resolve("scratch"));
        server = new TestServer(Files.createDirectories(dir.resolve("data")));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ObjectNode choice(String path) {
        return Json.MAPPER.createObjectNode().put("adapter", "directory").put("path", path);
    }

    @Test
    void theDirectoryAdapterIsListedWithItsSchema() throws Exception {
        JsonNode list = server.get("/api/v1/storage/adapters").json();
        JsonNode directory = null;
        for (JsonNode a : list) {
            if (a.get("name").asText().equals("directory")) {
                directory = a;
            }
        }
        assertThat(directory).as(list.toString()).isNotNull();
        assertThat(directory.get("title").asText()).isEqualTo("Directory on a shared file system");
        assertThat(directory.at("/schema/required/0").asText()).isEqualTo("path");
        assertThat(directory.at("/schema/properties/path/type").asText()).isEqualTo("string");
        assertThat(directory.has("secret")).isFalse();
    }

    @Test
    void anUploadAndAPipelinesOutputAreStoredInTheDirectoryByContent() throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"Shared\",\"empty\":true}").json().get("id").asText();
        byte[] npy = ArtifactsApiTest.npy();
        String storage = URLEncoder.encode(Json.compact(choice(shared.toString())), StandardCharsets.UTF_8);
        TestServer.Reply up = ArtifactsApiTest.uploadTo(server, p, "name=readings.npy&type=numpy.ndarray&storage=" + storage, npy);
        assertThat(up.status()).as(up.body()).isEqualTo(201);
        String sha = ArtifactsApiTest.sha256(npy);
        assertThat(shared.resolve(sha.substring(0, 2)).resolve(sha)).hasBinaryContent(npy);
        String input = up.json().get("id").asText();
        JsonNode record = server.get("/api/v1/projects/" + p + "/model").json().at("/model/artifacts/" + input + "/storage");
        assertThat(record.get("adapter").asText()).isEqualTo("directory");
        assertThat(record.get("path").asText()).isEqualTo(shared.toString());

        ArtifactsApiTest.addScalePipeline(server, p, input);
        ObjectNode run = Json.MAPPER.createObjectNode();
        run.set("storage", choice(shared.toString()));
        TestServer.Reply started = server.post("/api/v1/projects/" + p + "/pipelines/pl/executions", Json.compact(run));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        JsonNode done = ExecutionsApiTest.waitFor(server, started.json().get("id").asText());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");

        JsonNode artifacts = server.get("/api/v1/projects/" + p + "/model").json().at("/model/artifacts");
        String made = ArtifactsApiTest.named(artifacts, "scaled");
        JsonNode scaled = artifacts.get(made).get("storage");
        assertThat(scaled.get("adapter").asText()).isEqualTo("directory");
        String key = scaled.get("key").asText();
        assertThat(shared.resolve(key.substring(0, 2)).resolve(key)).exists();
        assertThat(Files.size(shared.resolve(key.substring(0, 2)).resolve(key))).isEqualTo(scaled.get("size").asLong());
        var download = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + p + "/artifacts/" + made + "/data")))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(ArtifactsApiTest.sha256(download.body())).isEqualTo(scaled.get("sha256").asText());
    }

    @Test
    void aBadDirectoryIsRefusedNamingTheOptionAndNothingRuns() throws Exception {
        String p = ExecutionsApiTest.project(server, "        values = [1]\n        return values\n");
        assertThat(refusal(p, Json.MAPPER.createObjectNode().put("adapter", "directory"))).contains("\"path\" is missing");
        assertThat(refusal(p, choice("scratch"))).contains("\"path\"");
        assertThat(refusal(p, choice(dir.resolve("no-such-dir").toString()))).contains("\"path\"").contains("not an existing directory");
        assertThat(refusal(p, choice(shared + "/../data"))).contains("\"path\"").contains("..");
        assertThat(refusal(p, choice(server.dataDir.resolve("artifacts").toString()))).contains("server's own data directory");
        assertThat(server.get("/api/v1/projects/" + p + "/executions").json().get("items")).isEmpty();
        // and an upload
        TestServer.Reply up = ArtifactsApiTest.uploadTo(server, p, "name=x.bin&storage="
                + URLEncoder.encode(Json.compact(choice("relative/path")), StandardCharsets.UTF_8), new byte[] {1});
        assertThat(up.status()).isEqualTo(400);
        assertThat(up.json().get("error").asText()).contains("\"path\"");
    }

    static String refusal(String project, ObjectNode storage) throws Exception {
        ObjectNode run = Json.MAPPER.createObjectNode();
        run.set("storage", storage);
        TestServer.Reply r = server.post("/api/v1/projects/" + project + "/pipelines/chain/executions", Json.compact(run));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        return r.json().get("error").asText();
    }
}
