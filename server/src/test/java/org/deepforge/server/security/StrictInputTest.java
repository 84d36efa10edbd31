package org.deepforge.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.deepforge.model.Json;
import org.deepforge.server.TestServer;
import org.junit.jupiter.api.Test;

/** The inputs issue #12 found answered with 500 or silently accepted: each is now a 4xx that says what to fix. */
class StrictInputTest {
    record Answer(int status, String error) {}

    static Answer send(TestServer server, String method, String path, String body, String type) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path)));
        if (type != null) {
            b.header("Content-Type", type);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = server.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), Json.MAPPER.readTree(r.body()).path("error").asText(""));
    }

    static Answer json(TestServer server, String method, String path, String body) throws Exception {
        return send(server, method, path, body, "application/json");
    }

    @Test
    void malformedInputIsA4xxNamingWhatToFix() throws Exception {
        try (TestServer server = new TestServer()) {
            String p = "/api/v1/projects/" + server.createProject("Strict");
            String changes = p + "/branches/main/changes";

            assertThat(json(server, "POST", p + "/branches", "{\"name\":\"\\ud800\",\"from\":\"main\"}"))
                    .satisfies(a -> assertThat(a.status()).isEqualTo(400)).satisfies(a -> assertThat(a.error()).contains("surrogate"));
            assertThat(json(server, "POST", p + "/tags", "{\"name\":\"v\\u202e1\",\"ref\":\"main\"}"))
                    .satisfies(a -> assertThat(a.status()).isEqualTo(400)).satisfies(a -> assertThat(a.error()).contains("U+202E"));
            assertThat(json(server, "POST", changes, "{\"patch\":[{\"op\":\"add\",\"path\":\"/pipelines/~2\",\"value\":{}}]}"))
                    .satisfies(a -> assertThat(a.status()).isEqualTo(400)).satisfies(a -> assertThat(a.error()).contains("~0", "~1"));
            for (String op : new String[] {"copy", "move"}) {
                assertThat(json(server, "POST", changes, "{\"patch\":[{\"op\":\"" + op + "\",\"from\":\"\",\"path\":\"/pipelines/p\"}]}"))
                        .satisfies(a -> assertThat(a.status()).isEqualTo(400)).satisfies(a -> assertThat(a.error()).contains("from"));
            }
            assertThat(json(server, "PATCH", p, "{\"description\":\"t\"} garbage").status()).isEqualTo(400);
            assertThat(json(server, "PATCH", p, "{\"description\":\"a\",\"description\":\"b\"}"))
                    .satisfies(a -> assertThat(a.status()).isEqualTo(400)).satisfies(a -> assertThat(a.error()).containsIgnoringCase("duplicate"));
            assertThat(send(server, "PATCH", p, "{\"description\":\"t\"}", "text/plain"))
                    .satisfies(a -> assertThat(a.status()).isEqualTo(415)).satisfies(a -> assertThat(a.error()).contains("application/json"));
            assertThat(send(server, "PATCH", p, "{\"description\":\"t\"}", null).status()).isEqualTo(415);
            assertThat(json(server, "PATCH", p, "{\"name\":\"Evil\\u202egnp.exe\"}").status()).isEqualTo(400);
            assertThat(json(server, "POST", changes, "{\"patch\":[{\"op\":\"add\",\"path\":\"/pipelines/p1\",\"value\":"
                    + "{\"name\":\"a\\u200bb\",\"nodes\":{},\"connections\":{}}}]}").status()).isEqualTo(400);
            for (String q : new String[] {"limit=-1", "limit=0", "limit=501", "limit=abc", "limit=99999999999"}) {
                assertThat(server.get(p + "/commits?" + q).status()).as(q).isEqualTo(400);
            }
            assertThat(server.get(p + "/model?ref=%E2%80%AEmain").status()).isEqualTo(400);
            // what still works: the UI's requests
            assertThat(json(server, "PATCH", p, "{\"description\":\"fine\"}").status()).isEqualTo(200);
            assertThat(send(server, "PATCH", p, "{\"description\":\"fine\"}", "application/json; charset=UTF-8").status()).isEqualTo(200);
            assertThat(server.get(p + "/commits?limit=500").status()).isEqualTo(200);
            assertThat(send(server, "POST", "/api/v1/examples/nope", null, null).status()).isEqualTo(404);
        }
    }
}
