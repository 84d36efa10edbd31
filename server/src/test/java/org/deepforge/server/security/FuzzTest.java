package org.deepforge.server.security;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.deepforge.model.Json;
import org.deepforge.server.TestServer;
import org.deepforge.server.api.Route;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of every route in the route table (read from the running server, so a new route is
 * fuzzed without touching this test) and of the HTTP layer under it: malformed JSON, wrong types, huge
 * values, wrong content types, trailing data, repeated keys, lone surrogates and bidi controls in path
 * parameters, query parameters and bodies, plus malformed HTTP over a raw socket. Every answer must be
 * below 500, and every 4xx a JSON body with an "error" that says something. Afterwards every project
 * repository passes {@code git fsck --full} and nothing named by a payload exists outside the data
 * directory. Replay a failure with {@code -Dfuzz.seed=<the printed seed>}.
 */
class FuzzTest {
    static final String PW = "correct horse battery staple";
    /** Every name a payload could make the server write carries this marker, so a stray file can be found. */
    static final String MARK = "fuzzmark";

    record Outcome(String request, int status, String body) {}

    @Test
    void aThousandMalformedRequestsAcrossEveryRouteGetA4xxJsonErrorAndNoRepositoryIsHurt() throws Exception {
        long seed = Long.getLong("fuzz.seed", 20260412L);
        System.out.println("FuzzTest seed " + seed + " (replay with -Dfuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        List<Outcome> outcomes = new ArrayList<>();
        try (TestServer server = Agent.accountsServer(true, "root", PW)) {
            Agent owner = Agent.session(server, "olivia", PW, true);
            String project = owner.post("/api/v1/projects", "{\"name\":\"Fuzz\"}").json().get("id").asText();
            String decoy = owner.post("/api/v1/projects", "{\"name\":\"Decoy\"}").json().get("id").asText();
            assertThat(owner.post("/api/v1/projects/" + project + "/branches", "{\"name\":\"side\",\"from\":\"main\"}").status())
                    .isEqualTo(201);

            List<Route> routes = server.app.routes();
            assertThat(routes).hasSizeGreaterThan(50);
            for (Route route : routes) {
                for (Request r : requests(route, project, decoy, random)) {
                    outcomes.add(send(owner, r));
                }
            }
            for (Map.Entry<String, byte[]> raw : rawRequests(project).entrySet()) {
                outcomes.add(raw(server.app.port(), raw.getKey(), raw.getValue()));
            }
            // the session must have survived (logout and password routes were fuzzed with a throwaway agent)
            assertThat(owner.get("/api/v1/projects/" + project).status()).isEqualTo(200);

            List<String> failures = new ArrayList<>();
            int clientErrors = 0;
            for (Outcome o : outcomes) {
                if (o.status() >= 500 || o.status() < 100) {
                    failures.add(o.status() + " for " + o.request() + ": " + clip(o.body()));
                } else if (o.status() >= 400) {
                    clientErrors++;
                    String error = errorOf(o.body());
                    if (error.isBlank()) {
                        failures.add(o.status() + " without a JSON error for " + o.request() + ": " + clip(o.body()));
                    }
                }
            }
            System.out.printf("FuzzTest: %d requests over %d routes, %d answered 4xx, %d failures%n",
                    outcomes.size(), routes.size(), clientErrors, failures.size());
            assertThat(failures).as("seed " + seed).isEmpty();
            assertThat(outcomes.size()).isGreaterThanOrEqualTo(1000);

            try (Stream<Path> repos = Files.list(server.dataDir.resolve("projects"))) {
                for (Path repo : repos.filter(p -> p.getFileName().toString().endsWith(".git")).toList()) {
                    assertThat(fsck(repo)).as("git fsck --full of " + repo).isEmpty();
                }
            }
            assertThat(strayFiles(server.dataDir)).as("files named by a payload outside the data directory").isEmpty();
        }
    }

    /** One request to make: method, path (already percent-encoded), body bytes (null: none), content type. */
    record Request(String method, String path, byte[] body, String contentType) {
        String describe() {
            String b = body == null ? "" : " " + clip(new String(body, StandardCharsets.UTF_8));
            return method + " " + clip(path) + (contentType == null ? "" : " [" + contentType + "]") + b;
        }
    }

    static final List<String> BAD_SEGMENTS = List.of(
            "..%2F..%2F" + MARK, "..%5C..%5C" + MARK, "%00" + MARK, "%ED%A0%80", "a%E2%80%AEb" + MARK, "%E2%80%8B" + MARK,
            "x".repeat(3000), "%25", "%C0%AF" + MARK, "%FF%FE", "~" + MARK, "%F0%9F%98%80", "..", "%2E%2E", " " + MARK,
            "%0D%0AX-Injected:%201");

    static final List<String> BAD_QUERIES = List.of(
            "limit=-1", "limit=0", "limit=abc", "limit=99999999999", "limit=1000000", "offset=-5", "offset=x", "from=-1",
            "ref=%ED%A0%80", "ref=..%2F..%2F" + MARK, "ref=a%E2%80%AEb", "ref=" + "f".repeat(5000), "name=%00" + MARK,
            "name=a%E2%80%AEb" + MARK, "storage=%7Bbad", "storage=%7B%22adapter%22%3A%22..%2F" + MARK + "%22%7D",
            "inputs=%FF", "after=" + "z".repeat(300), "branch=%ED%A0%80", "type=..%2F" + MARK, "data=%E2%80%AE",
            "%E2%80%AE=1", "to=%00", "limit=1&limit=-1");

    static final List<String> FIELDS = List.of("name", "from", "ref", "branch", "into", "commit", "message", "patch", "base",
            "description", "role", "public", "password", "old", "scope", "expires", "expiresInDays", "to", "code", "edit",
            "kind", "key", "storage", "compute", "type", "source", "input_shape", "email", "admin", "ignoreCache",
            "ignoreCacheJobs", "empty", "accessKeyId", "secretAccessKey", "factory", "layers", "connections");

    static final List<String> BAD_VALUES = List.of("\"\\ud800\"", "\"a\\udc00b\"", "\"a\\u202eb" + MARK + "\"",
            "\"\\u2066x\\u2069\"", "\"a\\u200bb\"", "\"\\u0000\"", "12", "-1", "1e400", "true", "[]", "{}", "null",
            "[1,[2,[3]]]", "\"../../" + MARK + "\"", "\"" + "w".repeat(70_000) + "\"", "{\"adapter\":\"../" + MARK + "\"}",
            "99999999999999999999999999", "\"refs/heads/../../" + MARK + "\"");

    static final List<String> BAD_BODIES = List.of("{", "}", "[]", "\"just a string\"", "null", "42", "{\"a\":1} garbage",
            "{\"a\":1}{\"b\":2}", "{\"name\":\"a\",\"name\":\"b\"}", "{\"a\":1,}", "{'a':1}", "{\"a\":NaN}", "{\"a\":01}",
            "{\"a\":\"\\x\"}", "{\"a\":\"\\ud800\"}", "{\"\\ud800\":1}", "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
            "{\"a\":\"unterminated", "\uFEFF{}", "{\"a\":1}\u0000", " ", "{\"name\":\"x\"} // comment",
            "{\"patch\":[{\"op\":\"add\",\"path\":\"/pipelines/~2\",\"value\":{}}]}",
            "{\"patch\":[{\"op\":\"copy\",\"from\":\"\",\"path\":\"/pipelines/p\"}]}",
            "{\"patch\":[{\"op\":\"move\",\"from\":\"\",\"path\":\"/project/x\"}]}",
            "{\"patch\":[{\"op\":\"move\",\"from\":\"/project\",\"path\":\"/project/name/x\"}]}",
            "{\"patch\":[{\"op\":\"replace\",\"path\":\"/project/name\",\"value\":\"a\\u202eb\"}]}",
            "{\"patch\":[{\"op\":\"replace\",\"path\":\"/project/name~\",\"value\":\"x\"}]}",
            "{\"patch\":[{\"op\":\"add\",\"path\":\"/pipelines/p1\",\"value\":{\"name\":\"\\u2067\",\"nodes\":{},\"connections\":{}}}]}",
            "{\"patch\":[{\"op\":\"remove\",\"path\":\"/\"}]}", "{\"patch\":[{\"op\":\"test\",\"path\":\"/a/~\",\"value\":1}]}",
            "{\"patch\":{\"op\":\"add\"}}", "{\"patch\":[null,1,\"x\"]}", "{\"edit\":{\"action\":\"\\ud800\"}}",
            "{\"source\":{\"torchvision\":\"../" + MARK + "\"},\"name\":\"m\",\"input_shape\":[-1,1e9]}",
            "{\"name\":\"x\",\"layers\":{\"l\":{\"type\":\"Conv2d\",\"arguments\":{\"kernel_size\":-5}}},\"connections\":[]}");

    static final List<String> BAD_TYPES = List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
            "application/json; charset=latin1", "application/xml", "", "application/json;;;", "\u00e9/\u00e9");

