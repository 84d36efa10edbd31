package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.deepforge.exec.storage.S3TestServer;
import org.deepforge.model.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Executions whose inputs and outputs live in a real S3 server (S3Proxy on loopback), with the user's
 * credentials in the sealed secret store: jobs get presigned links, never a key, and every refusal says
 * what to fix.
 */
class S3ExecutionsTest {
    static final String ACCESS = "AKIDDEEPFORGETEST";
    static final String SECRET = "s3-secret-" + Long.toHexString(System.nanoTime()) + "-never-in-a-bundle";
    static final String BUCKET = "lab-data";
    @TempDir
    static Path dir;
    static S3TestServer s3;
    static S3Client plain;
    static TestServer server;
    static final List<String> responses = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        s3 = new S3TestServer(dir.resolve("s3"), ACCESS, SECRET);
        plain = s3.client();
        plain.createBucket(b -> b.bucket(BUCKET));
        server = new TestServer();
        record(server.send("PUT", "/api/v1/secrets/lab",
                "{\"kind\":\"s3\",\"accessKeyId\":\"" + ACCESS + "\",\"secretAccessKey\":\"" + SECRET + "\"}"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (plain != null) {
            plain.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    static TestServer.Reply record(TestServer.Reply r) {
        responses.add(r.body());
        return r;
    }

    static ObjectNode storage(String bucket, String credentials) {
        return Json.MAPPER.createObjectNode().put("adapter", "s3").put("endpoint", s3.endpoint.toString()).put("bucket", bucket)
                .put("prefix", "deepforge").put("pathStyle", true).put("credentials", credentials);
    }

    /** A project whose pipeline scales an array imported from the bucket (object {@code key}) and saves the result. */
    static String project(String key) throws Exception {
        String p = server.post("/api/v1/projects", "{\"name\":\"S3\",\"empty\":true}").json().get("id").asText();
        byte[] npy = ArtifactsApiTest.npy();
        plain.putObject(b -> b.bucket(BUCKET).key(key), RequestBody.fromBytes(npy));
        ObjectNode body = Json.MAPPER.createObjectNode().put("name", "readings").put("type", "numpy.ndarray").put("key", key);
        body.set("storage", storage(BUCKET, "lab"));
        TestServer.Reply imported = record(server.post("/api/v1/projects/" + p + "/branches/main/artifacts/import", Json.compact(body)));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        assertThat(imported.json().get("sha256").asText()).isEqualTo(ArtifactsApiTest.sha256(npy));
        String input = imported.json().get("id").asText();
        ArtifactsApiTest.addScalePipeline(server, p, input);
        JsonNode record = server.get("/api/v1/projects/" + p + "/model").json().at("/model/artifacts/" + input);
        assertThat(record.at("/storage/bucket").asText()).isEqualTo(BUCKET);
        assertThat(record.at("/storage/key").asText()).isEqualTo(key);
        return p;
    }

    @Test
    void aPipelineReadsItsInputFromS3AndWritesItsOutputToS3WithoutACredentialInSight() throws Exception {
        String p = project("datasets/readings.npy");
        ObjectNode run = Json.MAPPER.createObjectNode();
        run.set("storage", storage(BUCKET, "lab"));
        TestServer.Reply started = record(server.post("/api/v1/projects/" + p + "/pipelines/pl/executions", Json.compact(run)));
        assertThat(started.status()).as(started.body()).isEqualTo(201);
        String id = started.json().get("id").asText();
        JsonNode done = ExecutionsApiTest.waitFor(server, id);
        responses.add(done.toString());
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("success");

        // the job fetched its input through a short-lived presigned link, written for it alone
        Path bundle = server.dataDir.resolve("runs").resolve(id).resolve("s");
        JsonNode fetch = Json.MAPPER.readTree(bundle.resolve("inputs/values/fetch.json").toFile());
        assertThat(fetch.get("url").asText()).contains("X-Amz-Signature=").contains("X-Amz-Expires=").contains("readings.npy");
        assertThat(Files.readAllBytes(bundle.resolve("inputs/values/data"))).isEqualTo(ArtifactsApiTest.npy());

        // the output is an artifact in the bucket, downloadable with the same sha256
        JsonNode artifacts = record(server.get("/api/v1/projects/" + p + "/model")).json().at("/model/artifacts");
        String made = ArtifactsApiTest.named(artifacts, "scaled");
        JsonNode scaled = artifacts.get(made).get("storage");
        assertThat(scaled.get("adapter").asText()).isEqualTo("s3");
        assertThat(scaled.get("bucket").asText()).isEqualTo(BUCKET);
        assertThat(scaled.get("credentials").asText()).isEqualTo("lab");
        assertThat(plain.headObject(b -> b.bucket(BUCKET).key(scaled.get("key").asText())).contentLength()).isEqualTo(scaled.get("size").asLong());
        var download = server.http.send(HttpRequest.newBuilder(URI.create(
                server.url("/api/v1/projects/" + p + "/artifacts/" + made + "/data"))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(ArtifactsApiTest.sha256(download.body())).isEqualTo(scaled.get("sha256").asText());
        record(server.get("/api/v1/executions/" + id + "/jobs/s/log"));
        record(server.get("/api/v1/projects/" + p + "/artifacts"));
        record(server.get("/api/v1/projects/" + p + "/artifacts/" + made + "/lineage"));
        record(server.get("/api/v1/secrets"));
        record(server.get("/api/v1/storage/adapters"));

        // no credential in any bundle, console log, run database, project history or API response
        try (Stream<Path> files = Files.walk(server.dataDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1)).as(f.toString()).doesNotContain(SECRET);
            }
        }
        for (String body : responses) {
            assertThat(body).doesNotContain(SECRET);
        }
    }

    @Test
    void aWrongKeyAMissingBucketAnUnreachableEndpointAndAnUnknownSecretAreRefusedSayingWhatToFix() throws Exception {
        String p = project("datasets/other.npy");
        record(server.send("PUT", "/api/v1/secrets/wrong", "{\"kind\":\"s3\",\"accessKeyId\":\"" + ACCESS + "\",\"secretAccessKey\":\"not-the-key\"}"));
        String wrong = refusal(p, storage(BUCKET, "wrong"));
        assertThat(wrong).contains("refused the credentials").contains(BUCKET);
        assertThat(refusal(p, storage("no-such-bucket", "lab"))).contains("no-such-bucket").contains("does not exist");
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ObjectNode unreachable = storage(BUCKET, "lab").put("endpoint", "http://127.0.0.1:" + closed);
        assertThat(refusal(p, unreachable)).contains("cannot reach");
        assertThat(refusal(p, storage(BUCKET, "nobody"))).contains("no stored credentials named \"nobody\"");
        assertThat(refusal(p, storage(BUCKET, ""))).contains("choose the credentials");
        assertThat(server.get("/api/v1/projects/" + p + "/executions").json().get("items")).isEmpty();

        ObjectNode badImport = Json.MAPPER.createObjectNode().put("name", "x").put("key", "datasets/none.npy");
        badImport.set("storage", storage(BUCKET, "lab"));
        TestServer.Reply missing = record(server.post("/api/v1/projects/" + p + "/branches/main/artifacts/import", Json.compact(badImport)));
        assertThat(missing.status()).isEqualTo(400);
        badImport.put("key", "../../etc/passwd");
        assertThat(record(server.post("/api/v1/projects/" + p + "/branches/main/artifacts/import", Json.compact(badImport))).status()).isEqualTo(400);
        for (String body : responses) {
            assertThat(body).doesNotContain(SECRET).doesNotContain("not-the-key");
        }
    }

    static String refusal(String project, ObjectNode storage) throws Exception {
        ObjectNode run = Json.MAPPER.createObjectNode();
        run.set("storage", storage);
        TestServer.Reply r = record(server.post("/api/v1/projects/" + project + "/pipelines/pl/executions", Json.compact(run)));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        return r.json().get("error").asText();
    }
}
