package org.deepforge.server.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deepforge.model.Json;
import org.deepforge.server.TestServer;

/**
 * An HTTP client acting as one identity against an accounts-mode server: anonymous, a browser session
 * (cookie + CSRF header, as the UI sends them) or a bearer token. Every reply body is kept so tests can
 * check that no secret ever appears in one.
 */
public final class Agent {
    /** Every response body any agent received (token creation replies are marked: they carry the token once). */
    public static final List<String> BODIES = new CopyOnWriteArrayList<>();

    public record Reply(int status, JsonNode json, String body, HttpHeaders headers) {
        public String error() {
            return json.path("error").asText("");
        }
    }

    final TestServer server;
    final String label;
    volatile String cookie;
    volatile String csrf;
    volatile String bearer;

    private Agent(TestServer server, String label) {
        this.server = server;
        this.label = label;
    }

    public static Agent anonymous(TestServer server) {
        return new Agent(server, "anonymous");
    }

    public static Agent bearer(TestServer server, String label, String token) {
        Agent a = new Agent(server, label);
        a.bearer = token;
        return a;
    }

    /** Signs up (when {@code signup}) or signs in, keeping the session cookie and CSRF token. */
    public static Agent session(TestServer server, String name, String password, boolean signup) throws Exception {
        Agent a = new Agent(server, name);
        Reply r = a.send("POST", signup ? "/api/v1/auth/signup" : "/api/v1/auth/login",
                Json.compact(Json.MAPPER.createObjectNode().put("name", name).put("password", password)));
        if (r.status() != (signup ? 201 : 200)) {
            throw new IllegalStateException("sign-in of " + name + " failed: " + r.status() + " " + r.body());
        }
        return a;
    }

    public String label() {
        return label;
    }

    public String sessionCookie() {
        return cookie;
    }

    public String csrf() {
        return csrf;
    }

    public void setCsrf(String csrf) {
        this.csrf = csrf;
    }

    public void setCookie(String cookie) {
        this.cookie = cookie;
    }

    public Reply get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    public Reply post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    public Reply send(String method, String path, String body) throws IOException, InterruptedException {
        return send(method, path, body, "application/json");
    }

    public Reply send(String method, String path, String body, String contentType) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path);
        if (body == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return exchange(b);
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url(path))).timeout(Duration.ofSeconds(60));
        if (cookie != null) {
            b.header("Cookie", "deepforge_session=" + cookie);
        }
        if (csrf != null) {
            b.header("X-CSRF-Token", csrf);
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        return b;
    }

    public Reply exchange(HttpRequest.Builder b) throws IOException, InterruptedException {
        HttpRequest request = b.build();
        HttpResponse<String> r = server.http.send(request, HttpResponse.BodyHandlers.ofString());
        server.checkContract(request.method(), request.uri().getRawPath(), r);
        JsonNode json;
        try {
            json = r.body().isEmpty() ? MissingNode.getInstance() : Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            json = MissingNode.getInstance();
        }
        boolean tokenCreation = request.method().equals("POST") && request.uri().getPath().equals("/api/v1/me/tokens") && r.statusCode() == 201;
        BODIES.add((tokenCreation ? "TOKEN-CREATION " : "") + r.body());
        for (String setCookie : r.headers().allValues("Set-Cookie")) {
            if (setCookie.startsWith("deepforge_session=")) {
                String v = setCookie.substring("deepforge_session=".length(), setCookie.indexOf(';'));
                cookie = v.isEmpty() ? null : v;
            }
        }
        if (json.hasNonNull("csrf")) {
            csrf = json.get("csrf").asText();
        }
        return new Reply(r.statusCode(), json, r.body(), r.headers());
    }

    /** Opens a WebSocket with this agent's credentials; empty with the HTTP status when the upgrade is refused. */
    public Optional<WsClient> websocket() throws Exception {
        WsClient client = new WsClient();
        WebSocket.Builder b = server.http.newWebSocketBuilder();
        if (cookie != null) {
            b.header("Cookie", "deepforge_session=" + cookie);
        }
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        try {
            client.ws = b.buildAsync(URI.create(server.wsUrl()), client).get(10, java.util.concurrent.TimeUnit.SECONDS);
            return Optional.of(client);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.net.http.WebSocketHandshakeException h) {
                client.refusedWith = h.getResponse().statusCode();
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Queues what the server sends. */
    public static final class WsClient implements WebSocket.Listener, AutoCloseable {
        public final java.util.concurrent.BlockingQueue<JsonNode> inbox = new java.util.concurrent.LinkedBlockingQueue<>();
        final StringBuilder partial = new StringBuilder();
        WebSocket ws;
        int refusedWith;

        @Override
        public java.util.concurrent.CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                try {
                    inbox.add(Json.MAPPER.readTree(partial.toString()));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public java.util.concurrent.CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closedWith = statusCode;
            return null;
        }

        volatile int closedWith = -1;

        public boolean closed() {
            return closedWith >= 0 || ws.isInputClosed();
        }

        public void send(String json) throws Exception {
            ws.sendText(json.replace('\'', '"'), true).get(10, java.util.concurrent.TimeUnit.SECONDS);
        }

        /** The next message that is one of {@code types}, or null after 10 s. */
        public JsonNode next(String... types) throws InterruptedException {
            long end = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < end) {
                JsonNode m = inbox.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (m != null && List.of(types).contains(m.path("type").asText())) {
                    return m;
                }
            }
            return null;
        }

        @Override
        public void close() {
            if (ws != null) {
                ws.abort();
            }
        }
    }

    /** A fresh accounts-mode server on loopback with one administrator created the way the CLI does. */
    public static TestServer accountsServer(boolean signup, String admin, String adminPassword) throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("deepforge-accounts");
        org.deepforge.server.auth.Accounts accounts = new org.deepforge.server.auth.Accounts(
                new org.deepforge.server.db.Database(dir.resolve("deepforge.db")));
        accounts.create(admin, "", adminPassword, true);
        return new TestServer(org.deepforge.server.ServerConfig.builder(dir).accounts(true, signup).build());
    }

    static HttpClient client() {
        return HttpClient.newHttpClient();
    }
}