    static List<Request> requests(Route route, String project, String decoy, Random random) {
        String method = route.method().name();
        List<String> params = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(route.path());
        while (m.find()) {
            params.add(m.group(1));
        }
        // DELETE routes get the decoy project, so fuzzing never deletes the project that the rest runs against
        Map<String, String> good = new LinkedHashMap<>();
        for (String p : params) {
            good.put(p, switch (p) {
                case "project" -> method.equals("DELETE") ? decoy : project;
                case "branch" -> "side";
                case "adapter" -> "local";
                case "name" -> route.path().contains("/secrets/") ? "nosuchsecret" : "NoSuchOp";
                default -> "nosuch" + p;
            });
        }
        List<Request> out = new ArrayList<>();
        boolean takesBody = !method.equals("GET") && !method.equals("DELETE");
        String json = "{\"name\":\"x\"}";
        // bad path parameters, one parameter at a time
        for (String p : params) {
            for (String bad : pick(BAD_SEGMENTS, 6, random)) {
                Map<String, String> values = new LinkedHashMap<>(good);
                values.put(p, bad);
                out.add(new Request(method, fill(route.path(), values), takesBody ? bytes(json) : null, takesBody ? "application/json" : null));
            }
        }
        // bad query parameters
        for (String q : pick(BAD_QUERIES, 6, random)) {
            out.add(new Request(method, fill(route.path(), good) + "?" + q, takesBody ? bytes(json) : null, takesBody ? "application/json" : null));
        }
        String path = fill(route.path(), good);
        // bad bodies (sent to every route that is not GET; GET and DELETE get a few too)
        int bodies = takesBody ? 10 : 2;
        for (String body : pick(BAD_BODIES, bodies, random)) {
            out.add(new Request(method.equals("GET") ? "GET" : method, path, bytes(body), "application/json"));
        }
        if (takesBody) {
            for (int i = 0; i < 6; i++) {
                String field = FIELDS.get(random.nextInt(FIELDS.size()));
                String value = BAD_VALUES.get(random.nextInt(BAD_VALUES.size()));
                out.add(new Request(method, path, bytes("{\"" + field + "\":" + value + "}"), "application/json"));
            }
            for (String type : pick(BAD_TYPES, 3, random)) {
                out.add(new Request(method, path, bytes(json), type));
            }
            out.add(new Request(method, path, new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"', '}'},
                    "application/json"));
        }
        return out;
    }

