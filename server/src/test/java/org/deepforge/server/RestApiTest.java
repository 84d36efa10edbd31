package org.deepforge.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The REST contract over real HTTP, including what bad input gets back. */
class RestApiTest {
    static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = new TestServer();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void healthAndMe() throws Exception {
        var r = server.get("/api/v1/health");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("status").asText()).isEqualTo("ok");
        assertThat(server.get("/api/v1/me").json().get("mode").asText()).isEqualTo("local");
    }

    @Test
    void projectLifecycle() throws Exception {
        var created = server.post("/api/v1/projects", "{\"name\":\"Digits\",\"description\":\"MNIST-like\"}");
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.json().get("defaultBranch").asText()).isEqualTo("main");
        assertThat(server.get("/api/v1/projects").json().findValuesAsText("id")).contains(id);

        var renamed = server.send("PATCH", "/api/v1/projects/" + id, "{\"name\":\"Digits 2\"}");
        assertThat(renamed.status()).isEqualTo(200);
        assertThat(renamed.json().get("name").asText()).isEqualTo("Digits 2");
        assertThat(server.get("/api/v1/projects/" + id + "/model").json().at("/model/project/name").asText()).isEqualTo("Digits 2");

        assertThat(server.send("DELETE", "/api/v1/projects/" + id, null).status()).isEqualTo(204);
        assertThat(server.get("/api/v1/projects/" + id).status()).isEqualTo(404);
    }

    @Test
    void createNeedsAName() throws Exception {
        assertThat(server.post("/api/v1/projects", "{}").json().get("error").asText()).contains("\"name\" is required");
        assertThat(server.post("/api/v1/projects", "{\"name\":\"  \"}").status()).isEqualTo(400);
        assertThat(server.post("/api/v1/projects", "{\"name\":\"a\\u0000b\"}").status()).isEqualTo(400);
        assertThat(server.post("/api/v1/projects", "[1]").status()).isEqualTo(400);
    }

    @Test
    void changesRebaseOrConflict() throws Exception {
        String p = server.createProject("Edits");
        String base = server.head(p, "main");
        var first = server.change(p, "main", base, "[{'op':'replace','path':'/project/description','value':'one'}]");
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().get("rebased").asBoolean()).isFalse();
        var other = server.change(p, "main", base, "[{'op':'add','path':'/pipelines/p1','value':{'name':'P'}}]");
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.json().get("rebased").asBoolean()).isTrue();
        var conflict = server.change(p, "main", base, "[{'op':'replace','path':'/project/description','value':'two'}]");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("path").asText()).isEqualTo("/project/description");
        assertThat(conflict.json().get("current").asText()).isEqualTo("one");
        assertThat(conflict.json().get("error").asText()).contains("changed by someone else");
        // both values are on record: the first in history, the second in the 409 response we sent back
        var history = server.get("/api/v1/projects/" + p + "/commits?ref=main").json().get("commits");
        assertThat(history).hasSize(3);
    }

    @Test
    void badInputGetsA4xxAndLeavesTheRepositoryUnchanged() throws Exception {
        String p = server.createProject("Bad input");
        String base = server.head(p, "main");
        String changes = "/api/v1/projects/" + p + "/branches/main/changes";
        assertThat(server.post(changes, "{\"base\": \"" + base + "\", \"patch\": [").status()).isEqualTo(400);
        assertThat(server.post(changes, "{\"base\": \"" + base + "\", \"patch\": [").json().get("error").asText())
                .contains("not valid JSON").contains("line 1");
        var missing = server.change(p, "main", base, "[{'op':'replace','path':'/pipelines/nope/name','value':'x'}]");
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.json().get("error").asText()).contains("/pipelines/nope does not exist");
        assertThat(server.change(p, "main", base, "{}").status()).isEqualTo(400);
        assertThat(server.post(changes, "{\"base\":\"" + base + "\"}").json().get("error").asText()).contains("\"patch\" is required");
        assertThat(server.change(p, "main", "0123456789abcdef0123456789abcdef01234567", "[]").status()).isEqualTo(404);
        assertThat(server.change(p, "nobranch", base, "[]").status()).isEqualTo(404);
        assertThat(server.change("nosuchproject", "main", base, "[]").status()).isEqualTo(404);
        assertThat(server.get("/api/v1/projects/" + p + "/model?ref=doesnotexist").status()).isEqualTo(404);
        assertThat(server.get("/api/v1/projects/../etc/model").status()).isIn(400, 404);

        // a 50 MB body is refused before it is read into memory
        String big = "{\"base\":\"" + base + "\",\"patch\":[{\"op\":\"replace\",\"path\":\"/project/description\",\"value\":\""
                + "x".repeat(50 * 1024 * 1024) + "\"}]}";
        var huge = server.post(changes, big);
        assertThat(huge.status()).isEqualTo(413);
        assertThat(huge.json().get("error").asText()).contains("at most");
        assertThat(server.head(p, "main")).isEqualTo(base);
        assertThat(server.get("/api/v1/projects/" + p + "/commits").json().get("commits")).hasSize(1);
    }

    @Test
    void branchNamesAreValidated() throws Exception {
        String p = server.createProject("Branches");
        String branches = "/api/v1/projects/" + p + "/branches";
        for (String bad : List.of("..", "a/../b", "/../x", "a\\u0007b", "x".repeat(300), "with space", "")) {
            var r = server.post(branches, "{\"name\":\"" + bad + "\",\"from\":\"main\"}");
            assertThat(r.status()).as(bad).isEqualTo(400);
            assertThat(r.json().get("error").asText()).as(bad).isNotBlank();
        }
        assertThat(server.get(branches).json()).hasSize(1);
        var ok = server.post(branches, "{\"name\":\"experiment-1\",\"from\":\"main\"}");
        assertThat(ok.status()).isEqualTo(201);
        assertThat(server.post(branches, "{\"name\":\"experiment-1\",\"from\":\"main\"}").status()).isEqualTo(409);
        assertThat(server.post(branches, "{\"name\":\"x\",\"from\":\"nosuchref\"}").status()).isEqualTo(404);
        assertThat(server.send("DELETE", branches + "/main", null).status()).isEqualTo(409);
        assertThat(server.send("DELETE", branches + "/experiment-1", null).status()).isEqualTo(204);
        assertThat(server.send("DELETE", branches + "/experiment-1", null).status()).isEqualTo(404);
    }

    @Test
    void slashBranchesWorkWhenEncoded() throws Exception {
        String p = server.createProject("Slashes");
        assertThat(server.post("/api/v1/projects/" + p + "/branches", "{\"name\":\"feature/a\",\"from\":\"main\"}").status()).isEqualTo(201);
        String enc = URLEncoder.encode("feature/a", StandardCharsets.UTF_8);
        var r = server.change(p, enc, null, "[{'op':'replace','path':'/project/description','value':'on feature'}]");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(server.get("/api/v1/projects/" + p + "/model?ref=" + enc).json().at("/model/project/description").asText())
                .isEqualTo("on feature");
        assertThat(server.send("DELETE", "/api/v1/projects/" + p + "/branches/" + enc, null).status()).isEqualTo(204);
    }

    @Test
    void historyDiffTagsMergeAndRevert() throws Exception {
        String p = server.createProject("VC");
        String root = server.head(p, "main");
        String api = "/api/v1/projects/" + p;
        assertThat(server.post(api + "/branches", "{\"name\":\"feature\",\"from\":\"" + root + "\"}").status()).isEqualTo(201);
        server.change(p, "feature", null, "[{'op':'add','path':'/pipelines/f','value':{'name':'F'}}]");
        String added = server.change(p, "main", null, "[{'op':'add','path':'/pipelines/m','value':{'name':'M'}}]").json().get("commit").asText();

        var diff = server.get(api + "/diff?from=" + root + "&to=main").json();
        assertThat(diff.get("entities").get(0).get("id").asText()).isEqualTo("m");
        assertThat(diff.get("entities").get(0).get("status").asText()).isEqualTo("added");
        assertThat(server.get(api + "/diff?from=" + root).status()).isEqualTo(400);

        var merge = server.post(api + "/merge", "{\"from\":\"feature\",\"into\":\"main\"}");
        assertThat(merge.status()).isEqualTo(200);
        var model = server.get(api + "/model?ref=main").json().get("model");
        assertThat(model.at("/pipelines/f/name").asText()).isEqualTo("F");

        assertThat(server.post(api + "/revert", "{\"commit\":\"" + added + "\",\"branch\":\"main\"}").status()).isEqualTo(200);
        assertThat(server.get(api + "/model?ref=main").json().at("/model/pipelines").has("m")).isFalse();

        assertThat(server.post(api + "/tags", "{\"name\":\"v1\",\"ref\":\"main\"}").status()).isEqualTo(201);
        assertThat(server.get(api + "/tags").json().get("items").get(0).get("name").asText()).isEqualTo("v1");
        assertThat(server.get(api + "/model?ref=v1").status()).isEqualTo(200);
        assertThat(server.post(api + "/tags", "{\"name\":\"v0\",\"ref\":\"main\"}").status()).isEqualTo(201);
        assertThat(server.send("DELETE", api + "/tags/v0", null).status()).isEqualTo(204);
        assertThat(server.get(api + "/tags").json().get("items").findValuesAsText("name")).containsExactly("v1");

        var page = server.get(api + "/commits?ref=main&limit=2").json();
        assertThat(page.get("commits")).hasSize(2);
        var next = server.get(api + "/commits?ref=main&limit=2&after=" + page.get("next").asText()).json();
        assertThat(next.get("commits").get(0).get("id").asText()).isNotEqualTo(page.get("commits").get(1).get("id").asText());
        assertThat(server.get(api + "/commits?limit=abc").status()).isEqualTo(400);

        server.change(p, "feature", null, "[{'op':'replace','path':'/project/description','value':'F'}]");
        server.change(p, "main", null, "[{'op':'replace','path':'/project/description','value':'M'}]");
        var conflict = server.post(api + "/merge", "{\"from\":\"feature\",\"into\":\"main\"}");
        assertThat(conflict.status()).isEqualTo(409);
        assertThat(conflict.json().get("conflicts").get(0).get("path").asText()).isEqualTo("/project/description");
    }

    @Test
    void exportedBundleClonesWithGitAndImports(@TempDir Path tmp) throws Exception {
        String p = server.createProject("Export me");
        server.change(p, "main", null, "[{'op':'add','path':'/utils/helpers','value':{'code':'def f():\\n    return 1\\n'}}]");
        HttpResponse<byte[]> r = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/" + p + "/export"))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition").orElse("")).contains("Export-me.bundle");
        Path bundle = tmp.resolve("p.bundle");
        Files.write(bundle, r.body());
        Process git = new ProcessBuilder("git", "clone", "-q", bundle.toString(), tmp.resolve("c").toString()).inheritIO().start();
        assertThat(git.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(git.exitValue()).isZero();
        assertThat(Files.readString(tmp.resolve("c/utils/helpers.py"))).isEqualTo("def f():\n    return 1\n");

        HttpResponse<String> imported = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/import?name=Imported")))
                .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(r.body())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(imported.statusCode()).as(imported.body()).isEqualTo(201);
        assertThat(imported.body()).contains("\"name\":\"Imported\"");
        HttpResponse<String> garbage = server.http.send(HttpRequest.newBuilder(URI.create(server.url("/api/v1/projects/import")))
                .POST(HttpRequest.BodyPublishers.ofString("garbage")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(garbage.statusCode()).isEqualTo(400);
    }

    @Test
    void unknownApiRoutesAreJson404sAndOtherPathsServeTheApp() throws Exception {
        var r = server.get("/api/v1/nothing-here");
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("error").asText()).contains("no such route");
        var page = server.get("/p/abc/main/pipelines");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("<div id=\"root\"");
    }
}
