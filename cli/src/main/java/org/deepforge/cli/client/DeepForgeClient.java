package org.deepforge.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A typed client of the DeepForge REST API ({@code docs/api.md}) over plain HTTP: what the CLI's commands call.
 * Authenticates with {@code Authorization: Bearer <token>} when it has a token (accounts mode) and without in local mode.
 */
public final class DeepForgeClient {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private final URI server;
    private final Optional<String> token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Transfers transfers = new Transfers(this);

    public DeepForgeClient(URI server, Optional<String> token) {
        this.server = server;
        this.token = token;
    }

    public URI server() {
        return server;
    }

    // ---- session and account

    /** {@code {"mode":"local"|"accounts","signup"}}: needs no credentials. */
    public JsonNode authOptions() {
        return get("/auth/options");
    }

    public JsonNode me() {
        return get("/me");
    }

    /**
     * Signs in with a name and password and creates a personal API token (write scope) named {@code tokenName};
     * the session is ended again. Returns the token as {@code POST /me/tokens} answers it (with {@code "token"}).
     */
    public JsonNode createToken(String user, String password, String tokenName) {
        ObjectNode login = MAPPER.createObjectNode().put("name", user).put("password", password);
        HttpResponse<String> r = send(request("/auth/login").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(login.toString())), HttpResponse.BodyHandlers.ofString());
        check(r.statusCode(), r.body());
        String cookie = r.headers().allValues("Set-Cookie").stream().map(c -> c.split(";", 2)[0])
                .filter(c -> c.startsWith("deepforge_session=")).findFirst()
                .orElseThrow(() -> new ApiException(r.statusCode(), "the server signed in without a session cookie"));
        String csrf = parse(r.body()).path("csrf").asText();
        ObjectNode body = MAPPER.createObjectNode().put("name", tokenName).put("scope", "write");
        HttpResponse<String> created = send(request("/me/tokens").header("Cookie", cookie).header("X-CSRF-Token", csrf)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString())),
                HttpResponse.BodyHandlers.ofString());
        check(created.statusCode(), created.body());
        send(request("/auth/logout").header("Cookie", cookie).header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.noBody()), HttpResponse.BodyHandlers.discarding());
        return parse(created.body());
    }

    public void revokeToken(String id) {
        send("DELETE", "/me/tokens/" + segment(id), null);
    }

    // ---- projects

    public JsonNode projects() {
        return get("/projects");
    }

    /** The project a user names, by id or else by name; an unknown or ambiguous name is an error saying so. */
    public JsonNode project(String idOrName) {
        JsonNode all = projects();
        List<JsonNode> byName = new ArrayList<>();
        for (JsonNode p : all) {
            if (p.path("id").asText().equals(idOrName)) {
                return p;
            }
            if (p.path("name").asText().equals(idOrName)) {
                byName.add(p);
            }
        }
        if (byName.size() == 1) {
            return byName.get(0);
        }
        throw new ApiException(404, byName.isEmpty()
                ? "no project \"" + idOrName + "\" (`deepforge projects list` shows the ones you can see)"
                : byName.size() + " projects are named \"" + idOrName + "\": name one by its id (`deepforge projects list`)");
    }

    public JsonNode createProject(String name, Optional<String> description) {
        ObjectNode body = MAPPER.createObjectNode().put("name", name);
        description.ifPresent(d -> body.put("description", d));
        return send("POST", "/projects", body);
    }

    public void deleteProject(String project) {
        send("DELETE", "/projects/" + segment(project), null);
    }

    /** Saves the project as a git bundle at {@code to}. */
    public void exportProject(String project, Path to, Progress progress) {
        transfers.download("/projects/" + segment(project) + "/export", to, "bundle", -1, progress);
    }

    public JsonNode importProject(String name, Path bundle, Progress progress) {
        return transfers.upload("/projects/import?name=" + query(name), bundle, progress);
    }

    /** {@code {"ref","commit","model"}} of a branch, tag or commit (the default branch when empty). */
    public JsonNode model(String project, Optional<String> ref) {
        return get("/projects/" + segment(project) + "/model" + ref.map(r -> "?ref=" + query(r)).orElse(""));
    }

    /** The id of the pipeline a user names, by id or else by name, in the model at {@code ref}. */
    public String pipelineId(String project, Optional<String> ref, String idOrName) {
        JsonNode pipelines = model(project, ref).path("model").path("pipelines");
        if (pipelines.has(idOrName)) {
            return idOrName;
        }
        List<String> ids = new ArrayList<>();
        pipelines.fields().forEachRemaining(e -> {
            if (e.getValue().path("name").asText().equals(idOrName)) {
                ids.add(e.getKey());
            }
        });
        if (ids.size() == 1) {
            return ids.get(0);
        }
        throw new ApiException(404, ids.isEmpty()
                ? "no pipeline \"" + idOrName + "\" in this project (`deepforge pipelines list PROJECT` shows them)"
                : ids.size() + " pipelines are named \"" + idOrName + "\": name one by its id " + ids);
    }

    /** Saves a pipeline as a zip of plain Python at {@code to}. */
    public void exportPipeline(String project, String pipeline, Optional<String> ref, Path to, Progress progress) {
        transfers.download("/projects/" + segment(project) + "/pipelines/" + segment(pipeline) + "/export"
                + ref.map(r -> "?ref=" + query(r)).orElse(""), to, "zip", -1, progress);
    }

    // ---- executions

    /** Starts a pipeline; {@code request} is the body of {@code POST …/executions} (branch, compute, storage, …). */
    public Execution run(String project, String pipeline, ObjectNode request) {
        return Execution.of(send("POST", "/projects/" + segment(project) + "/pipelines/" + segment(pipeline) + "/executions",
                request));
    }

    /**
     * One page of a project's executions, newest first: {@code {"items": [...], "next": <cursor> | null}}.
     * {@code filters} are query parameters (pipeline, status, user, since, until) sent as given.
     */
    public JsonNode executions(String project, Map<String, String> filters, int limit, Optional<String> cursor) {
        StringBuilder q = new StringBuilder("?limit=").append(limit);
        filters.forEach((name, value) -> q.append('&').append(name).append('=').append(query(value)));
        cursor.ifPresent(c -> q.append("&cursor=").append(query(c)));
        return get("/projects/" + segment(project) + "/executions" + q);
    }

    public Execution execution(String id) {
        return Execution.of(get("/executions/" + segment(id)));
    }

    public Execution cancel(String id) {
        return Execution.of(send("POST", "/executions/" + segment(id) + "/cancel", null));
    }

    /** Deletes a finished execution (or with {@code dryRun} says what that would free and keep). */
    public JsonNode deleteExecution(String id, boolean dryRun) {
        return send("DELETE", "/executions/" + segment(id) + (dryRun ? "?dryRun=true" : ""), null);
    }

    /** Deletes executions of a project: {@code request} is {@code {"ids"} or {"filter"}} with {@code "dryRun"}. */
    public JsonNode deleteExecutions(String project, ObjectNode request) {
        return send("POST", "/projects/" + segment(project) + "/executions/delete", request);
    }

    public Execution rerun(String id, ObjectNode request) {
        return Execution.of(send("POST", "/executions/" + segment(id) + "/rerun", request));
    }

    /** Console lines of a job from line {@code from} on. */
    public LogPage log(String execution, String job, long from) {
        JsonNode page = get("/executions/" + segment(execution) + "/jobs/" + segment(job) + "/log?from=" + from);
        List<String> lines = new ArrayList<>();
        page.path("lines").forEach(l -> lines.add(l.asText()));
        return new LogPage(page.path("from").asLong(from), page.path("next").asLong(from + lines.size()), List.copyOf(lines));
    }

    /**
     * Opens the WebSocket and watches an execution: {@code wake} runs on every message about it (job status, console,
     * events, execution status). Empty when the socket cannot be opened or the server refuses the watch.
     */
    public Optional<ExecutionWatch> watch(String execution, Runnable wake) {
        return ExecutionWatch.open(http, URI.create(server.toString().replaceFirst("^http", "ws") + "/api/v1/ws"), token,
                execution, wake);
    }

    // ---- artifacts

    /** Every artifact at {@code ref}, newest first, read a page at a time. */
    public JsonNode artifacts(String project, Optional<String> ref) {
        ArrayNode all = MAPPER.createArrayNode();
        Optional<String> cursor = Optional.empty();
        do {
            JsonNode page = get("/projects/" + segment(project) + "/artifacts?limit=1000" + ref.map(r -> "&ref=" + query(r)).orElse("")
                    + cursor.map(c -> "&cursor=" + query(c)).orElse(""));
            page.path("items").forEach(all::add);
            cursor = Optional.ofNullable(page.path("next").textValue());
        } while (cursor.isPresent());
        return all;
    }

    /** The artifact a user names, by id or else by name (the newest one of that name), at {@code ref}. */
    public JsonNode artifact(String project, Optional<String> ref, String idOrName) {
        JsonNode newest = null;
        for (JsonNode a : artifacts(project, ref)) {
            if (a.path("id").asText().equals(idOrName)) {
                return a;
            }
            if (a.path("name").asText().equals(idOrName)
                    && (newest == null || a.path("created").asText().compareTo(newest.path("created").asText()) > 0)) {
                newest = a;
            }
        }
        if (newest == null) {
            throw new ApiException(404, "no artifact \"" + idOrName + "\" (`deepforge artifacts list PROJECT` shows them)");
        }
        return newest;
    }

    /**
     * Streams an artifact's bytes to {@code to} and checks them against the server's {@code X-Content-SHA256}: the file
     * appears only when they match; a mismatch is an error and leaves nothing behind. {@code format} is {@code original}
     * or {@code portable} (models converted for plain PyTorch, with the converted file's checksum); {@code size}
     * (-1 when unknown) sizes the progress bar, as the server streams without a length.
     */
    public Download downloadArtifact(String project, String artifact, Optional<String> ref, String format, Path to,
            long size, Progress progress) {
        return transfers.download("/projects/" + segment(project) + "/artifacts/" + segment(artifact) + "/data?format=" + query(format)
                + ref.map(r -> "&ref=" + query(r)).orElse(""), to, "artifact", size, progress);
    }

    /** Uploads a file as an artifact on a branch: {@code {"id","commit","name","sha256","size"}}. */
    public JsonNode uploadArtifact(String project, String branch, String name, String type, Path file, Progress progress) {
        return transfers.upload("/projects/" + segment(project) + "/branches/" + segment(branch) + "/artifacts?name=" + query(name)
                + "&type=" + query(type), file, progress);
    }

    /** A finished download: where it is, its size and sha256, and whether the server's checksum confirmed it. */
    public record Download(Path file, long size, String sha256, boolean verified) {}

    // ---- plumbing

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    /** Sends a JSON request (no body when {@code body} is null) and returns the parsed answer (empty for 204). */
    public JsonNode send(String method, String path, JsonNode body) {
        HttpRequest.Builder b = request(path);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        }
        HttpResponse<String> r = send(b, HttpResponse.BodyHandlers.ofString());
        check(r.statusCode(), r.body());
        return r.body().isEmpty() ? MAPPER.createObjectNode() : parse(r.body());
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server + "/api/v1" + path));
        token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
        return b;
    }

    <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request.build(), handler);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new ApiException(0, "cannot reach the DeepForge server at " + server + " (is it running? start one with "
                    + "`deepforge serve`, or name another with --server or DEEPFORGE_SERVER)");
        } catch (IOException e) {
            throw new ApiException(0, "talking to " + server + " failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted");
        }
    }

    /** Turns a 4xx/5xx answer into an {@link ApiException} carrying the server's {@code error}. */
    void check(int status, String body) {
        if (status < 400) {
            return;
        }
        if (status == 401) {
            throw new ApiException(status, token.isPresent()
                    ? "the server " + server + " refused the stored token (expired or revoked?): run `deepforge login`"
                    : "the server " + server + " needs you to sign in: run `deepforge login`");
        }
        String message;
        try {
            JsonNode json = MAPPER.readTree(body);
            message = json.path("error").isTextual() ? json.get("error").asText() : body;
            if (json.path("problems").isArray() && !json.get("problems").isEmpty()) {
                StringBuilder all = new StringBuilder(message);
                json.get("problems").forEach(p -> all.append("\n  ").append(p.path("message").asText(p.toString())));
                message = all.toString();
            } else if (json.has("id") && status >= 500) {
                message += " (incident " + json.get("id").asText() + " in the server's log)";
            }
        } catch (IOException e) {
            message = body.isBlank() ? "HTTP " + status : body.strip();
        }
        throw new ApiException(status, message);
    }

    JsonNode parse(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new ApiException(0, server + " answered something other than JSON; is it a DeepForge server?");
        }
    }

    static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String query(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
