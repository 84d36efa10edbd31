package org.deepforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.deepforge.model.Json;
import org.deepforge.server.App;
import org.deepforge.server.ServerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python client ({@code python/client}) end to end: real {@code /usr/bin/python3} scripts against a real
 * in-process server, in local and accounts mode; its routes against the server's OpenAPI document; and
 * its offline installation with pip.
 */
class PythonClientE2ETest {
    static final String PYTHON = "/usr/bin/python3";
    static final Path ROOT = repositoryRoot();
    static App server;

    @BeforeAll
    static void start() throws Exception {
        server = App.start(ServerConfig.builder(Files.createTempDirectory("client-e2e")).build());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static String url(App app) {
        return "http://127.0.0.1:" + app.port();
    }

    /** The checkout's root: the first folder above the module's that holds the client. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("python/client/pyproject.toml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no python/client/pyproject.toml above " + Path.of("").toAbsolutePath());
    }

    record Run(int code, String output) {}

    /** Runs Debian's Python with the client on its path (unless {@code env} sets PYTHONPATH) and returns exit code and output. */
    static Run python(Path dir, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(PYTHON, "-u"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Path log = Files.createTempFile(dir, "python", ".log");
        builder.redirectOutput(log.toFile());
        builder.environment().remove("DEEPFORGE_TOKEN");
        builder.environment().put("PYTHONPATH", ROOT.resolve("python/client").toString());
        builder.environment().put("MPLBACKEND", "Agg");
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("python " + String.join(" ", args) + " did not finish in 15 minutes: " + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        System.out.println("python " + String.join(" ", args) + " exited " + process.exitValue() + ":\n" + output);
        return new Run(process.exitValue(), output);
    }

    static String script(String name) {
        return ROOT.resolve("cli/src/test/python/" + name).toString();
    }

    @Test
    void aScriptTrainsTheDigitsFollowingTheConsoleReadsMetricsAsNumbersAndMovesArtifacts(@TempDir Path tmp) throws Exception {
        Run run = python(tmp, Map.of("DEEPFORGE_SERVER", url(server)), script("client_digits_e2e.py"));
        assertThat(run.code()).as(run.output()).isZero();
        assertThat(run.output())
                .contains("conflict: ")
                .containsPattern("\\[Train\\] epoch 1: loss \\d+\\.\\d{4}")
                .containsPattern("\\[Train\\] epoch 2: loss \\d+\\.\\d{4}")
                .contains("status success")
                .containsPattern("loss values \\[\\d+\\.\\d+, \\d+\\.\\d+\\]")
                .containsPattern("downloaded myModel\\.\\w+ \\d+ bytes, sha256 [0-9a-f]{64} verified")
                .contains("uploaded notes 1000000 bytes")
                .contains("[GetData] ValueError: GetData: test_fraction must lie between 0 and 1")
                .containsPattern("failed as expected: execution \\w+ failed: job n1 \\(GetData\\) failed: .*test_fraction")
                .contains("E2E OK");
        // every console line once: the epoch lines appear exactly once each
        assertThat(run.output().split("\\[Train\\] epoch 1: loss", -1)).hasSize(2);
    }

    @Test
    void inAccountsModeNoTokenIsUnauthorizedAndATokenFromTheRestApiWorks(@TempDir Path tmp) throws Exception {
        try (App accounts = App.start(ServerConfig.builder(Files.createTempDirectory("client-accounts")).accounts(true, true).build())) {
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> signup = post(http, url(accounts) + "/api/v1/auth/signup", Map.of(),
                    "{\"name\":\"ada\",\"password\":\"a long password 1\"}", 201);
            String session = signup.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
            String csrf = Json.MAPPER.readTree(signup.body()).get("csrf").asText();
            JsonNode token = Json.MAPPER.readTree(post(http, url(accounts) + "/api/v1/me/tokens", Map.of("Cookie", session, "X-CSRF-Token", csrf),
                    "{\"name\":\"scripts\",\"scope\":\"write\"}", 201).body());
            Run run = python(tmp, Map.of("DEEPFORGE_SERVER", url(accounts), "E2E_TOKEN", token.get("token").asText()),
                    script("client_accounts_e2e.py"));
            assertThat(run.code()).as(run.output()).isZero();
            assertThat(run.output()).contains("without token: 401").contains("wrong token: 401")
                    .contains("with token: ada created scripted").contains("ACCOUNTS OK");
        }
    }

    static HttpResponse<String> post(HttpClient http, String url, Map<String, String> headers, String body, int expected)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url + ": " + response.body()).isEqualTo(expected);
        return response;
    }

    /**
     * Every (method, path) in the client's ROUTES table is an operation of the served OpenAPI document
     * (parameter names aside). Skipped only while the server has no {@code /api/v1/openapi.json} (404).
     */
    @Test
    void everyRouteTheClientCallsIsInTheOpenApiDocument(@TempDir Path tmp) throws Exception {
        HttpResponse<String> served = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(url(server) + "/api/v1/openapi.json")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(served.statusCode()).as(served.body()).isEqualTo(200);
        JsonNode document = Json.MAPPER.readTree(served.body());
        JsonNode paths = document.get("paths");
        assertThat(paths).as("the document's paths").isNotNull();
        // paths may be written relative to a server URL such as "/api/v1"
        String base = URI.create(document.path("servers").path(0).path("url").asText("")).getPath();
        String prefix = base == null ? "" : base.replaceAll("/$", "");

        Run routes = python(tmp, Map.of(), "-c", "import json, deepforge_client; print(json.dumps(deepforge_client.ROUTES))");
        assertThat(routes.code()).as(routes.output()).isZero();
        JsonNode table = Json.MAPPER.readTree(routes.output());
        assertThat(table.size()).isGreaterThan(15);
        List<String> missing = new ArrayList<>();
        table.fields().forEachRemaining(route -> {
            String method = route.getValue().get(0).asText().toLowerCase();
            String path = template(route.getValue().get(1).asText());
            boolean found = false;
            for (var it = paths.fields(); it.hasNext(); ) {
                var entry = it.next();
                String key = entry.getKey().startsWith("/api/") ? entry.getKey() : prefix + entry.getKey();
                found |= template(key).equals(path) && entry.getValue().has(method);
            }
            if (!found) {
                missing.add(route.getKey() + ": " + method.toUpperCase() + " " + route.getValue().get(1).asText());
            }
        });
        assertThat(missing).as("client routes missing from openapi.json").isEmpty();
    }

    /** A path template with its parameter names blanked: {@code /projects/{p}} and {@code /projects/{project}} are one route. */
    static String template(String path) {
        return path.replaceAll("\\{[^}/]+}", "{}");
    }

    @Test
    void theClientInstallsOfflineWithPipAndImports(@TempDir Path tmp) throws Exception {
        Path source = tmp.resolve("client");
        try (Stream<Path> files = Files.walk(ROOT.resolve("python/client"))) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String relative = ROOT.resolve("python/client").relativize(f).toString();
                if (relative.startsWith("build") || relative.contains(".egg-info") || relative.contains("__pycache__")) {
                    continue;
                }
                Path to = source.resolve(relative);
                if (Files.isDirectory(f)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(f, to);
                }
            }
        }
        Path site = tmp.resolve("site");
        Run install = python(tmp, Map.of("PYTHONPATH", "", "PIP_NO_INPUT", "1"), "-m", "pip", "install", "--no-build-isolation",
                "--no-index", "--no-cache-dir", "--disable-pip-version-check", "--target", site.toString(), source.toString());
        assertThat(install.code()).as(install.output()).isZero();
        assertThat(site.resolve("deepforge_client/py.typed")).exists();
        Run imported = python(tmp, Map.of("PYTHONPATH", site.toString()), "-c",
                "import deepforge_client as c; print(c.__file__, c.__version__, c.Client('http://127.0.0.1:1'))");
        assertThat(imported.code()).as(imported.output()).isZero();
        assertThat(imported.output()).startsWith(site.resolve("deepforge_client/__init__.py").toString())
                .contains("0.1.0 Client('http://127.0.0.1:1')");
    }
}
