package org.deepforge.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.deepforge.model.Json;

/**
 * A real server on a free loopback port with a fresh data directory, and a small HTTP client for it whose every
 * answer is checked against the server's OpenAPI document.
 */
public final class TestServer implements AutoCloseable {
    public final Path dataDir;
    public final App app;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public TestServer() throws Exception {
        this(Files.createTempDirectory("deepforge-test"));
    }

    public TestServer(Path dataDir) throws Exception {
        this(ServerConfig.builder(dataDir).build());
    }

    public TestServer(ServerConfig config) throws Exception {
        this.dataDir = config.dataDir();
        this.app = App.start(config);
    }

    public String url(String path) {
        return "http://127.0.0.1:" + app.port() + path;
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + app.port() + "/api/v1/ws";
    }

    /** A response with its JSON body parsed (a missing/non-JSON body becomes a missing node). */
    public record Reply(int status, JsonNode json, String body) {}

    public Reply send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60));
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        checkContract(method, path, r);
        JsonNode json;
        try {
            json = r.body().isEmpty() ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            json = com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        return new Reply(r.statusCode(), json, r.body());
    }

    /** Fails the test when the answer is not one the OpenAPI document describes for its route (see {@link Contract}). */
    public void checkContract(String method, String path, HttpResponse<String> r) {
        Contract.of(app).check(method, path, r.statusCode(), r.headers().firstValue("Content-Type"), r.body());
    }

    public Reply get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    public Reply post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    /** Creates a project and returns its id. */
    public String createProject(String name) throws Exception {
        Reply r = post("/api/v1/projects", "{\"name\":\"" + name + "\"}");
        if (r.status() != 201) {
            throw new IllegalStateException("create failed: " + r.body());
        }
        return r.json().get("id").asText();
    }

    public String head(String project, String branch) throws Exception {
        return get("/api/v1/projects/" + project + "/model?ref=" + branch).json().get("commit").asText();
    }

    /** Posts a change set; single quotes in {@code patch} become double quotes. */
    public Reply change(String project, String branch, String base, String patch) throws Exception {
        String body = "{\"base\":" + (base == null ? "null" : "\"" + base + "\"") + ",\"message\":\"test edit\",\"patch\":"
                + patch.replace('\'', '"') + "}";
        return post("/api/v1/projects/" + project + "/branches/" + branch + "/changes", body);
    }

    /** Downloads {@code path} (a zip, e.g. a pipeline export) and unpacks it into {@code dir}; fails on a non-200 answer. */
    public Path unzip(String path, Path dir) throws Exception {
        HttpResponse<byte[]> zip = http.send(HttpRequest.newBuilder(URI.create(url(path))).build(), HttpResponse.BodyHandlers.ofByteArray());
        if (zip.statusCode() != 200) {
            throw new AssertionError("GET " + path + " answered " + zip.statusCode() + ": " + new String(zip.body()));
        }
        try (ZipInputStream in = new ZipInputStream(new ByteArrayInputStream(zip.body()))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                Path f = dir.resolve(e.getName()).normalize();
                if (!f.startsWith(dir)) {
                    throw new AssertionError("the zip names a file outside its folder: " + e.getName());
                }
                Files.createDirectories(f.getParent());
                Files.copy(in, f);
            }
        }
        return dir;
    }

    /** Stops every session (a server's close leaves them running, to reattach), then the server. */
    @Override
    public void close() {
        try {
            for (var project : app.store().list()) {
                app.sessions().list(project.id()).forEach(s -> app.sessions().stop(s.id()));
            }
        } catch (Exception e) {
            throw new IllegalStateException("stopping the test's sessions failed", e);
        } finally {
            app.close();
        }
    }
}
