package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Adapter credentials: stored sealed, listed by name only, never read back or written in clear. */
class SecretsApiTest {
    static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY-" + System.nanoTime();
    static TestServer server;
    static final List<String> bodies = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static TestServer.Reply send(String method, String path, String body) throws Exception {
        TestServer.Reply r = server.send(method, path, body);
        bodies.add(r.body());
        return r;
    }

    @Test
    void aSecretIsStoredSealedListedByNameAndNeverShown() throws Exception {
        TestServer.Reply put = send("PUT", "/api/v1/secrets/lab-s3",
                "{\"kind\":\"s3\",\"accessKeyId\":\"AKIDLAB\",\"secretAccessKey\":\"" + SECRET + "\"}");
        assertThat(put.status()).isEqualTo(200);
        TestServer.Reply list = send("GET", "/api/v1/secrets", null);
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().get(0).get("name").asText()).isEqualTo("lab-s3");
        assertThat(list.json().get(0).get("kind").asText()).isEqualTo("s3");
        assertThat(list.json().get(0).get("fields").toString()).contains("secretAccessKey");

        // replacing keeps one entry
        assertThat(send("PUT", "/api/v1/secrets/lab-s3",
                "{\"kind\":\"s3\",\"accessKeyId\":\"AKIDLAB\",\"secretAccessKey\":\"" + SECRET + "\"}").status()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/secrets", null).json().size()).isEqualTo(1);

        for (String body : bodies) {
            assertThat(body).doesNotContain(SECRET);
        }
        // at rest: neither the database nor its write-ahead log holds the value in clear
        try (var files = Files.list(server.dataDir)) {
            for (var f : files.filter(Files::isRegularFile).toList()) {
                assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
                        .as(f.toString()).doesNotContain(SECRET);
            }
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.dataDir.resolve("secrets.key"))))
                .isEqualTo("rw-------");
    }

    @Test
    void badSecretsAreRefusedWithWhatToFix() throws Exception {
        TestServer.Reply badName = send("PUT", "/api/v1/secrets/..%2Fx", "{\"kind\":\"s3\",\"accessKeyId\":\"a\",\"secretAccessKey\":\"b\"}");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().path("error").asText()).contains("name");
        TestServer.Reply badKind = send("PUT", "/api/v1/secrets/x", "{\"kind\":\"ftp\"}");
        assertThat(badKind.status()).isEqualTo(400);
        assertThat(badKind.json().path("error").asText()).contains("known kinds: s3");
        TestServer.Reply missing = send("PUT", "/api/v1/secrets/x", "{\"kind\":\"s3\",\"accessKeyId\":\"a\"}");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().path("error").asText()).contains("secretAccessKey");
        assertThat(send("PUT", "/api/v1/secrets/x", "{not json").status()).isEqualTo(400);
        assertThat(send("GET", "/api/v1/secrets", null).json().toString()).doesNotContain("\"x\"");
    }

    @Test
    void deletingTwiceSaysThereIsNothingLeft() throws Exception {
        send("PUT", "/api/v1/secrets/gone", "{\"kind\":\"s3\",\"accessKeyId\":\"a\",\"secretAccessKey\":\"b\"}");
        assertThat(send("DELETE", "/api/v1/secrets/gone", null).status()).isEqualTo(204);
        TestServer.Reply again = send("DELETE", "/api/v1/secrets/gone", null);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.json().path("error").asText()).contains("no secret named \"gone\"");
    }

    @Test
    void theAdaptersAreListedWithTheirSchemas() throws Exception {
        TestServer.Reply compute = send("GET", "/api/v1/compute/adapters", null);
        assertThat(compute.json().findValuesAsText("name")).contains("local");
        TestServer.Reply storage = send("GET", "/api/v1/storage/adapters", null);
        assertThat(storage.json().findValuesAsText("name")).contains("local");
    }

    @Test
    void theSecretFormsFieldsComeFromTheAdaptersDeclarations() throws Exception {
        TestServer.Reply kinds = send("GET", "/api/v1/secret-kinds", null);
        assertThat(kinds.status()).isEqualTo(200);
        assertThat(kinds.json().findValuesAsText("kind")).containsExactly("s3");
        JsonNode s3 = kinds.json().get(0);
        assertThat(s3.get("title").asText()).isEqualTo("S3 credentials");
        assertThat(s3.get("fields").findValuesAsText("name")).containsExactly("accessKeyId", "secretAccessKey");
        assertThat(s3.get("fields").findValuesAsText("label")).containsExactly("Access key id", "Secret access key");
        assertThat(s3.at("/fields/0/secret").asBoolean()).isFalse();
        assertThat(s3.at("/fields/1/secret").asBoolean()).isTrue();
        // the storage listing carries the same kind beside the option that names it
        TestServer.Reply storage = send("GET", "/api/v1/storage/adapters", null);
        JsonNode bucket = storage.json().findParents("name").stream().filter(a -> a.get("name").asText().equals("s3")).findFirst().orElseThrow();
        assertThat(bucket.at("/schema/properties/credentials/x-secret-kind").asText()).isEqualTo("s3");
        assertThat(bucket.get("secret")).isEqualTo(s3);
    }
}