    static <T> List<T> pick(List<T> from, int n, Random random) {
        List<T> copy = new ArrayList<>(from);
        Collections.shuffle(copy, random);
        return copy.subList(0, Math.min(n, copy.size()));
    }

    static String fill(String template, Map<String, String> values) {
        String path = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            path = path.replace("{" + e.getKey() + "}", e.getValue());
        }
        return path;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Routes that would end the fuzzing session are sent by a throwaway agent with the same rights. */
    static Outcome send(Agent owner, Request r) throws Exception {
        Agent who = owner;
        if (r.path().startsWith("/api/v1/auth/logout") || r.path().startsWith("/api/v1/me/password")) {
            who = Agent.session(owner.server, "olivia", PW, false);
        }
        HttpRequest.Builder b;
        try {
            b = who.request(r.path());
        } catch (IllegalArgumentException e) {
            // a path java.net.URI refuses (a raw space, CR LF): the raw-socket part sends such requests
            return new Outcome(r.describe(), 400, "{\"error\":\"not sendable by java.net.http\"}");
        }
        if (r.body() == null) {
            b.method(r.method(), HttpRequest.BodyPublishers.noBody());
        } else {
            if (r.contentType() != null && !r.contentType().isEmpty()) {
                try {
                    b.header("Content-Type", r.contentType());
                } catch (IllegalArgumentException e) {
                    return new Outcome(r.describe(), 400, "{\"error\":\"header not sendable by java.net.http\"}");
                }
            }
            b.method(r.method(), HttpRequest.BodyPublishers.ofByteArray(r.body()));
        }
        b.timeout(Duration.ofSeconds(120));
        HttpRequest request = b.build();
        IOException failed = null;
        // a kept-alive connection the server closed after its previous answer fails with no bytes read; HTTP
        // clients send the request again on a new connection (RFC 9112, 9.3.1), and so does this one, once
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                HttpResponse<String> response = owner.server.http.send(request, HttpResponse.BodyHandlers.ofString());
                return new Outcome(r.describe(), response.statusCode(), response.body());
            } catch (IOException e) {
                failed = e;
            }
        }
        return new Outcome(r.describe(), 0, "no answer: " + failed);
    }

    /** Malformed HTTP that no well-behaved client sends: written byte for byte to a socket. */
    static Map<String, byte[]> rawRequests(String project) {
        Map<String, byte[]> raw = new LinkedHashMap<>();
        String p = "/api/v1/projects/" + project;
        raw.put("two Content-Lengths", bytes("POST /api/v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\nContent-Length: 13\r\nConnection: close\r\n\r\n{}"));
        raw.put("Content-Length and chunked", bytes("POST /api/v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n{}"));
        raw.put("two Hosts", bytes("GET " + p + " HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\nConnection: close\r\n\r\n"));
        raw.put("bad Host", bytes("GET " + p + " HTTP/1.1\r\nHost: a b@c:x\r\nConnection: close\r\n\r\n"));
        raw.put("no Host", bytes("GET " + p + " HTTP/1.1\r\nConnection: close\r\n\r\n"));
        raw.put("10 kB URI", bytes("GET " + p + "/commits?ref=" + "a".repeat(10_240) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        raw.put("oversized headers", bytes("GET " + p + " HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "b".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n"));
        raw.put("..%5C path", bytes("GET /api/v1/..%5C..%5C" + MARK + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        raw.put("..%2F path", bytes("GET /api/v1/projects/..%2F..%2F" + MARK + "/model HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        raw.put("dot segments", bytes("GET /api/v1/projects/../../../etc/passwd HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        raw.put("encoded NUL", bytes("GET " + p + "/model?ref=%00 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        raw.put("NUL in path", bytes("GET /api/v1/projects/%00/model HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        raw.put("bad percent escape", bytes("GET /api/v1/projects/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        raw.put("bad chunk size", bytes("POST /api/v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"));
        raw.put("garbage request line", bytes("HELLO THERE\r\n\r\n"));
        raw.put("unknown version", bytes("GET " + p + " HTTP/7.3\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        raw.put("header without colon", bytes("GET " + p + " HTTP/1.1\r\nHost: localhost\r\nNoColonHere\r\nConnection: close\r\n\r\n"));
        raw.put("space before colon", bytes("GET " + p + " HTTP/1.1\r\nHost : localhost\r\nConnection: close\r\n\r\n"));
        raw.put("negative Content-Length", bytes("POST /api/v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\nConnection: close\r\n\r\n"));
        raw.put("huge Content-Length", bytes("POST /api/v1/projects HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 99999999999999999999\r\nConnection: close\r\n\r\n{}"));
        raw.put("bare LF line ends", bytes("GET " + p + " HTTP/1.1\nHost: localhost\nConnection: close\n\n"));
        raw.put("non-ASCII in the path", new byte[] {'G', 'E', 'T', ' ', '/', 'a', 'p', 'i', '/', (byte) 0xFF, ' ', 'H', 'T', 'T', 'P', '/', '1', '.',
                '1', '\r', '\n', 'H', 'o', 's', 't', ':', ' ', 'x', '\r', '\n', '\r', '\n'});
        raw.put("obsolete line folding", bytes("GET " + p + " HTTP/1.1\r\nHost: localhost\r\nX-A: 1\r\n folded\r\nConnection: close\r\n\r\n"));
        raw.put("absolute URI of another host", bytes("GET http://evil.example" + p + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        raw.put("CONNECT", bytes("CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\nConnection: close\r\n\r\n"));
        return raw;
    }

    static Outcome raw(int port, String what, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before taking all of an oversized request
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            try {
                for (int n; (n = in.read(buf)) > 0; ) {
                    got.write(buf, 0, n);
                }
            } catch (IOException e) {
                // a reset after the answer
            }
            String text = got.toString(StandardCharsets.ISO_8859_1);
            Matcher status = Pattern.compile("^HTTP/1\\.[01] (\\d{3})").matcher(text);
            if (!status.find()) {
                return new Outcome("raw: " + what, 0, "no HTTP answer: " + clip(text));
            }
            int split = text.indexOf("\r\n\r\n");
            String body = split < 0 ? "" : new String(got.toByteArray(), split + 4, got.size() - split - 4, StandardCharsets.UTF_8);
            return new Outcome("raw: " + what, Integer.parseInt(status.group(1)), body);
        }
    }

    static String errorOf(String body) {
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            return json == null ? "" : json.path("error").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    static String clip(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    static String fsck(Path gitDir) throws Exception {
        Process p = new ProcessBuilder(List.of("git", "--git-dir=" + gitDir, "fsck", "--full", "--no-progress"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        if (p.exitValue() != 0) {
            return "exit " + p.exitValue() + ": " + out;
        }
        return out.lines().filter(l -> !l.startsWith("dangling") && !l.startsWith("Checking")).reduce("", String::concat);
    }

    /**
     * Files whose names carry a payload's marker anywhere the server could write outside its data directory.
     * A before/after listing of /tmp would also see what other processes on this machine create meanwhile;
     * the marker finds exactly what these payloads could have made, wherever a traversal would land.
     */
    static List<Path> strayFiles(Path dataDir) throws IOException {
        List<Path> stray = new ArrayList<>();
        List<Path> roots = new ArrayList<>(List.of(Path.of(System.getProperty("java.io.tmpdir")), Path.of("").toAbsolutePath(),
                dataDir.getParent()));
        for (Path root : roots) {
            Files.walkFileTree(root, EnumSet.noneOf(FileVisitOption.class), 4, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.toAbsolutePath().startsWith(dataDir.toAbsolutePath())) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    visitFile(dir, attrs);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (file.getFileName() != null && file.getFileName().toString().contains(MARK)) {
                        stray.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE; // unreadable, or another process's file that came and went
                }
            });
        }
        return stray;
    }
}
